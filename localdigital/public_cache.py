"""Public pages kept rendered in the cache, and answered with 304 when the visitor has them.

A view of a page anyone may read is decorated with ``public_page(*areas, params=...)``. For
an anonymous visitor the page is then:

- sent with ``Cache-Control: public, max-age=PUBLIC_CACHE_MAX_AGE`` (60 seconds by default),
  an ETag (a hash of the body) and ``Vary: Cookie`` (a signed-in person gets another page at
  the same address), so browsers and shared caches may keep it;
- kept rendered in the cache (Redis in production, the local-memory cache when
  ``REDIS_URL`` is unset) for the same ``max-age``, keyed on its path and its normalised
  query string, with the content version of every area it shows at the time it was
  rendered: it is served only while those are still the current versions;
- answered with 304 Not Modified, without rendering and without a database query, when the
  request's ``If-None-Match`` names the current ETag.

**Areas and invalidation.** An area is a word naming a kind of public content
("declaration", "funding", "training"). A service that changes what public pages show calls
``content_changed(area)``; once its transaction commits, the area gets a new version, so
every page rendered at the old one is out of date and the next visitor gets a freshly
rendered page, which replaces it. Bumping only on commit means no request can
render the old rows under the new version. A page lists every area it shows: an
organisation's name is declaration content, so funding pages that name organisations list
"declaration" too.

**Query strings.** Only the parameters a view declares in ``params`` are kept, each with its
last value (as Django's forms read it), empty ones dropped, in the order the view lists
them (so ``?type=x&q=y`` and ``?q=y&type=x`` are one page). The view then
sees exactly that query string, so a page stored under a key never holds a parameter the key
does not. Any other parameter (tracking tags, typos) shares the cached page. Each distinct
search is its own entry, kept for ``max-age`` seconds at most.

**Never personal.** A request with a session that holds anything (a signed-in person, a
message waiting to be shown, a journey in progress) is neither served from nor stored in the
cache; it gets the page rendered for it, marked private (``PrivateCacheMiddleware`` does so
for signed-in people). A response is stored only when rendering it set no cookie, asked for
no CSRF token and left the session untouched, and only with status 200.

If the cache cannot be reached the page is rendered as if nothing were cached. With
``PUBLIC_CACHE_MAX_AGE=0`` nothing is kept, and every request renders its page (still with an
ETag, so a browser revalidates).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag, urlencode

logger = logging.getLogger(__name__)

VERSION_KEY = "public-page:version:{area}"
PAGE_KEY = "public-page:{digest}"
VALUE_KEY = "public-value:{name}"
# Headers a view may set that the stored page keeps; the middleware adds the rest again on
# every response, hit or miss.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Access-Control-Allow-Origin", "Link")

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
T = TypeVar("T")


def content_changed(*areas: str) -> None:
    """Give each area a new content version once the current transaction commits.

    Outside a transaction the versions move at once. Every cached page that shows one of
    the areas is then rendered again at its next request.
    """
    versions = {VERSION_KEY.format(area=area): _new_version() for area in areas}

    def move_versions() -> None:
        try:
            cache.set_many(versions, timeout=None)
        except Exception:
            logger.exception("The public page cache could not be invalidated for %s", areas)

    transaction.on_commit(move_versions)


def public_page(*areas: str, params: Sequence[str] = ()) -> Callable[[View], View]:
    """Cache the view's page for anonymous visitors, as the module's docstring says.

    ``areas`` are the kinds of content the page shows; ``params`` the query parameters the
    view reads (every other one is dropped before the view sees the request).
    """
    kept_params = tuple(dict.fromkeys(params))

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if not _is_anonymous_without_session_data(request):
                response = view(request, *args, **kwargs)
                add_never_cache_headers(response)
                patch_vary_headers(response, ("Cookie",))
                return response
            query = _normalised_query(request.GET, kept_params)
            request.GET = QueryDict(query)
            request.META["QUERY_STRING"] = query
            key = _page_key(request.get_host(), request.path, query)
            entry, versions = _lookup(key, areas)
            if entry is not None:
                return _public_response(request, _response_from(entry), etag=entry["etag"])
            response = view(request, *args, **kwargs)
            if not _is_storable(request, response):
                return response
            assert isinstance(response, HttpResponse)  # not streaming, checked above
            etag = quote_etag(hashlib.blake2b(response.content, digest_size=16).hexdigest())
            if versions is not None and _max_age() > 0:
                _cache_set(key, _entry_from(response, etag=etag, versions=versions))
            return _public_response(request, response, etag=etag)

        return wrapped  # type: ignore[return-value]

    return decorator


def kept_for_versions(*areas: str, name: str, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept in the cache while the areas' versions stay the same (for
    ``PUBLIC_CACHE_MAX_AGE`` seconds at most).

    For what public pages show that depends only on the areas' content and costs queries on
    every render, such as a list's filter options with their counts: a page rendered again
    for another search or page number does not count them again. The value must pickle.
    """
    key = VALUE_KEY.format(name=name)
    entry, versions = _lookup(key, areas)
    if entry is not None:
        return entry["value"]
    value = compute()
    if versions is not None and _max_age() > 0:
        _cache_set(key, {"versions": versions, "value": value})
    return value


