"""Every write to the outbox and the suppression list.

``email_queue`` is how the rest of the service sends email: it queues a row inside the
caller's transaction, and a Celery task sends it once that transaction commits. A sender of
many emails at once (a newsletter issue) queues them with ``emails_queue``, and can hold,
release or cancel them. Newsletter email is paced by the throttle in ``throttle``.
"""

from localdigital.errors import TransitionNotAllowed

from ..errors import RecipientSuppressed
from .batches import EmailDraft, emails_cancel, emails_hold, emails_queue, emails_release
from .outbox import (
    SUPPRESSED_ERROR,
    SendOutcome,
    SendResult,
    email_queue,
    email_send,
    retry_delay,
)
from .outbox_chunks import ChunkResult, emails_send_chunk
from .outbox_retry import email_retry, emails_requeue_stuck
from .suppressions import delivery_receipt_record, suppression_add, suppression_remove
from .throttle import throttle_rate_per_minute, throttle_take

__all__ = [
    "SUPPRESSED_ERROR",
    "ChunkResult",
    "EmailDraft",
    "RecipientSuppressed",
    "SendOutcome",
    "SendResult",
    "TransitionNotAllowed",
    "delivery_receipt_record",
    "email_queue",
    "email_retry",
    "email_send",
    "emails_cancel",
    "emails_hold",
    "emails_queue",
    "emails_release",
    "emails_requeue_stuck",
    "emails_send_chunk",
    "retry_delay",
    "suppression_add",
    "suppression_remove",
    "throttle_rate_per_minute",
    "throttle_take",
]
