"""Writes to many outbox rows at once: queuing a batch, and holding, releasing or cancelling it.

A newsletter issue queues its emails a batch at a time, and is paused, resumed or cancelled
as a whole. The sender keeps track of which rows are its own and passes their ids (a list, or
a queryset of ids, which becomes a subquery).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import EmailStatus, OutgoingEmail, Stream, message_id_for
from .outbox import _emails_send_later

EmailIds = Iterable[int] | QuerySet


@dataclass(frozen=True)
class EmailDraft:
    """One email for ``emails_queue``, with the same meaning as ``email_queue``'s arguments."""

    to: str
    subject: str
    body: str
    idempotency_key: str
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    stream: str = Stream.TRANSACTIONAL
    sensitive: bool = False


def emails_queue(*, drafts: Sequence[EmailDraft]) -> dict[str, int]:
    """Queue many emails at once, each sent once the caller's transaction commits.

    Return each draft's idempotency key with the id of its row. As with ``email_queue``, a
    key queued before keeps its first row and sends nothing more, and nothing is sent if the
    caller's transaction rolls back. Three queries, however many drafts.
    """
    if not drafts:
        return {}
    keys = [draft.idempotency_key for draft in drafts]
    existing = set(
        OutgoingEmail.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    now = timezone.now()
    new_rows = [
        OutgoingEmail(
            recipient=draft.to,
            subject=draft.subject,
            body_text=draft.body,
            body_html=draft.html,
            headers=draft.headers,
            stream=Stream(draft.stream),
            is_sensitive=draft.sensitive,
            idempotency_key=draft.idempotency_key,
            message_id=message_id_for(draft.idempotency_key),
            created_at=now,
            queued_at=now,
        )
        for draft in drafts
        if draft.idempotency_key not in existing
    ]
    # A row queued by someone else since the lookup is kept, and sent by whoever queued it.
    OutgoingEmail.objects.bulk_create(new_rows, ignore_conflicts=True, batch_size=500)
    rows = {
        key: (email_id, stream)
        for key, email_id, stream in OutgoingEmail.objects.filter(
            idempotency_key__in=keys
        ).values_list("idempotency_key", "pk", "stream")
    }
    to_send = [rows[row.idempotency_key] for row in new_rows]
    if to_send:
        transaction.on_commit(partial(_emails_send_later, to_send))
    return {key: email_id for key, (email_id, _) in rows.items()}


def emails_hold(*, email_ids: EmailIds) -> int:
    """Hold the queued emails among ``email_ids``, so that none is sent; return how many.

    An email being sent at this moment goes on; sent and failed ones are left as they are.
    """
    return OutgoingEmail.objects.filter(pk__in=email_ids, status=EmailStatus.QUEUED).update(
        status=EmailStatus.HELD, updated_at=timezone.now()
    )


def emails_release(*, email_ids: EmailIds) -> int:
    """Queue the held emails among ``email_ids`` again, due at once; return how many.

    Each is sent after the caller's transaction commits.
    """
    now = timezone.now()
    with transaction.atomic():
        held = list(
            OutgoingEmail.objects.select_for_update()
            .filter(pk__in=email_ids, status=EmailStatus.HELD)
            .order_by("pk")
            .values_list("pk", "stream")
        )
        OutgoingEmail.objects.filter(pk__in=[email_id for email_id, _ in held]).update(
            status=EmailStatus.QUEUED, queued_at=now, next_attempt_at=None, updated_at=now
        )
        if held:
            transaction.on_commit(partial(_emails_send_later, held))
    return len(held)


def emails_cancel(*, email_ids: EmailIds) -> int:
    """Cancel the queued and held emails among ``email_ids``, never to be sent; return how many.

    An email being sent at this moment goes on; sent and failed ones are left as they are.
    """
    return OutgoingEmail.objects.filter(
        pk__in=email_ids, status__in=[EmailStatus.QUEUED, EmailStatus.HELD]
    ).update(status=EmailStatus.CANCELLED, next_attempt_at=None, updated_at=timezone.now())
