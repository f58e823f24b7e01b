"""The base of every Atom feed of the service: absolute links on ``SITE_URL``, and the
headers of open data.

Django's syndication framework makes a relative link absolute with the request's host;
a feed reader keeps the links it was given, so they are the service's own address, from
``SITE_URL``, whatever name the feed was fetched by. A feed is public data: any website
may read it, and caches may keep it for 5 minutes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed

from localdigital.links import absolute_url, link_on_site
from localdigital.open_data import open_data_headers

# How many entries a feed holds: the newest ones.
FEED_LENGTH = 50


class SiteUrlFeed(Feed):
    """An Atom feed whose links start with ``SITE_URL``.

    A subclass names its own URL (``url_name``) and the page it follows (``page_url_name``),
    and gives its items a ``get_absolute_url``.
    """

    feed_type = Atom1Feed
    language = "en-GB"
    url_name: str
    page_url_name: str

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        open_data_headers(response)
        return response

    def link(self) -> str:
        return absolute_url(self.page_url_name)

    def feed_url(self) -> str:
        return absolute_url(self.url_name)

    def item_link(self, item: Any) -> str:
        return link_on_site(item.get_absolute_url())
