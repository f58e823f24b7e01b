"""The fan-out of an issue and the newsletter's beat job.

An issue is sent by a fan-out in batches: each batch, in its own transaction under the issue's
lock, gives the next confirmed subscribers a delivery (unique per issue and subscriber) and an
outbox email on the newsletter stream, then queues the next batch after commit. An issue is
marked sent the moment it is finished: when its last email is (the outbox's
``emails_finished`` signal), or its fan-out completes after its emails have all gone. A beat
job (``newsletter_tick``) starts scheduled issues, carries on a fan-out whose worker died, and
finishes any issue those missed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail import selectors as mail_selectors
from localdigital.mail import services as mail_services
from localdigital.mail.models import Stream
from localdigital.queueing import enqueue

from ..models import (
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
)
from ..selectors import newsletter as selectors
from .issues import APPROVAL_FIELDS

logger = logging.getLogger(__name__)

# Deliveries made in one transaction of the fan-out.
FANOUT_BATCH_SIZE = 500
# A scheduled issue whose time passed longer ago than this (beat was down) is not started by
# the beat job: scheduled jobs never backfill. Staff can still send it.
SCHEDULE_WINDOW = timedelta(days=7)
# The Postgres advisory lock that keeps two newsletter beat jobs from overlapping.
TICK_LOCK = lock_register("newsletter.tick")


def fan_out_later(issue_id: int, after: int) -> None:
    """Queue the next batch of a fan-out. With the broker down, the request that started it
    has committed all the same: the beat job carries the fan-out on once the broker is back."""
    from ..tasks import fan_out_newsletter_issue

    enqueue(fan_out_newsletter_issue, issue_id, after, queue=settings.MAIL_NEWSLETTER_QUEUE)


def issue_start(*, issue: NewsletterIssue, started_by: User | None, now: datetime) -> None:
    """Start sending a locked issue: sending, counted, and its fan-out queued after commit."""
    scheduled_for = issue.scheduled_for
    issue.status = IssueStatus.SENDING
    issue.started_at = now
    issue.started_by = started_by
    issue.recipient_count = selectors.confirmed_subscriber_count()
    issue.fanout_progressed_at = now
    issue.save(
        update_fields=[
            "status",
            "started_at",
            "started_by",
            "recipient_count",
            "fanout_progressed_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=started_by,
        verb="declaration.newsletter_issue.started",
        target=issue,
        data={
            "recipients": issue.recipient_count,
            "scheduled_for": scheduled_for.isoformat() if scheduled_for else None,
        },
    )
    transaction.on_commit(partial(fan_out_later, issue.pk, issue.fanout_cursor))


@dataclass(frozen=True)
class FanOutBatch:
    """What one batch of a fan-out made: deliveries with an email, and skipped ones."""

    queued: int
    skipped: int
    is_last: bool


def newsletter_issue_fan_out(*, issue_id: int, after: int) -> FanOutBatch | None:
    """Make the next batch of an issue's deliveries, and queue their emails; then the next.

    The batch is the next ``FANOUT_BATCH_SIZE`` confirmed subscribers after subscriber
    ``after`` (the fan-out cursor the caller expects) that have no delivery of the issue.
    Each gets one delivery and an outbox email on the newsletter stream, keyed
    ``newsletter.<issue>.<subscriber>``, with their own unsubscribe link and headers; an
    address on the suppression list gets a delivery marked skipped and no email. The next
    batch is queued after commit; when nobody is left the fan-out is complete.

    Everything happens in one transaction under the issue's lock, with the batch's
    subscribers locked too (so an unsubscribe is never lost between reading a subscriber and
    queuing their email), so a worker that dies mid-batch leaves nothing behind, and a re-run
    makes only what is missing. A run whose
    cursor is out of date (a repeat of a batch already made, or a second chain started by
    the beat job), or for an issue no longer sending, does nothing and returns None.
    """
    now = timezone.now()
    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().filter(pk=issue_id).first()
        if (
            issue is None
            or issue.status != IssueStatus.SENDING
            or issue.is_fanned_out
            or issue.fanout_cursor != after
        ):
            return None
        # The batch's subscribers are locked until it commits. An unsubscribe that commits
        # first is seen here (Postgres checks a row again once its lock is free), so it gets
        # no delivery; one that comes later waits for this batch and then cancels the email
        # it made. Either way nobody who unsubscribed is sent the issue.
        batch = list(
            Subscriber.objects.select_for_update(of=("self",))
            .filter(status=SubscriberStatus.CONFIRMED, pk__gt=after)
            .filter(
                ~Exists(NewsletterDelivery.objects.filter(issue=issue, subscriber=OuterRef("pk")))
            )
            .order_by("pk")[:FANOUT_BATCH_SIZE]
        )
        if not batch:
            issue.fanout_completed_at = now
            issue.fanout_progressed_at = now
            issue.recipient_count = issue.deliveries.count()
            issue.save(
                update_fields=[
                    "fanout_completed_at",
                    "fanout_progressed_at",
                    "recipient_count",
                    "updated_at",
                ]
            )
            audit_record(
                actor=None,
                verb="declaration.newsletter_issue.fanned_out",
                target=issue,
                data={"recipients": issue.recipient_count},
            )
            # Its emails may all have gone already, while this last, empty batch waited.
            issue_finish_if_done(issue=issue, now=now)
            return FanOutBatch(queued=0, skipped=0, is_last=True)

        suppressed = mail_selectors.suppressed_addresses(
            emails=[subscriber.email for subscriber in batch]
        )
        rendered = selectors.newsletter_issue_render(issue=issue)
        drafts = []
        for subscriber in batch:
            if subscriber.email.lower() in suppressed:
                continue
            url = selectors.unsubscribe_url(subscriber=subscriber)
            content = rendered.for_recipient(
                unsubscribe_url=url, manage_url=selectors.manage_url(subscriber=subscriber)
            )
            drafts.append(
                mail_services.EmailDraft(
                    to=subscriber.email,
                    subject=content.subject,
                    body=content.text,
                    html=content.html,
                    headers=unsubscribe_headers(url),
                    stream=Stream.NEWSLETTER,
                    idempotency_key=_delivery_key(issue, subscriber),
                )
            )
        email_ids = mail_services.emails_queue(drafts=drafts)
        NewsletterDelivery.objects.bulk_create(
            [
                NewsletterDelivery(
                    issue=issue,
                    subscriber=subscriber,
                    email_id=email_ids.get(_delivery_key(issue, subscriber)),
                    is_skipped=subscriber.email.lower() in suppressed,
                    created_at=now,
                )
                for subscriber in batch
            ]
        )
        issue.fanout_cursor = batch[-1].pk
        issue.fanout_progressed_at = now
        issue.save(update_fields=["fanout_cursor", "fanout_progressed_at", "updated_at"])
        transaction.on_commit(partial(fan_out_later, issue.pk, issue.fanout_cursor))
    return FanOutBatch(queued=len(drafts), skipped=len(batch) - len(drafts), is_last=False)


def _delivery_key(issue: NewsletterIssue, subscriber: Subscriber) -> str:
    return f"newsletter.{issue.pk}.{subscriber.pk}"


def unsubscribe_headers(url: str) -> dict[str, str]:
    """Return the RFC 2369 and RFC 8058 headers: one click unsubscribes, or an email."""
    return {
        "List-Unsubscribe": (
            f"<{url}>, <mailto:{settings.FEEDBACK_EMAIL}?subject=Unsubscribe%20from%20the%20"
            "Local%20Digital%20newsletter>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def issue_finish_if_done(*, issue: NewsletterIssue, now: datetime) -> bool:
    """Mark the locked issue sent if it is sending, fanned out, and none of its emails is
    still queued, being sent or held; return whether it was."""
    if issue.status != IssueStatus.SENDING or not issue.is_fanned_out:
        return False
    if not selectors.newsletter_issue_emails_are_finished(issue_id=issue.pk):
        return False
    issue.status = IssueStatus.SENT
    issue.sent_at = now
    issue.save(update_fields=["status", "sent_at", "updated_at"])
    progress = selectors.newsletter_issue_progress(issue=issue)
    audit_record(
        actor=None,
        verb="declaration.newsletter_issue.sent",
        target=issue,
        data={"sent": progress.sent, "failed": progress.failed, "skipped": progress.skipped},
    )
    return True


def newsletter_issues_finish(*, email_ids: Sequence[int]) -> list[int]:
    """Mark sent each issue these emails belong to that they finished; return their ids.

    Called as emails finish (sent, or failed for good), so an issue is sent the moment its
    last email is. Each issue is checked in two steps. First, without a lock, whether any of
    its emails still waits: usually one does, and the issue is left alone at the cost of one
    query. The check runs after the caller's emails were committed, so of two workers
    finishing an issue's last two emails at once, the later check sees both. Then, with the
    issue locked, everything is checked again: the lock waits for a fan-out completing at
    that moment, so the issue is finished either here or by the fan-out itself, and once.
    """
    finished = []
    for issue_id in selectors.newsletter_issue_ids_for_emails(email_ids=email_ids):
        if not selectors.newsletter_issue_emails_are_finished(issue_id=issue_id):
            continue
        with transaction.atomic():
            issue = NewsletterIssue.objects.select_for_update().filter(pk=issue_id).first()
            if issue is not None and issue_finish_if_done(issue=issue, now=timezone.now()):
                finished.append(issue_id)
    return finished


@dataclass(frozen=True)
class TickResult:
    """What one run of the beat job did, by issue id."""

    started: list[int]
    fan_outs_resumed: list[int]
    sent: list[int]


def _issue_approval_lapse(*, issue: NewsletterIssue) -> None:
    """Take a locked scheduled issue whose content is not what was approved back to a draft:
    nothing but a change outside the services can do that, and it is not sent unapproved."""
    logger.error("Newsletter issue %s changed since its approval; it was not sent.", issue.pk)
    issue.status = IssueStatus.DRAFT
    issue.scheduled_for = None
    for name, cleared in APPROVAL_FIELDS.items():
        setattr(issue, name, cleared)
    issue.save(update_fields=["status", "scheduled_for", *APPROVAL_FIELDS, "updated_at"])
    audit_record(actor=None, verb="declaration.newsletter_issue.approval_lapsed", target=issue)


def newsletter_tick(*, now: datetime) -> TickResult | None:
    """Start scheduled issues that are due, resume stalled fan-outs, finish issues sent.

    - An issue scheduled for ``now`` or before starts sending, unless its time passed more
      than 7 days ago (scheduled jobs never backfill; staff can still send it). One whose
      subject or body is not what was approved goes back to a draft instead, unsent.
    - A sending issue whose fan-out has made no batch since ``MAIL_STUCK_AFTER`` before
      ``now`` (its worker died mid-batch) gets its fan-out queued again from its cursor; if
      the fan-out was only slow, the out-of-date repeat does nothing.
    - A sending issue whose fan-out is complete and none of whose emails is still waiting
      is marked sent. That normally happens as its last email goes
      (``newsletter_issues_finish``); this catches an issue that was missed, say because
      its worker died between sending the email and finishing the issue.

    A Postgres advisory lock keeps two runs from overlapping: while another holds it,
    nothing is done and None is returned. The same ``now`` gives the same result.
    """
    with advisory_lock(TICK_LOCK) as locked:
        if not locked:
            logger.info("Another newsletter beat job is running; this one does nothing.")
            return None
        due = list(
            NewsletterIssue.objects.select_for_update(skip_locked=True)
            .filter(
                status=IssueStatus.SCHEDULED,
                scheduled_for__lte=now,
                scheduled_for__gt=now - SCHEDULE_WINDOW,
            )
            .order_by("scheduled_for", "pk")
        )
        started = []
        for issue in due:
            if issue.is_content_approved():
                issue_start(issue=issue, started_by=None, now=now)
                started.append(issue.pk)
            else:
                _issue_approval_lapse(issue=issue)
        stalled = list(
            NewsletterIssue.objects.filter(
                status=IssueStatus.SENDING,
                fanout_completed_at__isnull=True,
                fanout_progressed_at__lt=now - settings.MAIL_STUCK_AFTER,
            )
            .order_by("pk")
            .values_list("pk", "fanout_cursor")
        )
        for issue_id, cursor_at in stalled:
            transaction.on_commit(partial(fan_out_later, issue_id, cursor_at))
        finished = [
            issue.pk
            for issue in NewsletterIssue.objects.select_for_update(skip_locked=True).filter(
                status=IssueStatus.SENDING, fanout_completed_at__isnull=False
            )
            if issue_finish_if_done(issue=issue, now=now)
        ]
    return TickResult(
        started=started,
        fan_outs_resumed=[issue_id for issue_id, _ in stalled],
        sent=finished,
    )
