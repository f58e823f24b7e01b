"""Writes to the outbox: queuing, sending, the sweep and retries.

Every email is queued here, inside the caller's transaction, and sent by a Celery task once
that transaction commits.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from localdigital.queueing import enqueue

from .. import delivery, selectors
from ..models import (
    SENSITIVE_BODY_REMOVED,
    SUPPRESSED_ERROR,
    EmailStatus,
    OutgoingEmail,
    Stream,
    Suppression,
    message_id_for,
)
from ..signals import emails_finished
from .throttle import throttle_rate_per_minute, throttle_take

logger = logging.getLogger(__name__)

# A temporary failure is tried again after MAIL_RETRY_FIRST_DELAY (30 seconds unless set),
# then after twice as long each time, up to 15 minutes. That stays below the Redis broker's
# visibility timeout (30 minutes), after which a task waiting for its time is delivered again.
RETRY_LONGEST_DELAY = timedelta(minutes=15)


class SendOutcome(enum.StrEnum):
    """What one run of ``email_send`` did, in the words the task returns."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    NOT_QUEUED = "not-queued"
    LOCKED = "locked"
    NOT_DUE = "not-due"
    MISSING = "missing"


# What leaves an email finished: it stays so unless staff retry it.
FINAL_OUTCOMES = frozenset({SendOutcome.SENT, SendOutcome.FAILED, SendOutcome.SUPPRESSED})


@dataclass(frozen=True)
class SendResult:
    """What one send did; ``retry_at`` is set when a temporary failure should be tried again."""

    outcome: SendOutcome
    retry_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        """Return whether the email is finished: sent, or failed for good."""
        return self.outcome in FINAL_OUTCOMES


def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    idempotency_key: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    stream: str = Stream.TRANSACTIONAL,
    sensitive: bool = False,
) -> OutgoingEmail:
    """Queue an email and send it once the caller's transaction commits.

    Queuing the same ``idempotency_key`` again returns the first row and sends nothing more,
    so a caller that runs twice emails once. If the caller's transaction rolls back, the row
    goes with it and nothing is sent.

    ``sensitive`` marks an email that holds a secret, such as a sign-in link: staff never see
    its body, and the body is removed from the outbox once the email is sent.
    """
    now = timezone.now()
    email, created = OutgoingEmail.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "recipient": to,
            "subject": subject,
            "body_text": body,
            "body_html": html,
            "headers": headers or {},
            "stream": Stream(stream),
            "is_sensitive": sensitive,
            "message_id": message_id_for(idempotency_key),
            "created_at": now,
            "queued_at": now,
        },
    )
    if created:
        transaction.on_commit(partial(_emails_send_later, [(email.pk, email.stream)]))
    return email


def email_send(*, email_id: int, sleep: Callable[[float], object] = time.sleep) -> SendResult:
    """Send one queued email, and record on its row what happened.

    The row is claimed (queued → sending) in a transaction of its own, so no lock is held
    while the provider is contacted. A row that is locked by another worker, not queued or
    not yet due is left alone, so running this twice sends once. A suppressed recipient
    fails the row without contacting the provider. A temporary error queues the row again
    after a backoff, until ``MAIL_MAX_ATTEMPTS`` attempts are used; a permanent one fails it.
    Once a sensitive email is sent its body is removed; until then it is kept for the retries.

    A newsletter email takes a token from the newsletter throttle as it is claimed, and
    waits (``sleep``) until the token is due before it goes; transactional email never
    waits. A row left alone takes no token, so repeats of a task cost the throttle nothing.

    Once the email is finished (sent, or failed for good), ``emails_finished`` is sent.
    """
    result = _email_send(email_id=email_id, sleep=sleep)
    if result.is_final:
        _emails_finished_announce([email_id])
    return result


def _email_send(*, email_id: int, sleep: Callable[[float], object]) -> SendResult:
    claimed = _email_claim(email_id=email_id)
    if isinstance(claimed, SendResult):
        return claimed
    email, wait = claimed
    if wait > 0:
        sleep(wait)
    try:
        provider_reference = delivery.email_deliver(email=email)
    except Exception as error:
        send_error = delivery.send_error_read(error)
        logger.warning(
            "Email %s was not sent: %s",
            email_id,
            send_error.description,
            exc_info=send_error.description.startswith("Unexpected"),
        )
        return _email_record_error(email_id=email_id, send_error=send_error)
    _email_mark_sent(email=email, provider_reference=provider_reference)
    return SendResult(SendOutcome.SENT)