def _new_version() -> str:
    return secrets.token_hex(6)


def _max_age() -> int:
    return settings.PUBLIC_CACHE_MAX_AGE


def _is_anonymous_without_session_data(request: HttpRequest) -> bool:
    """Return whether the request may be answered from the anonymous cache.

    Without a session cookie nothing personal can be on the page, and the session is not
    even loaded. With one, the session is read: only an empty one (expired, or emptied)
    still counts as anonymous.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and not list(session.keys())


def _normalised_query(query: QueryDict, params: Iterable[str]) -> str:
    """Return the query string of the ``params`` in ``query``: last values, no empty ones,
    in the order of ``params``."""
    kept = []
    for name in params:
        value = query.get(name, "")
        if value:
            kept.append((name, value))
    return urlencode(kept)


def _page_key(host: str, path: str, query: str) -> str:
    # The host too: a service that answers to two names keeps a page for each.
    digest = hashlib.blake2b(f"{host}{path}?{query}".encode(), digest_size=16).hexdigest()
    return PAGE_KEY.format(digest=digest)


def _lookup(key: str, areas: Sequence[str]) -> tuple[dict[str, Any] | None, list[str] | None]:
    """Return the page kept under ``key`` if it was rendered at the areas' current versions
    (else None), and those versions (None when the cache cannot be read).

    The page and the versions come in one round trip. A version is random, never a counter,
    so a version lost from the cache (an eviction, a restart) is replaced by one that no
    kept page was ever rendered at.
    """
    version_keys = [VERSION_KEY.format(area=area) for area in areas]
    try:
        found = cache.get_many([*version_keys, key])
        missing = [version_key for version_key in version_keys if version_key not in found]
        if missing:
            for version_key in missing:
                cache.add(version_key, _new_version(), timeout=None)
            found.update(cache.get_many(missing))
    except Exception:
        logger.exception("The public page cache could not be read")
        return None, None
    versions = [str(found.get(version_key, "")) for version_key in version_keys]
    entry = found.get(key)
    if entry is None or entry.get("versions") != versions:
        return None, versions
    return entry, versions


def _cache_set(key: str, entry: dict[str, Any]) -> None:
    try:
        cache.set(key, entry, timeout=_max_age())
    except Exception:
        logger.exception("The public page cache could not be written")


def _is_storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Return whether the response holds nothing that belongs to this one visitor."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control"):
        return False  # the view decided for itself
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # a CSRF token is on the page
    session = getattr(request, "session", None)
    return session is None or not (session.modified or list(session.keys()))


def _entry_from(response: HttpResponse, *, etag: str, versions: list[str]) -> dict[str, Any]:
    return {
        "versions": versions,
        "content": response.content,
        "headers": [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)],
        "etag": etag,
    }


def _response_from(entry: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _public_response(request: HttpRequest, response: HttpResponse, *, etag: str) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={_max_age()}"
    response["ETag"] = etag
    patch_vary_headers(response, ("Cookie",))
    conditional = get_conditional_response(request, etag=etag, response=response)
    return conditional  # type: ignore[return-value]


class PublicContentAdminMixin:
    """Render the public pages of ``public_areas`` again after a save or delete in this
    admin.

    For admin pages that save their model straight from the form (a fund) rather than
    through a service that says what changed; pages that save through such services (a
    course, a cohort) may keep it, so that every save renders their areas again.
    ``save_related`` runs after ``save_model`` and the inlines on every save, in the admin's
    transaction, so the versions move once it commits.
    """

    public_areas: tuple[str, ...] = ()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        content_changed(*self.public_areas)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        content_changed(*self.public_areas)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        content_changed(*self.public_areas)
