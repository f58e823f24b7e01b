"""How every view speaks HTTP: the methods it answers, and what caches may keep.

A page answers GET and HEAD (uptime monitors and link checkers send HEAD, and a HEAD
refused with 405 reads to them as a broken page): Django's ``require_safe``. A page with a
form answers POST too: ``require_safe_or_post``. A button with no page of its own answers
only POST: Django's ``require_POST``. Nothing uses ``require_GET``.

Caches: ``PrivateCacheMiddleware`` keeps whatever is sent to a signed-in person out of
them; views do not repeat it. A view adds ``never_cache`` itself only where an anonymous
visitor sees something private (a sign-in or unsubscribe link's token, their email
address) or something that must be fresh (``/healthz``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

require_safe_or_post = require_http_methods(["GET", "HEAD", "POST"])


class MethodNotAllowedPageMiddleware:
    """Give a request in a method that an address does not answer (a GET of a button's
    address, typed or reloaded) the service's page saying so, rather than Django's empty 405.

    The status and the ``Allow`` header stay. It is the innermost middleware, so that the
    page is made with the signed-in person, and the response headers (security, caching)
    are added to the page as to any other."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or not isinstance(response, HttpResponse)
            or response.content
        ):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page


class PrivateCacheMiddleware:
    """Keep every response to a signed-in person out of every cache, shared or not.

    What a signed-in person is sent shows their data (their name in the header at least),
    so it carries ``Cache-Control: max-age=0, no-cache, no-store, must-revalidate,
    private``, as ``never_cache`` sets it, whatever the view: pages, redirects and
    errors alike, for staff as for council users. Nothing is stricter, so a view's own
    header is only ever tightened. Pages for anonymous visitors are left as their views
    made them, so public pages stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if _is_signed_in(request):
            add_never_cache_headers(response)
        return response


def _is_signed_in(request: HttpRequest) -> bool:
    """Return whether the request is from a signed-in person, or signed someone in.

    A visitor with no session cookie who was not signed in by this request is anonymous;
    asking for their user would load an empty session and add ``Vary: Cookie`` to public
    files that do not vary.
    """
    session = getattr(request, "session", None)
    if session is None:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not session.modified:
        return False
    return bool(request.user.is_authenticated)
