"""The base of every sitemap of the service: addresses on ``SITE_URL``.

Django's sitemaps take the host from the Sites framework or, without it (as here), from
the request's ``Host`` header. A sitemap's addresses must be the service's own whatever
name it was reached by (a load balancer's health check, an internal name), so they come
from ``SITE_URL``, as the links in emails and open data do.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps


class SiteUrlSitemap(sitemaps.Sitemap):
    """A sitemap whose addresses start with ``SITE_URL``, its scheme and host (and any
    path it is served under)."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: Any = None) -> str:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")
