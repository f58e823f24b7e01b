"""Helpers for views and admin screens that only signed-in staff reach."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import User


def request_staff_user(request: HttpRequest) -> User:
    """Return the member of staff acting; the admin site lets nobody else this far."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
