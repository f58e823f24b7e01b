"""Writes about the newsletter: subscribing, confirming, unsubscribing, and sending issues.

An issue is sent by a fan-out in batches: each batch, in its own transaction under the issue's
lock, gives the next confirmed subscribers a delivery (unique per issue and subscriber) and an
outbox email on the newsletter stream, then queues the next batch after commit. Pausing holds
the issue's emails not yet sent, resuming releases them, cancelling cancels them. An issue is
marked sent the moment it is finished: when its last email is (the outbox's
``emails_finished`` signal), or its fan-out completes after its emails have all gone. A beat
job (``newsletter_tick``) starts scheduled issues, carries on a fan-out whose worker died, and
finishes any issue those missed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail import selectors as mail_selectors
from localdigital.mail import services as mail_services
from localdigital.mail.models import Stream
from localdigital.queueing import enqueue

from ..errors import (
    NewsletterLinkInvalid,
    NotApproved,
    ReturnCommentMissing,
    ReviewerNotAllowed,
    ScheduleInPast,
    TestGroupGone,
    TransitionNotAllowed,
)
from ..models import (
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterTestGroup,
    Subscriber,
    SubscriberStatus,
)
from ..models.newsletter import NOT_YET_SCHEDULED
from ..selectors import newsletter as selectors

logger = logging.getLogger(__name__)

# Deliveries made in one transaction of the fan-out.
FANOUT_BATCH_SIZE = 500
# A scheduled issue whose time passed longer ago than this (beat was down) is not started by
# the beat job: scheduled jobs never backfill. Staff can still send it.
SCHEDULE_WINDOW = timedelta(days=7)
# The Postgres advisory lock that keeps two newsletter beat jobs from overlapping.
TICK_LOCK = lock_register("declaration.newsletter_tick")


MANAGE_LINK_INVALID = "This link to manage a subscription is not valid, or has expired."


# The permission that lets staff write, approve and send issues.
NEWSLETTER_PERMISSION = "newsletter.change_newsletterissue"


# --- Subscribers ---


def subscriber_subscribe(*, email: str, organisation: Organisation | None) -> None:
    """Ask for the newsletter for ``email``, and email a confirmation link unless confirmed.

    A new address, one still waiting for confirmation and one that unsubscribed are each
    sent a new link, valid for 7 days; an earlier link stops working. A confirmed subscriber
    is left exactly as they are and sent nothing, so the reply reveals nothing about who
    subscribes. Returns nothing, for the same reason.
    """
    address = email.strip()
    now = timezone.now()
    with transaction.atomic():
        subscriber = selectors.subscriber_for_address(email=address).select_for_update().first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=address, organisation=organisation, created_at=now, subscribed_at=now
                    )
            except IntegrityError:
                # Subscribed by a concurrent request since the lookup: as if asked twice.
                subscriber = (
                    selectors.subscriber_for_address(email=address).select_for_update().get()
                )
            else:
                _subscription_requested(subscriber=subscriber)
                return
        if subscriber.status == SubscriberStatus.CONFIRMED:
            return
        subscriber.status = SubscriberStatus.PENDING
        subscriber.subscribed_at = now
        subscriber.organisation = organisation
        subscriber.save(update_fields=["status", "subscribed_at", "organisation"])
        _subscription_requested(subscriber=subscriber)


def subscribers_import_confirmed(
    *, emails: Iterable[str], imported_by: User | None, organisation: Organisation | None = None
) -> int:
    """Add subscribers who confirmed elsewhere (an earlier mailing list); return how many.

    Addresses already known, in any state and whatever their case, are left alone: someone
    who unsubscribed stays unsubscribed, and someone waiting to confirm still has to. Blank
    lines are skipped. One audit event records an import that added anyone. Raise
    ``ValidationError`` for an address that is not valid; then nobody is added.
    """
    now = timezone.now()
    added = 0
    already_known = 0
    with transaction.atomic():
        for email in emails:
            address = email.strip()
            if not address:
                continue
            validate_email(address)
            # Locked, so that a concurrent subscription to the address waits for the import.
            if selectors.subscriber_for_address(email=address).select_for_update().exists():
                already_known += 1
                continue
            Subscriber.objects.create(
                email=address,
                organisation=organisation,
                status=SubscriberStatus.CONFIRMED,
                created_at=now,
                subscribed_at=now,
                confirmed_at=now,
            )
            added += 1
        if added:
            audit_record(
                actor=imported_by,
                verb="declaration.subscriber.imported",
                target=None,
                data={
                    "added": added,
                    "already_known": already_known,
                    "organisation": organisation.pk if organisation is not None else None,
                },
            )
    return added


def _subscription_requested(*, subscriber: Subscriber) -> None:
    audit_record(
        actor=None,
        verb="declaration.subscriber.subscribed",
        target=subscriber,
        data={"organisation": subscriber.organisation_id},
    )
    token = selectors.subscriber_confirm_token(subscriber=subscriber)
    confirm_url = absolute_url("newsletter:confirm", token=token)
    days = selectors.CONFIRM_LINK_MAX_AGE.days
    mail_services.email_queue(
        to=subscriber.email,
        subject="Confirm your subscription to the Local Digital newsletter",
        body=render_to_string(
            "newsletter/email/confirm.txt",
            {"confirm_url": confirm_url, "days": days},
        ),
        idempotency_key=(
            f"declaration.subscriber.confirm.{subscriber.pk}."
            f"{int(subscriber.subscribed_at.timestamp() * 1_000_000)}"
        ),
        # The link confirms a subscription: like a sign-in link, it is not kept once sent.
        sensitive=True,
    )


def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the subscription that a confirmation link is for, and return the subscriber.

    Confirming again changes nothing more. Raise ``NewsletterLinkInvalid`` when the link is
    tampered with, older than 7 days, not the latest sent to the address, or the subscriber
    has unsubscribed since.
    """
    reading = selectors.confirm_token_read(token=token)
    if reading is None:
        raise NewsletterLinkInvalid("This confirmation link is not valid, or has expired.")
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=reading.subscriber_id).first()
        if subscriber is None or not reading.matches(subscriber):
            raise NewsletterLinkInvalid("This confirmation link is not valid, or has expired.")
        if subscriber.status == SubscriberStatus.CONFIRMED:
            return subscriber
        if not subscriber.can_confirm():
            raise NewsletterLinkInvalid("This subscription was cancelled after the link was sent.")
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
        audit_record(actor=None, verb="declaration.subscriber.confirmed", target=subscriber)
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Unsubscribe the subscriber an unsubscribe link is for, and return them.

    Their newsletter emails not yet sent are cancelled too. Unsubscribing again changes
    nothing more. Raise ``NewsletterLinkInvalid`` when the link is tampered with.
    """
    subscriber_id = selectors.unsubscribe_token_read(token=token)
    if subscriber_id is None:
        raise NewsletterLinkInvalid("This unsubscribe link is not valid.")
    return _subscriber_unsubscribe(subscriber_id=subscriber_id, via="unsubscribe link")


def subscriber_manage_unsubscribe(*, token: str) -> Subscriber:
    """Unsubscribe the subscriber a manage link is for, from their manage page; return them.

    As ``subscriber_unsubscribe`` does. Raise ``NewsletterLinkInvalid`` when the link is
    tampered with or older than 30 days.
    """
    subscriber_id = selectors.manage_token_read(token=token)
    if subscriber_id is None:
        raise NewsletterLinkInvalid(MANAGE_LINK_INVALID)
    return _subscriber_unsubscribe(subscriber_id=subscriber_id, via="manage page")


def _subscriber_unsubscribe(*, subscriber_id: int, via: str) -> Subscriber:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            raise NewsletterLinkInvalid("This link is not valid.")
        if not subscriber.can_unsubscribe():
            return subscriber
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        cancelled = mail_services.emails_cancel(
            email_ids=subscriber.deliveries.filter(email__isnull=False).values("email_id")
        )
        audit_record(
            actor=None,
            verb="declaration.subscriber.unsubscribed",
            target=subscriber,
            data={"emails_cancelled": cancelled, "via": via},
        )
    return subscriber


def subscriber_resubscribe(*, token: str) -> Subscriber:
    """Subscribe the subscriber a manage link is for, from their manage page; return them.

    Someone who unsubscribed, or never confirmed, is confirmed at once: the link was emailed
    to the address, so it proves the address as a confirmation link does, and pressing the
    button is their consent. A confirmed subscriber stays as they are. Raise
    ``NewsletterLinkInvalid`` when the link is tampered with or older than 30 days.
    """
    subscriber_id = selectors.manage_token_read(token=token)
    if subscriber_id is None:
        raise NewsletterLinkInvalid(MANAGE_LINK_INVALID)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            raise NewsletterLinkInvalid(MANAGE_LINK_INVALID)
        if not subscriber.can_resubscribe():
            return subscriber
        previous = subscriber.status
        now = timezone.now()
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.subscribed_at = now
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["status", "subscribed_at", "confirmed_at"])
        audit_record(
            actor=None,
            verb="declaration.subscriber.resubscribed",
            target=subscriber,
            data={"from": previous},
        )
    return subscriber


def subscriber_manage_link_send(*, email: str) -> None:
    """Email a link to manage the subscription of ``email``, whatever its state, if any.

    An address that never subscribed is sent nothing. The caller shows the same page either
    way, so nobody can learn from it who subscribes. Each request sends a new link (the
    view limits how often), which works for 30 days.
    """
    subscriber = selectors.subscriber_for_address(email=email).first()
    if subscriber is None:
        return
    with transaction.atomic():
        mail_services.email_queue(
            to=subscriber.email,
            subject="Manage your Local Digital newsletter subscription",
            body=render_to_string(
                "newsletter/email/manage.txt",
                {
                    "manage_url": selectors.manage_url(subscriber=subscriber),
                    "days": selectors.MANAGE_LINK_MAX_AGE.days,
                    "request_url": selectors.manage_page_url(),
                },
            ),
            idempotency_key=f"declaration.subscriber.manage.{subscriber.pk}.{uuid.uuid4().hex}",
            # Like a sign-in link, the link is a key to the subscription: not kept once sent.
            sensitive=True,
        )


# --- Issues: writing and scheduling ---


def _issue_lock(issue_id: int) -> NewsletterIssue:
    return NewsletterIssue.objects.select_for_update().get(pk=issue_id)


def _refuse(issue: NewsletterIssue, action: str) -> TransitionNotAllowed:
    status = IssueStatus(issue.status).label.lower()
    return TransitionNotAllowed(f"This issue cannot be {action}: it is {status}.")


def newsletter_issue_create(*, subject: str, body: str, created_by: User) -> NewsletterIssue:
    """Write a new issue, as a draft."""
    with transaction.atomic():
        issue = NewsletterIssue.objects.create(
            subject=subject, body=body, created_by=created_by, edited_by=created_by
        )
        audit_record(actor=created_by, verb="declaration.newsletter_issue.created", target=issue)
    return issue


# What an approval, or a request for one, leaves on an issue, and what a change clears.
_APPROVAL_FIELDS = {
    "approval_requested_at": None,
    "approval_requested_by": None,
    "approved_at": None,
    "approved_by": None,
    "approved_content_hash": "",
}


def newsletter_issue_update(
    *, issue_id: int, subject: str, body: str, changed_by: User
) -> NewsletterIssue:
    """Change the subject and body of an issue not yet scheduled.

    Changing an issue waiting for approval, or approved, takes it back to a draft, whose
    approval must be asked for again: an approval is of exact content. Saving the same
    subject and body changes nothing. Raise ``TransitionNotAllowed`` once it is scheduled
    or sent.
    """
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_edit():
            raise _refuse(issue, "changed")
        if (issue.subject, issue.body) == (subject, body):
            return issue
        previous = issue.status
        issue.subject = subject
        issue.body = body
        issue.edited_by = changed_by
        issue.status = IssueStatus.DRAFT
        for name, cleared in _APPROVAL_FIELDS.items():
            setattr(issue, name, cleared)
        issue.save(
            update_fields=[
                "subject",
                "body",
                "edited_by",
                "status",
                *_APPROVAL_FIELDS,
                "updated_at",
            ]
        )
        audit_record(
            actor=changed_by,
            verb="declaration.newsletter_issue.changed",
            target=issue,
            data={"from": previous} if previous != IssueStatus.DRAFT else None,
        )
    return issue


def _require_reviewer(issue: NewsletterIssue, user: User, action: str) -> None:
    if not (user.is_active and user.is_staff and user.has_perm(NEWSLETTER_PERMISSION)):
        raise ReviewerNotAllowed(f"Only Communications staff can {action} a newsletter issue.")
    if not issue.is_reviewer(user):
        who = "changed it last" if user.pk == issue.edited_by_id else "asked for its approval"
        raise ReviewerNotAllowed(
            f"You cannot {action} this issue, because you {who}. "
            "Another member of staff must do it."
        )


def newsletter_issue_ask_for_approval(*, issue_id: int, asked_by: User) -> NewsletterIssue:
    """Ask for a draft to be approved by another member of staff; a comment it was returned
    with is cleared, as answered. Raise ``TransitionNotAllowed`` unless a draft."""
    now = timezone.now()
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_ask_for_approval():
            raise _refuse(issue, "sent for approval")
        issue.status = IssueStatus.AWAITING_APPROVAL
        issue.approval_requested_at = now
        issue.approval_requested_by = asked_by
        issue.returned_at = None
        issue.returned_by = None
        issue.return_comment = ""
        issue.save(
            update_fields=[
                "status",
                "approval_requested_at",
                "approval_requested_by",
                "returned_at",
                "returned_by",
                "return_comment",
                "updated_at",
            ]
        )
        audit_record(
            actor=asked_by, verb="declaration.newsletter_issue.approval_requested", target=issue
        )
    return issue


def newsletter_issue_approve(*, issue_id: int, approved_by: User) -> NewsletterIssue:
    """Approve an issue waiting for approval, as it is now: it may then be sent or scheduled.

    Raise ``TransitionNotAllowed`` unless it waits for approval, and ``ReviewerNotAllowed``
    when ``approved_by`` last changed it, asked for its approval, or is not Communications
    staff.
    """
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_approve():
            raise _refuse(issue, "approved")
        _require_reviewer(issue, approved_by, "approve")
        issue.status = IssueStatus.APPROVED
        issue.approved_at = timezone.now()
        issue.approved_by = approved_by
        issue.approved_content_hash = issue.get_content_hash()
        issue.save(
            update_fields=[
                "status",
                "approved_at",
                "approved_by",
                "approved_content_hash",
                "updated_at",
            ]
        )
        audit_record(
            actor=approved_by,
            verb="declaration.newsletter_issue.approved",
            target=issue,
            data={"content_hash": issue.approved_content_hash},
        )
    return issue


def newsletter_issue_return(*, issue_id: int, comment: str, returned_by: User) -> NewsletterIssue:
    """Return an issue waiting for approval to a draft, with a comment on what to change,
    which the issue shows until its approval is asked for again.

    Raise ``TransitionNotAllowed`` unless it waits for approval, ``ReturnCommentMissing``
    without a comment, and ``ReviewerNotAllowed`` as ``newsletter_issue_approve`` does.
    """
    comment = comment.strip()
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_approve():
            raise _refuse(issue, "returned")
        _require_reviewer(issue, returned_by, "return")
        if not comment:
            raise ReturnCommentMissing("Enter a comment saying what needs to change")
        issue.status = IssueStatus.DRAFT
        issue.returned_at = timezone.now()
        issue.returned_by = returned_by
        issue.return_comment = comment
        issue.approval_requested_at = None
        issue.approval_requested_by = None
        issue.save(
            update_fields=[
                "status",
                "returned_at",
                "returned_by",
                "return_comment",
                "approval_requested_at",
                "approval_requested_by",
                "updated_at",
            ]
        )
        audit_record(
            actor=returned_by,
            verb="declaration.newsletter_issue.returned",
            target=issue,
            data={"comment": comment},
        )
    return issue


def _require_approved(issue: NewsletterIssue, action: str) -> None:
    """Raise ``NotApproved`` unless the locked issue is approved (or scheduled, so approved
    before) with exactly the content it has now."""
    if issue.status in (IssueStatus.DRAFT, IssueStatus.AWAITING_APPROVAL):
        raise NotApproved(
            f"This issue cannot be {action} until another member of staff approves it."
        )
    if not issue.is_content_approved():
        raise NotApproved(
            f"This issue cannot be {action}: it has changed since it was approved. "
            "Ask for approval again."
        )


def newsletter_issue_delete(*, issue_id: int, deleted_by: User) -> None:
    """Delete a draft issue. Raise ``TransitionNotAllowed`` unless it is a draft.

    An issue that was ever scheduled or sent stays, as the record of what subscribers were
    sent. The audit event keeps the deleted draft's subject.
    """
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_delete():
            raise _refuse(issue, "deleted")
        audit_record(
            actor=deleted_by,
            verb="declaration.newsletter_issue.deleted",
            target=issue,
            data={"subject": issue.subject},
        )
        issue.delete()


def newsletter_issue_schedule(
    *, issue_id: int, send_at: datetime, scheduled_by: User
) -> NewsletterIssue:
    """Schedule an approved issue to be sent at ``send_at``, by the beat job.

    Raise ``NotApproved`` unless approved with the content it has now,
    ``TransitionNotAllowed`` once scheduled or sent, and ``ScheduleInPast`` unless
    ``send_at`` is to come.
    """
    now = timezone.now()
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if issue.status not in NOT_YET_SCHEDULED:
            raise _refuse(issue, "scheduled")
        _require_approved(issue, "scheduled")
        if send_at <= now:
            raise ScheduleInPast("Enter a time in the future")
        issue.status = IssueStatus.SCHEDULED
        issue.scheduled_for = send_at
        issue.scheduled_at = now
        issue.scheduled_by = scheduled_by
        issue.save(
            update_fields=["status", "scheduled_for", "scheduled_at", "scheduled_by", "updated_at"]
        )
        audit_record(
            actor=scheduled_by,
            verb="declaration.newsletter_issue.scheduled",
            target=issue,
            data={"send_at": send_at.isoformat()},
        )
    return issue


def newsletter_issue_unschedule(*, issue_id: int, unscheduled_by: User) -> NewsletterIssue:
    """Take a scheduled issue back to approved, so that it can be changed (which needs
    approval again) or sent now. Raise ``TransitionNotAllowed`` unless scheduled."""
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_unschedule():
            raise _refuse(issue, "unscheduled")
        issue.status = IssueStatus.APPROVED
        issue.scheduled_for = None
        issue.save(update_fields=["status", "scheduled_for", "updated_at"])
        audit_record(
            actor=unscheduled_by, verb="declaration.newsletter_issue.unscheduled", target=issue
        )
    return issue


@dataclass(frozen=True)
class TestSent:
    """Who a test of an issue went to: the group's name (None when only to staff) and the
    addresses."""

    __test__ = False  # not a test case, whatever pytest makes of the name

    group: str | None
    recipients: list[str]


def newsletter_issue_test_send(
    *, issue_id: int, sent_by: User, group_id: int | None = None
) -> TestSent:
    """Email the issue, marked as a test in its subject, to a test group's people, or to the
    member of staff alone without ``group_id``; return whom it went to.

    Each gets it as a subscriber would, footer and all: someone who has a subscription gets
    their own unsubscribe and manage links, and the List-Unsubscribe headers; anyone else
    gets links to the newsletter's pages. It goes as transactional email, not on the
    newsletter stream: a handful of emails that staff are waiting for, before they press
    Send, must not queue behind an issue being sent or wait for the newsletter throttle,
    and the issue's pause and cancel never touch them. Nothing about the issue changes, and
    each test is new (its own idempotency keys), so staff may send as many as they want.
    Raise ``TestGroupGone`` when the group has been deleted meanwhile.
    """
    test = uuid.uuid4().hex
    with transaction.atomic():
        issue = NewsletterIssue.objects.get(pk=issue_id)
        group = None
        if group_id is not None:
            group = NewsletterTestGroup.objects.filter(pk=group_id).first()
            if group is None:
                raise TestGroupGone("That test group has been deleted. Choose another.")
        addresses = list(group.recipients) if group is not None else [sent_by.email]
        subscribers = {
            subscriber.email.lower(): subscriber
            for subscriber in selectors.subscribers_for_addresses(emails=addresses)
        }
        rendered = selectors.newsletter_issue_render(issue=issue)
        drafts = []
        for number, address in enumerate(addresses):
            subscriber = subscribers.get(address.lower())
            if subscriber is not None:
                unsubscribe_url = selectors.unsubscribe_url(subscriber=subscriber)
                manage_url = selectors.manage_url(subscriber=subscriber)
                headers = _unsubscribe_headers(unsubscribe_url)
            else:
                unsubscribe_url = manage_url = selectors.manage_page_url()
                headers = {}
            content = rendered.for_recipient(unsubscribe_url=unsubscribe_url, manage_url=manage_url)
            drafts.append(
                mail_services.EmailDraft(
                    to=address,
                    subject=f"TEST: {content.subject}",
                    body=content.text,
                    html=content.html,
                    headers=headers,
                    idempotency_key=f"newsletter.{issue.pk}.test.{test}.{number}",
                )
            )
        mail_services.emails_queue(drafts=drafts)
        audit_record(
            actor=sent_by,
            verb="declaration.newsletter_issue.test_sent",
            target=issue,
            data={"group": group.name if group is not None else None, "to": addresses},
        )
    return TestSent(group=group.name if group is not None else None, recipients=addresses)


# --- Issues: sending ---


def _fan_out_later(issue_id: int, after: int) -> None:
    """Queue the next batch of a fan-out. With the broker down, the request that started it
    has committed all the same: the beat job carries the fan-out on once the broker is back."""
    from ..tasks import fan_out_newsletter_issue

    enqueue(fan_out_newsletter_issue, issue_id, after, queue=settings.MAIL_NEWSLETTER_QUEUE)


def _issue_start(*, issue: NewsletterIssue, started_by: User | None, now: datetime) -> None:
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
    transaction.on_commit(partial(_fan_out_later, issue.pk, issue.fanout_cursor))


def newsletter_issue_send(*, issue_id: int, sent_by: User) -> NewsletterIssue:
    """Send an approved or scheduled issue now, to every confirmed subscriber.

    Raise ``NotApproved`` unless another member of staff approved exactly its subject and
    body, and ``TransitionNotAllowed`` once it has started.
    """
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if issue.status not in (*NOT_YET_SCHEDULED, IssueStatus.SCHEDULED):
            raise _refuse(issue, "sent")
        _require_approved(issue, "sent")
        _issue_start(issue=issue, started_by=sent_by, now=timezone.now())
    return issue


def _issue_email_ids(issue: NewsletterIssue) -> QuerySet[Any, Any]:
    """Return the ids of the issue's outbox emails, as a subquery."""
    return issue.deliveries.filter(email__isnull=False).values("email_id")


