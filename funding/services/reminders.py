"""Deadline reminders: emails to the people writing unsubmitted EOIs and applications, at
each of the round's reminder offsets before the close.

For a close at ``C`` and an offset of ``d`` days, the reminder falls due at ``C - d`` days.
The job runs every hour; it acts on a reminder only from the moment it falls due until a
day after (``FUNDING_REMINDER_LATEST``), and never once the close has passed, so it never
backfills: installing the service, or a job that was down for a week, sends nothing late.

The recipients of a bid's reminder are the person who started it and everyone who has
saved it since, if they are still active approved members of an organisation in the bid.
A ``DeadlineReminder`` row, unique per bid, offset and recipient, is written in the same
transaction as each email, so a re-run, or a second beat, never sends twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string

from declaration import selectors as declaration_selectors
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail.services import email_queue
from localdigital.queueing import enqueue_each_on_commit

from .. import formats
from ..models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationStatus,
    DeadlineReminder,
    EoiChange,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)

logger = logging.getLogger(__name__)

# The Postgres advisory lock that keeps two runs from overlapping.
REMINDER_LOCK = lock_register("funding.deadline_reminders")

EOI = "eoi"
APPLICATION = "application"


@dataclass(frozen=True)
class DueReminder:
    """A reminder to send: for this bid (``kind`` and id), at this offset."""

    kind: str
    bid_id: int
    offset_days: int


@dataclass(frozen=True)
class DueOffset:
    """One of a round's reminders that is due now: for its EOIs or its applications."""

    round_id: int
    kind: str
    offset_days: int
    closes_at: datetime


def _latest() -> timedelta:
    return settings.FUNDING_REMINDER_LATEST


def is_due(*, closes_at: datetime, offset_days: int, now: datetime) -> bool:
    """Return whether the reminder ``offset_days`` before ``closes_at`` is due at ``now``:
    its moment has come, no more than a day ago, and the close has not."""
    moment = closes_at - timedelta(days=offset_days)
    return moment <= now < min(moment + _latest(), closes_at)


def due_offsets(*, now: datetime) -> list[DueOffset]:
    """Return the published rounds' reminders that are due at ``now``."""
    # Only rounds with a close still to come can have a reminder due: a handful, not history.
    rounds = (
        Round.objects.filter(is_published=True)
        .filter(Q(applications_close_at__gt=now) | Q(eoi_closes_at__gt=now))
        .only("pk", "eoi_closes_at", "applications_close_at", "reminder_offsets_days")
        .order_by("pk")
    )
    due = []
    for round in rounds:
        closes = [(EOI, round.eoi_closes_at), (APPLICATION, round.applications_close_at)]
        for kind, closes_at in closes:
            if closes_at is None:
                continue
            for offset in sorted(set(round.reminder_offsets_days), reverse=True):
                if is_due(closes_at=closes_at, offset_days=offset, now=now):
                    due.append(DueOffset(round.pk, kind, offset, closes_at))
    return due


