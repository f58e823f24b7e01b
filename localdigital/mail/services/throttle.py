"""The newsletter throttle: a token bucket in PostgreSQL, shared by every worker.

Newsletter email may go out at most ``MAIL_NEWSLETTER_RATE_PER_MINUTE`` a minute (GOV.UK
Notify's default limit is 3,000), however many workers send it. Transactional email has no
throttle here, and is never held by one: newsletter email is sent from a Celery queue of its own
(``MAIL_NEWSLETTER_QUEUE``), which a worker consumes beside the default queue, so it takes
its turn with a long newsletter rather than waiting behind it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Stream, StreamThrottle


def throttle_rate_per_minute(*, stream: str) -> int:
    """Return how many emails of ``stream`` may go a minute; 0 means no limit."""
    if stream == Stream.NEWSLETTER:
        return max(int(settings.MAIL_NEWSLETTER_RATE_PER_MINUTE), 0)
    return 0


def throttle_take(*, stream: str, now: datetime | None = None) -> float:
    """Take one send from ``stream``'s throttle; return the seconds to wait before sending.

    The bucket holds at most one second's worth of sends (at least one), and refills at the
    rate. A send that finds it empty takes a token all the same, leaving the bucket in debt,
    and waits until the refill has covered it: so each of several workers waiting at once
    waits its turn, and the rate holds across them. The row is locked while it is read and
    written, and the time is read once the lock is held, so the time spent waiting for the
    lock counts as refill. A stream with no limit returns 0 without touching the database.

    Called in a transaction, the bucket stays locked until that transaction ends, so call it
    last. ``now`` is for tests; otherwise it is the time once the lock is held.
    """
    per_minute = throttle_rate_per_minute(stream=stream)
    if per_minute <= 0:
        return 0.0
    per_second = per_minute / 60
    capacity = max(1.0, per_second)
    # Within a caller's transaction (a claim), the bucket is part of it: no savepoint needed.
    with transaction.atomic(savepoint=False):
        throttle = StreamThrottle.objects.select_for_update().filter(stream=stream).first()
        if throttle is None:
            # The first send of the stream makes its bucket, full; a concurrent first send
            # may have made it meanwhile, and then this one takes that row instead.
            StreamThrottle.objects.bulk_create(
                [StreamThrottle(stream=stream, tokens=capacity, refilled_at=now or timezone.now())],
                ignore_conflicts=True,
            )
            throttle = StreamThrottle.objects.select_for_update().get(stream=stream)
        moment = now or timezone.now()
        # Clocks of different workers may disagree a little; the bucket never refills backwards.
        elapsed = max((moment - throttle.refilled_at).total_seconds(), 0.0)
        throttle.tokens = min(capacity, throttle.tokens + elapsed * per_second) - 1
        throttle.refilled_at = max(moment, throttle.refilled_at)
        throttle.save(update_fields=["tokens", "refilled_at"])
    return max(0.0, -throttle.tokens / per_second)
