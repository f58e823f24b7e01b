"""Writes about sending an issue: a test to staff or a test group, sending it to subscribers now,
pausing, resuming and cancelling. Pausing holds the issue's emails not yet sent, resuming
releases them, cancelling cancels them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.mail import services as mail_services

from ..errors import (
    TestGroupGone,
)
from ..models import (
    IssueStatus,
    NewsletterIssue,
    NewsletterTestGroup,
)
from ..models.issues import NOT_YET_SCHEDULED
from ..selectors import newsletter as selectors
from . import fan_out
from .fan_out import issue_finish_if_done, issue_start, unsubscribe_headers
from .issues import issue_lock, issue_refusal, require_approved


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
                headers = unsubscribe_headers(unsubscribe_url)
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


def newsletter_issue_send(*, issue_id: int, sent_by: User) -> NewsletterIssue:
    """Send an approved or scheduled issue now, to every confirmed subscriber.

    Raise ``NotApproved`` unless another member of staff approved exactly its subject and
    body, and ``TransitionNotAllowed`` once it has started.
    """
    with transaction.atomic():
        issue = issue_lock(issue_id)
        if issue.status not in (*NOT_YET_SCHEDULED, IssueStatus.SCHEDULED):
            raise issue_refusal(issue, "sent")
        require_approved(issue, "sent")
        issue_start(issue=issue, started_by=sent_by, now=timezone.now())
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
        issue = issue_lock(issue_id)
        if not issue.can_pause():
            raise issue_refusal(issue, "paused")
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
        issue = issue_lock(issue_id)
        if not issue.can_resume():
            raise issue_refusal(issue, "resumed")
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
            transaction.on_commit(partial(fan_out.fan_out_later, issue.pk, issue.fanout_cursor))
        else:
            # Every email may have gone before the pause, leaving nothing to finish it.
            issue_finish_if_done(issue=issue, now=now)
    return issue


def newsletter_issue_cancel(*, issue_id: int, cancelled_by: User) -> NewsletterIssue:
    """Cancel a scheduled, sending or paused issue: nothing more of it is sent.

    An email being sent at that moment still goes. Raise ``TransitionNotAllowed`` for a
    draft, or an issue already sent or cancelled.
    """
    with transaction.atomic():
        issue = issue_lock(issue_id)
        if not issue.can_cancel():
            raise issue_refusal(issue, "cancelled")
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
