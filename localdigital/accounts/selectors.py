"""Reads about users and their sign-in factors."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.http import urlsafe_base64_decode
from two_factor.utils import default_device

from .models import User
from .tokens import staff_set_up_tokens


def user_get_by_email(*, email: str) -> User | None:
    """Return the user with this email address, whatever its case, or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def user_has_confirmed_device(*, user: User | AnonymousUser) -> bool:
    """Return whether the user has the confirmed device that staff sign-in asks a code of.

    That is django-two-factor-auth's default device (named "default"); with any other
    device only, the sign-in would never ask for a code, so it counts as none.
    """
    return user.is_authenticated and default_device(user) is not None


PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path


def session_is_password_sign_in(*, request: HttpRequest) -> bool:
    """Return whether this session began with a password, not an emailed link.

    Only such a session may set up a second factor or reach the admin.
    """
    return (
        request.user.is_authenticated
        and request.session.get(BACKEND_SESSION_KEY) == PASSWORD_BACKEND
    )


def staff_set_up_user(*, uid: str, token: str) -> User | None:
    """Return the member of staff whose set-up link carries ``uid`` and ``token``, or None.

    None when the link is altered, expired or used (their password is set), or the account
    is no longer active staff.
    """
    try:
        pk = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:
        return None
    user = User.objects.filter(pk=pk, is_staff=True, is_active=True).first()
    if user is None or not staff_set_up_tokens.check_token(user, token):
        return None
    return user
