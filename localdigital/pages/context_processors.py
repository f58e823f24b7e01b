"""Template context that every page needs: the feedback address and the service navigation."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavigationItem:
    text: str
    href: str
    active: bool


def _sign_in_url(request: HttpRequest) -> str:
    """Return the sign-in page's address, which comes back to this page once signed in:
    except from the home page, which sends people to their account, and from sign-in's own
    pages."""
    sign_in = reverse("accounts:sign-in")
    if request.path == reverse("pages:home") or request.path.startswith(sign_in):
        return sign_in
    return f"{sign_in}?{urlencode({'next': request.get_full_path()})}"


def service(request: HttpRequest) -> dict[str, object]:
    """Return the feedback address and the service navigation, marking the current section."""
    items = [
        ("The Declaration", reverse("declaration:declaration")),
        ("Signatories", reverse("declaration:signatories")),
        ("Funding", reverse("funding:round-list")),
        ("Training", reverse("training:course-list")),
    ]
    user = getattr(request, "user", None)  # absent when a page renders before middleware ran
    if user is not None and user.is_authenticated:
        items.append(("Your account", reverse("pages:account")))
    else:
        items.append(("Sign in", _sign_in_url(request)))
    return {
        "feedback_email": settings.FEEDBACK_EMAIL,
        "service_navigation": [
            NavigationItem(text, href, request.path.startswith(href)) for text, href in items
        ],
    }
