from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from . import selectors


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let through only staff who signed in with their password.

    Anonymous visitors, and staff whose session began some other way, go to the staff
    sign-in; signed-in people who are not staff are refused.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied
        if not selectors.session_is_password_sign_in(request=request):
            return redirect_to_login(request.get_full_path(), reverse("two_factor:login"))
        return view(request, *args, **kwargs)

    return wrapped
