"""Sending again: requeuing emails stuck mid-send, and retrying a failed one at staff's request."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from localdigital.audit.services import audit_record
from localdigital.errors import TransitionNotAllowed
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail.errors import RecipientSuppressed
from localdigital.mail.services.outbox import _emails_send_later, logger

from .. import selectors
from ..models import EmailStatus, OutgoingEmail, Stream

if TYPE_CHECKING:
    from localdigital.accounts.models import User

# The Postgres advisory lock that keeps two sweeps from overlapping.
REQUEUE_LOCK = lock_register("mail.requeue_stuck")


def emails_requeue_stuck(*, now: datetime) -> list[int] | None:
    """Queue again every email that no task will send, and return their ids.

    These are rows left in sending since before ``now - MAIL_STUCK_AFTER`` (their worker died),
    which go back to queued, due at once; rows queued before then that were never picked up
    (their task was lost); and queued rows whose next attempt is due by ``now``. One send
    task per row (on the newsletter queue for newsletter rows) is queued after commit. Held
    and cancelled rows are left alone. A Postgres advisory lock keeps two
    sweeps from overlapping: while another holds it, nothing is done and None is returned.

    Newsletter email queued long ago is usually not lost but waiting its turn behind the
    throttle (a big issue takes hours at Notify's rate), and queuing it again would add a task
    per waiting row on every sweep. So while the newsletter stream moves (an email of it was
    claimed for sending since the cutoff), its queued rows are left to the tasks already on
    their way; only once it has stalled that long are they queued again. Rows this sweep put
    back from an abandoned attempt are queued again whatever the stream does.

    The same ``now`` selects the same rows, so a re-run gives the same result: a row put back
    in queued counts as queued since its abandoned attempt started, which is before the cutoff,
    and the stream's progress is judged by the claims made between the cutoff and ``now``.
    """
    cutoff = now - settings.MAIL_STUCK_AFTER
    with advisory_lock(REQUEUE_LOCK) as locked:
        if not locked:
            logger.info("Another sweep of the outbox is running; this one does nothing.")
            return None
        abandoned = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=EmailStatus.SENDING, sending_started_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        # A claim clears next_attempt_at, so these rows are due as soon as they are queued.
        OutgoingEmail.objects.filter(pk__in=abandoned).update(
            status=EmailStatus.QUEUED,
            queued_at=F("sending_started_at"),
            updated_at=timezone.now(),
        )
        stuck = OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).filter(
            Q(next_attempt_at__isnull=True, queued_at__lt=cutoff) | Q(next_attempt_at__lte=now)
        )
        if selectors.newsletter_has_progressed(since=cutoff, until=now):
            stuck = stuck.filter(
                ~Q(stream=Stream.NEWSLETTER)
                # Put back by a sweep: its attempt was abandoned, and no task is on its way.
                | Q(sending_started_at__isnull=False, queued_at=F("sending_started_at"))
            )
        stuck_rows = list(stuck.order_by("pk").values_list("pk", "stream"))
        if stuck_rows:
            logger.info(
                "Queuing %d emails again (%d abandoned mid-send).", len(stuck_rows), len(abandoned)
            )
            transaction.on_commit(partial(_emails_send_later, stuck_rows))
    return [email_id for email_id, _ in stuck_rows]


def email_retry(*, email_id: int, actor: User) -> OutgoingEmail:
    """Queue a failed email again, with its attempts reset, and send it after commit.

    Raises ``TransitionNotAllowed`` unless the email failed, and ``RecipientSuppressed`` if
    its recipient is on the suppression list (take the address off the list first).
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
        if not email.can_retry():
            raise TransitionNotAllowed(
                f"Only failed emails can be retried; this one is {email.status}."
            )
        if selectors.recipient_is_suppressed(email=email.recipient):
            raise RecipientSuppressed(f"{email.recipient} is on the suppression list.")
        email.status = EmailStatus.QUEUED
        email.attempts = 0
        email.queued_at = timezone.now()
        email.next_attempt_at = None
        email.failed_at = None
        email.save(
            update_fields=[
                "status",
                "attempts",
                "queued_at",
                "next_attempt_at",
                "failed_at",
                "updated_at",
            ]
        )
        audit_record(actor=actor, verb="mail.email.retried", target=email)
        transaction.on_commit(partial(_emails_send_later, [(email.pk, email.stream)]))
    return email