def _emails_finished_announce(email_ids: Sequence[int]) -> None:
    """Send ``emails_finished`` for the emails, once what finished them is committed."""
    if email_ids:
        transaction.on_commit(partial(_emails_finished_send, list(email_ids)))


def _emails_finished_send(email_ids: list[int]) -> None:
    for receiver, response in emails_finished.send_robust(
        sender=OutgoingEmail, email_ids=email_ids
    ):
        if isinstance(response, Exception):
            logger.error(
                "%s failed on finished emails %s.",
                getattr(receiver, "__qualname__", receiver),
                email_ids,
                exc_info=response,
            )


def _email_claim(*, email_id: int) -> tuple[OutgoingEmail, float] | SendResult:
    """Claim a queued, due row for sending; return it with the seconds to wait for its turn."""
    now = timezone.now()
    email = _email_claim_at_once(email_id=email_id, now=now)
    if email is not None:
        return email, 0.0
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .annotate(recipient_is_suppressed=selectors.recipient_is_suppressed_expression())
            .filter(pk=email_id)
            .first()
        )
        if email is None:
            exists = OutgoingEmail.objects.filter(pk=email_id).exists()
            return SendResult(SendOutcome.LOCKED if exists else SendOutcome.MISSING)
        if email.status != EmailStatus.QUEUED:
            return SendResult(SendOutcome.NOT_QUEUED)
        if email.next_attempt_at is not None and email.next_attempt_at > now:
            return SendResult(SendOutcome.NOT_DUE)
        # Read with the row, in the same query.
        if getattr(email, "recipient_is_suppressed", True):
            _email_fail(email=email, now=now, error=SUPPRESSED_ERROR)
            return SendResult(SendOutcome.SUPPRESSED)
        if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
            _email_fail(
                email=email,
                now=now,
                error=f"Gave up after {email.attempts} attempts. {email.last_error}".strip(),
            )
            return SendResult(SendOutcome.FAILED)
        wait = throttle_take(stream=email.stream)
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.sending_started_at = now
        email.next_attempt_at = None
        email.save(
            update_fields=[
                "status",
                "attempts",
                "sending_started_at",
                "next_attempt_at",
                "updated_at",
            ]
        )
    return email, wait


def _email_claim_at_once(*, email_id: int, now: datetime) -> OutgoingEmail | None:
    """Claim the row in one statement when nothing stands in its way, or return None.

    The usual case, and the newsletter's hot path: a queued, due row, unlocked, under the
    attempt limit, to a recipient who is not suppressed, on a stream with no throttle (a
    throttled stream takes its token in the claim's transaction, so it takes the longer
    way). One ``UPDATE … RETURNING`` (a transaction of its own, unless in a caller's) does
    what the longer way does in four round trips. Any other row is left exactly as it was,
    for ``_email_claim`` to say why it cannot go.
    """
    table = connection.ops.quote_name(OutgoingEmail._meta.db_table)
    suppressions = connection.ops.quote_name(Suppression._meta.db_table)
    unthrottled = (
        ""
        if throttle_rate_per_minute(stream=Stream.NEWSLETTER) <= 0
        else "AND stream <> %(newsletter)s"
    )
    # Only the quoted table names are formatted in; every value is a parameter.
    sql = f"""
        UPDATE {table}
        SET status = %(sending)s, attempts = attempts + 1, sending_started_at = %(now)s,
            next_attempt_at = NULL, updated_at = %(now)s
        WHERE id = (SELECT id FROM {table} WHERE id = %(id)s FOR UPDATE SKIP LOCKED)
          AND status = %(queued)s
          AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s)
          AND attempts < %(max_attempts)s
          AND NOT EXISTS (
            SELECT 1 FROM {suppressions} WHERE LOWER(email) = LOWER(TRIM({table}.recipient))
          )
          {unthrottled}
        RETURNING *
    """  # noqa: S608
    params = {
        "id": email_id,
        "now": now,
        "sending": EmailStatus.SENDING.value,
        "queued": EmailStatus.QUEUED.value,
        "max_attempts": settings.MAIL_MAX_ATTEMPTS,
        "newsletter": Stream.NEWSLETTER.value,
    }
    claimed = list(OutgoingEmail.objects.raw(sql, params))
    return claimed[0] if claimed else None


