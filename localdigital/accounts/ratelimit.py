"""Limits on requests, keyed by the visitor's real address behind our proxies."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str:
    """Return the visitor's IP address.

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each of which appends the address it was
    reached from to ``X-Forwarded-For``, the visitor is the last address the outermost
    trusted proxy appended. Addresses to the left of it are the visitor's own claims and are
    ignored, so they cannot be used to dodge a limit.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return hops[0] if hops else remote
    return hops[-count]


def is_limited(request: HttpRequest, *, group: str, key: str, rate: str) -> bool:
    """Count this request against the limit ``rate`` for ``key`` and say if it is over.

    ``key`` is ``"ip"`` for the visitor's address, or any other string (an email address,
    say) to count requests about that.
    """
    return is_ratelimited(
        request,
        group=group,
        key="ip" if key == "ip" else (lambda group, request: key),
        rate=rate,
        increment=True,
    )


@dataclass(frozen=True)
class EmailLimits:
    """The limits on requests to email a link to an address (a sign-in or a confirmation
    link, say): per network and per address. The rates are the settings named, read when a
    request is counted; the errors are what the person is told when over each. The limits
    are counted in the groups ``group`` with ".ip" and with ".email"."""

    group: str
    per_network_setting: str
    per_email_setting: str
    network_error: str
    email_error: str


def email_limit_error(request: HttpRequest, limits: EmailLimits, email: str) -> str:
    """Count a request to email ``email`` against ``limits``; return the message of the first
    it is over, or "". A request over the network's limit does not count against the
    address's."""
    per_network = getattr(settings, limits.per_network_setting)
    if is_limited(request, group=f"{limits.group}.ip", key="ip", rate=per_network):
        return limits.network_error
    per_email = getattr(settings, limits.per_email_setting)
    if is_limited(request, group=f"{limits.group}.email", key=email.lower(), rate=per_email):
        return limits.email_error
    return ""
