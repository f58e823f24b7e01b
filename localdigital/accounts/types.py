"""Types for views that only signed-in people reach."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in person (behind ``login_required``)."""

    user: User