def _email_mark_sent(*, email: OutgoingEmail, provider_reference: str) -> None:
    """Record that the provider accepted the email, and remove a sensitive email's body.

    One conditional UPDATE, which locks the row as it writes: a row already marked sent is
    left as it is.
    """
    now = timezone.now()
    # The provider has the message, so it is sent whatever the row says now (the sweep may
    # have queued it again meanwhile; marking it sent stops that repeat).
    changes: dict[str, object] = {
        "status": EmailStatus.SENT,
        "sent_at": now,
        "failed_at": None,
        "next_attempt_at": None,
        "provider_reference": provider_reference,
        "updated_at": now,
    }
    if email.is_sensitive:
        # The secret has done its job; nothing it unlocks should stay in the database.
        changes["body_text"] = SENSITIVE_BODY_REMOVED
        changes["body_html"] = Case(
            When(body_html="", then=Value("")), default=Value(SENSITIVE_BODY_REMOVED)
        )
    OutgoingEmail.objects.filter(pk=email.pk).exclude(status=EmailStatus.SENT).update(**changes)


def _email_record_error(*, email_id: int, send_error: delivery.SendError) -> SendResult:
    now = timezone.now()
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if email.status != EmailStatus.SENDING:
            # The sweep queued it again while this attempt ran; that send decides.
            return SendResult(SendOutcome.NOT_QUEUED)
        if not send_error.temporary:
            _email_fail(email=email, now=now, error=send_error.description)
            return SendResult(SendOutcome.FAILED)
        if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
            _email_fail(
                email=email,
                now=now,
                error=f"Gave up after {email.attempts} attempts. {send_error.description}",
            )
            return SendResult(SendOutcome.FAILED)
        email.status = EmailStatus.QUEUED
        email.queued_at = now
        email.next_attempt_at = now + retry_delay(attempts=email.attempts)
        email.last_error = send_error.description
        email.save(
            update_fields=["status", "queued_at", "next_attempt_at", "last_error", "updated_at"]
        )
    return SendResult(SendOutcome.RETRY, retry_at=email.next_attempt_at)


def _email_fail(*, email: OutgoingEmail, now: datetime, error: str) -> None:
    email.status = EmailStatus.FAILED
    email.failed_at = now
    email.next_attempt_at = None
    email.last_error = error
    email.save(update_fields=["status", "failed_at", "next_attempt_at", "last_error", "updated_at"])


def retry_delay(*, attempts: int) -> timedelta:
    """Return how long to wait before the next attempt, after ``attempts`` attempts."""
    return min(settings.MAIL_RETRY_FIRST_DELAY * 2 ** max(attempts - 1, 0), RETRY_LONGEST_DELAY)


def _emails_send_later(emails: Iterable[tuple[int, str]]) -> None:
    """Queue the sends of (email id, stream) pairs: one task per transactional email, and one
    per chunk of ``MAIL_NEWSLETTER_SEND_CHUNK`` newsletter emails, on the newsletter queue.

    With the broker down the rows wait for the sweep, rather than failing the request whose
    transaction has already committed; the first failure stops the rest, which would fail too
    (and ``enqueue`` leaves the broker alone for a while after it).
    """
    from ..tasks import send_email, send_newsletter_emails

    chunk_size = max(int(settings.MAIL_NEWSLETTER_SEND_CHUNK), 1)
    newsletter: list[int] = []
    queue = settings.MAIL_NEWSLETTER_QUEUE
    for email_id, stream in emails:
        if stream != Stream.NEWSLETTER:
            if not enqueue(send_email, email_id):
                return
            continue
        newsletter.append(email_id)
        if len(newsletter) == chunk_size:
            if not enqueue(send_newsletter_emails, newsletter, queue=queue):
                return
            newsletter = []
    if newsletter:
        enqueue(send_newsletter_emails, newsletter, queue=queue)
