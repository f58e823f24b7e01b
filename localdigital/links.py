"""Full addresses of the service's pages, for emails, feeds and open data.

A page's address is ``reverse()`` of its URL name on ``SITE_URL``: never a path written out,
never the host a request happened to come in by. ``absolute_url`` is the one way to build one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def absolute_url(
    name: str, *args: object, query: dict[str, str] | None = None, **kwargs: object
) -> str:
    """Return the full address of the page called ``name``, with ``args`` or ``kwargs`` as
    ``reverse()`` takes them, and ``query`` as its query string."""
    url = settings.SITE_URL + reverse(name, args=args or None, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url
