"""Who is looking at the Fund's admin screens: a fund manager (or superuser), who sees every
application and assessment, or an assessor, who sees only their own."""

from __future__ import annotations

from django.http import HttpRequest

from localdigital.accounts.models import User

from ..services.assessment import is_fund_manager

_CACHE = "_funding_sees_all"


def sees_all(request: HttpRequest) -> bool:
    """Return whether the person is a fund manager or a superuser: they see every
    application and assessment. Anyone else sees only what is assigned to them."""
    cached = getattr(request, _CACHE, None)
    if cached is None:
        cached = isinstance(request.user, User) and is_fund_manager(request.user)
        setattr(request, _CACHE, cached)
    return bool(cached)


def request_user(request: HttpRequest) -> User | None:
    """Return the signed-in user, or None."""
    return request.user if isinstance(request.user, User) else None