def newsletter_issue_pause(*, issue_id: int, paused_by: User) -> NewsletterIssue:
    """Pause an issue that is sending: the fan-out stops, and its emails not yet sent are held.

    An email being sent at that moment still goes. Raise ``TransitionNotAllowed`` unless
    the issue is sending.
    """
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_pause():
            raise _refuse(issue, "paused")
        issue.status = IssueStatus.PAUSED
        issue.paused_at = timezone.now()
        issue.paused_by = paused_by
        issue.save(update_fields=["status", "paused_at", "paused_by", "updated_at"])
        held = mail_services.emails_hold(email_ids=_issue_email_ids(issue))
        audit_record(
            actor=paused_by,
            verb="declaration.newsletter_issue.paused",
            target=issue,
            data={"emails_held": held},
        )
    return issue


def newsletter_issue_resume(*, issue_id: int, resumed_by: User) -> NewsletterIssue:
    """Resume a paused issue: its held emails are sent, and its fan-out carries on.

    Raise ``TransitionNotAllowed`` unless the issue is paused.
    """
    now = timezone.now()
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_resume():
            raise _refuse(issue, "resumed")
        issue.status = IssueStatus.SENDING
        issue.resumed_at = now
        issue.resumed_by = resumed_by
        issue.fanout_progressed_at = now
        issue.save(
            update_fields=[
                "status",
                "resumed_at",
                "resumed_by",
                "fanout_progressed_at",
                "updated_at",
            ]
        )
        released = mail_services.emails_release(email_ids=_issue_email_ids(issue))
        audit_record(
            actor=resumed_by,
            verb="declaration.newsletter_issue.resumed",
            target=issue,
            data={"emails_released": released},
        )
        if not issue.is_fanned_out:
            transaction.on_commit(partial(_fan_out_later, issue.pk, issue.fanout_cursor))
        else:
            # Every email may have gone before the pause, leaving nothing to finish it.
            _issue_finish_if_done(issue=issue, now=now)
    return issue


