"""Full addresses of the service's pages, for emails, feeds and open data.

A page's address is ``reverse()`` of its URL name on ``SITE_URL``: never a path written out,
never the host a request happened to come in by. ``absolute_url`` is the one way to build one
from a URL name; ``link_on_site`` makes a path the service already has (a model's
``get_absolute_url``, a link in staff's Markdown) a full address the same way.
"""

from __future__ import annotations

from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.urls import reverse


def absolute_url(
    name: str, *args: object, query: dict[str, str] | None = None, **kwargs: object
) -> str:
    """Return the full address of the page called ``name``, with ``args`` or ``kwargs`` as
    ``reverse()`` takes them, and ``query`` as its query string."""
    url = settings.SITE_URL + reverse(name, args=args or None, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def link_on_site(url: str) -> str:
    """Return ``url`` as a full address: a relative one resolved against ``SITE_URL``.

    An address with a scheme (``https:``, ``mailto:``) is returned as it is, and one that
    starts with ``//`` is given ``https:``.
    """
    parts = urlsplit(url)
    if parts.scheme:
        return url
    if parts.netloc:
        return f"https:{url}"
    return urljoin(f"{settings.SITE_URL}/", url)
