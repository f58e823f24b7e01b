"""The files a public web service is expected to have at its root: ``robots.txt``,
``sitemap.xml`` and ``/.well-known/security.txt`` (RFC 9116).

Each is public and the same for everyone, so caches may keep it; each answers GET and HEAD.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from localdigital.links import absolute_url
from localdigital.open_data import CACHE_CONTROL

from .sitemaps import SITEMAPS

# robots.txt and security.txt change only with a deployment (or, for security.txt, once a
# day), so caches may keep them for an hour.
SITE_FILE_MAX_AGE = 60 * 60
# Paths that are private to someone, or only steps of a form: crawlers have nothing to index
# there. Every public page is allowed.
PRIVATE_PATHS = (
    "/admin/",
    "/account/",
    "/staff/",
    "/mail/",
    "/declaration/sign/",
    "/declaration/signings/",
    "/funding/expressions-of-interest/",
    "/funding/applications/",
    "/funding/partners/",
    "/funding/rounds/*/expression-of-interest/",
    "/funding/rounds/*/apply/",
    "/training/*/cohorts/",
    "/newsletter/confirm/",
    "/newsletter/unsubscribe/",
    "/newsletter/manage/",
)
# How long security.txt stays valid when no expiry is set: RFC 9116 advises less than a
# year, so that stale contact details are not trusted for long.
SECURITY_TXT_LIFETIME = datetime.timedelta(days=180)


@require_safe
@cache_control(public=True, max_age=SITE_FILE_MAX_AGE)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Let crawlers index every public page, keep them out of private ones, and name the
    sitemap by its full address."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in PRIVATE_PATHS]
    lines += ["", f"Sitemap: {absolute_url('pages:sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """List every public page, with when it last changed where that is known."""
    response = django_sitemap(request, sitemaps=SITEMAPS)
    response["Cache-Control"] = CACHE_CONTROL
    return response


def security_txt_expires(now: datetime.datetime) -> datetime.datetime:
    """Return when security.txt expires: ``SECURITY_TXT_EXPIRES`` while it is in the future,
    else 180 days from the start of today (UTC), so the file never gives a date gone by and
    stays the same all day for caches."""
    expires: datetime.datetime | None = settings.SECURITY_TXT_EXPIRES
    if expires is not None:
        if timezone.is_naive(expires):
            expires = expires.replace(tzinfo=datetime.UTC)
        if expires > now:
            return expires.astimezone(datetime.UTC)
    today = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + SECURITY_TXT_LIFETIME


@require_safe
@cache_control(public=True, max_age=SITE_FILE_MAX_AGE)
def security_txt(request: HttpRequest) -> HttpResponse:
    """Say how to report a vulnerability (RFC 9116): contact, expiry, canonical address,
    language and, if there is one, the disclosure policy."""
    expires = security_txt_expires(timezone.now())
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Canonical: {absolute_url('pages:security-txt')}",
        "Preferred-Languages: en",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