def newsletter_issue_cancel(*, issue_id: int, cancelled_by: User) -> NewsletterIssue:
    """Cancel a scheduled, sending or paused issue: nothing more of it is sent.

    An email being sent at that moment still goes. Raise ``TransitionNotAllowed`` for a
    draft, or an issue already sent or cancelled.
    """
    with transaction.atomic():
        issue = _issue_lock(issue_id)
        if not issue.can_cancel():
            raise _refuse(issue, "cancelled")
        issue.status = IssueStatus.CANCELLED
        issue.cancelled_at = timezone.now()
        issue.cancelled_by = cancelled_by
        issue.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
        cancelled = mail_services.emails_cancel(email_ids=_issue_email_ids(issue))
        audit_record(
            actor=cancelled_by,
            verb="declaration.newsletter_issue.cancelled",
            target=issue,
            data={"emails_cancelled": cancelled},
        )
    return issue


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
            _issue_finish_if_done(issue=issue, now=now)
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
                    headers=_unsubscribe_headers(url),
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
        transaction.on_commit(partial(_fan_out_later, issue.pk, issue.fanout_cursor))
    return FanOutBatch(queued=len(drafts), skipped=len(batch) - len(drafts), is_last=False)


def _delivery_key(issue: NewsletterIssue, subscriber: Subscriber) -> str:
    return f"newsletter.{issue.pk}.{subscriber.pk}"


