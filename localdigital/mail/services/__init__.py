"""Every write to the outbox and the suppression list.

``email_queue`` is how the rest of the service sends email: it queues a row inside the
caller's transaction, and a Celery task sends it once that transaction commits.
"""

from .outbox import (
    SUPPRESSED_ERROR,
    RecipientSuppressed,
    SendOutcome,
    SendResult,
    TransitionNotAllowed,
    email_queue,
    email_retry,
    email_send,
    emails_requeue_stuck,
    retry_delay,
)
from .suppressions import delivery_receipt_record, suppression_add, suppression_remove

__all__ = [
    "SUPPRESSED_ERROR",
    "RecipientSuppressed",
    "SendOutcome",
    "SendResult",
    "TransitionNotAllowed",
    "delivery_receipt_record",
    "email_queue",
    "email_retry",
    "email_send",
    "emails_requeue_stuck",
    "retry_delay",
    "suppression_add",
    "suppression_remove",
]