def unreminded_drafts(due: DueOffset) -> QuerySet:
    """Return the ids of the round's drafts of ``due.kind`` that have no reminder at the
    offset yet: an index scan of the round's drafts, and one probe each of the reminders."""
    if due.kind == EOI:
        model: type[ExpressionOfInterest] | type[Application] = ExpressionOfInterest
        reminded = DeadlineReminder.objects.filter(eoi=OuterRef("pk"), offset_days=due.offset_days)
        status: str = EoiStatus.DRAFT
    else:
        model = Application
        reminded = DeadlineReminder.objects.filter(
            application=OuterRef("pk"), offset_days=due.offset_days
        )
        status = ApplicationStatus.DRAFT
    return (
        model.objects.filter(round_id=due.round_id, status=status)
        .filter(~Exists(reminded))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def deadline_reminders_queue(*, now: datetime) -> list[DueReminder] | None:
    """Find the bids due a reminder at ``now`` that have none yet, and queue one
    ``send_deadline_reminder`` task for each after commit; return them.

    A Postgres advisory lock keeps two runs from overlapping: while another holds it, this
    does nothing and returns None. Each task checks again before it sends.
    """
    with advisory_lock(REMINDER_LOCK) as locked:
        if not locked:
            logger.info("Another run of the deadline reminders holds the lock; skipping.")
            return None
        # The ids are read in one plain query, not through a server-side cursor
        # (``.iterator()``): Postgres plans a cursor for its first rows, and walks the whole
        # table in primary-key order instead of reading the round's drafts by their index.
        # The list holds every reminder anyway.
        due = [
            DueReminder(offset.kind, bid_id, offset.offset_days)
            for offset in due_offsets(now=now)
            for bid_id in unreminded_drafts(offset)
        ]
        if due:
            logger.info("Queuing %d deadline reminders.", len(due))
            from ..tasks import send_deadline_reminder

            run_at = now.isoformat()
            enqueue_each_on_commit(
                send_deadline_reminder,
                ((r.kind, r.bid_id, r.offset_days, run_at) for r in due),
            )
    return due


def _recipients(
    *, creator: User | None, editor_ids: set[int], organisation_ids: set[int]
) -> list[User]:
    """Return the bid's creator and editors who are still active approved members of an
    organisation in it, by email."""
    ids = set(editor_ids)
    if creator is not None:
        ids.add(creator.pk)
    members = declaration_selectors.organisation_member_users(organisation_ids=organisation_ids)
    return list(members.filter(pk__in=ids).order_by("email"))


def deadline_reminder_send(
    *, kind: str, bid_id: int, offset_days: int, now: datetime
) -> list[DeadlineReminder]:
    """Remind the people writing one unsubmitted bid of its deadline, at one offset; return
    the records of the reminders sent.

    Nothing is sent unless the bid is still a draft, its round still has this offset, and
    the reminder is due at ``now``. The bid is locked while this is checked, and each
    record is written in the same transaction as its email, so runs at once send once.
    """
    model = ExpressionOfInterest if kind == EOI else Application
    with transaction.atomic():
        bid = (
            model.objects.select_for_update(of=("self",))
            .select_related("round", "lead_organisation", "created_by")
            .filter(pk=bid_id)
            .first()
        )
        if bid is None or bid.status != "draft" or not bid.round.is_published:
            return []
        round = bid.round
        closes_at = round.eoi_closes_at if kind == EOI else round.applications_close_at
        if closes_at is None or offset_days not in round.reminder_offsets_days:
            return []
        if not is_due(closes_at=closes_at, offset_days=offset_days, now=now):
            return []
        if kind == EOI:
            editor_ids = set(
                EoiChange.objects.filter(eoi_id=bid.pk, changed_by__isnull=False).values_list(
                    "changed_by_id", flat=True
                )
            )
            partner_ids = set(
                EoiPartner.objects.filter(eoi_id=bid.pk).values_list("organisation_id", flat=True)
            )
            already = set(
                DeadlineReminder.objects.filter(eoi_id=bid.pk, offset_days=offset_days).values_list(
                    "recipient_id", flat=True
                )
            )
        else:
            editor_ids = set(
                ApplicationChange.objects.filter(
                    application_id=bid.pk, changed_by__isnull=False
                ).values_list("changed_by_id", flat=True)
            )
            partner_ids = set(
                ApplicationPartner.objects.filter(application_id=bid.pk).values_list(
                    "organisation_id", flat=True
                )
            )
            already = set(
                DeadlineReminder.objects.filter(
                    application_id=bid.pk, offset_days=offset_days
                ).values_list("recipient_id", flat=True)
            )
        recipients = [
            user
            for user in _recipients(
                creator=bid.created_by,
                editor_ids=editor_ids,
                organisation_ids={bid.lead_organisation_id, *partner_ids},
            )
            if user.pk not in already
        ]
        if not recipients:
            return []
        records = DeadlineReminder.objects.bulk_create(
            DeadlineReminder(
                eoi_id=bid.pk if kind == EOI else None,
                application_id=bid.pk if kind == APPLICATION else None,
                offset_days=offset_days,
                recipient=user,
                sent_at=now,
            )
            for user in recipients
        )
        what = "expression of interest" if kind == EOI else "application"
        url_name = "funding:eoi-detail" if kind == EOI else "funding:application-detail"
        context = {
            "what": what,
            "bid": bid,
            "round": round,
            "closes_at": formats.date_and_time(closes_at),
            "days": offset_days,
            "bid_url": absolute_url(url_name, bid.reference),
        }
        subject = (
            f"{offset_days} day{'s' if offset_days != 1 else ''} left to submit your {what} "
            f"to {round.name}"
        )
        body = render_to_string("funding/email/deadline_reminder.txt", context)
        for user in recipients:
            email_queue(
                to=user.email,
                subject=subject,
                body=body,
                idempotency_key=f"funding.reminder.{kind}.{bid.pk}.{offset_days}.{user.pk}",
            )
        audit_record(
            actor=None,
            verb=f"funding.{kind}.deadline_reminded",
            target=bid,
            data={"offset_days": offset_days, "recipients": len(recipients)},
        )
    return records