def _unsubscribe_headers(url: str) -> dict[str, str]:
    """Return the RFC 2369 and RFC 8058 headers: one click unsubscribes, or an email."""
    return {
        "List-Unsubscribe": (
            f"<{url}>, <mailto:{settings.FEEDBACK_EMAIL}?subject=Unsubscribe%20from%20the%20"
            "Local%20Digital%20newsletter>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _issue_finish_if_done(*, issue: NewsletterIssue, now: datetime) -> bool:
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
            if issue is not None and _issue_finish_if_done(issue=issue, now=timezone.now()):
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
    for name, cleared in _APPROVAL_FIELDS.items():
        setattr(issue, name, cleared)
    issue.save(update_fields=["status", "scheduled_for", *_APPROVAL_FIELDS, "updated_at"])
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
                _issue_start(issue=issue, started_by=None, now=now)
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
            transaction.on_commit(partial(_fan_out_later, issue_id, cursor_at))
        finished = [
            issue.pk
            for issue in NewsletterIssue.objects.select_for_update(skip_locked=True).filter(
                status=IssueStatus.SENDING, fanout_completed_at__isnull=False
            )
            if _issue_finish_if_done(issue=issue, now=now)
        ]
    return TickResult(
        started=started,
        fan_outs_resumed=[issue_id for issue_id, _ in stalled],
        sent=finished,
    )
