"""Error tracking with Sentry, when ``SENTRY_DSN`` is set; nothing at all when it is not.

Sentry receives unhandled exceptions from the web (Django) and from tasks (Celery), tagged
with the request id the person was shown. It receives no personal data: no cookies, no
headers that identify anyone, no user, no request body, no query string (a sign-in link's
token is in it), and ``scrub_event`` takes every email address and link token out of
whatever is left (messages, exception values, local variables, breadcrumbs), with every
value kept under a key that names a credential or the Referer (``HTTP_COOKIE`` in a WSGI
environ, a ``password`` variable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import sentry_sdk

from localdigital.redaction import redact

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

# What is kept of the request: what was asked for, and nothing of who asked.
KEPT_REQUEST_FIELDS = ("method", "url")
# Any value whose key contains one of these is replaced by FILTERED, wherever it is.
SECRET_KEY_PARTS = (
    "cookie",
    "sessionid",
    "csrf",
    "token",
    "password",
    "secret",
    "authorization",
    "referer",
)
FILTERED = "[Filtered]"


def init_error_tracking(*, dsn: str, environment: str, release: str) -> bool:
    """Start reporting errors to the Sentry project at ``dsn``; return whether it started
    (not when ``dsn`` is empty)."""
    if not dsn:
        return False
    # Imported only when used: the Celery integration loads parts of Celery that read
    # variables of their own.
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub_event,
        # Errors only: no performance traces.
        traces_sample_rate=0.0,
    )
    return True


def scrub_event(event: Event, hint: Hint) -> Event:
    """Return ``event`` without personal data: the user, the request beyond its method and
    address, and every email address and link token anywhere in it."""
    data: dict[str, Any] = dict(event)
    data.pop("user", None)
    request = data.get("request")
    if isinstance(request, dict):
        data["request"] = {key: request[key] for key in KEPT_REQUEST_FIELDS if key in request}
    return cast("Event", _scrub(data))


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            key: FILTERED if _is_secret_key(key) else _scrub(item) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _is_secret_key(key: object) -> bool:
    """Return whether a value under ``key`` (a local variable, a WSGI environ entry such as
    ``HTTP_COOKIE``) is a credential or says where a sign-in link was opened."""
    return isinstance(key, str) and any(part in key.lower() for part in SECRET_KEY_PARTS)
