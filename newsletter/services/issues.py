"""Writes about an issue before it is sent: writing it, asking for approval, a second member of
staff approving or returning it, deleting a draft, and scheduling it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from ..errors import (
    NotApproved,
    ReturnCommentMissing,
    ReviewerNotAllowed,
    ScheduleInPast,
    TransitionNotAllowed,
)
from ..models import (
    IssueStatus,
    NewsletterIssue,
)
from ..models.issues import NOT_YET_SCHEDULED

# The permission that lets staff write, approve and send issues.
NEWSLETTER_PERMISSION = "newsletter.change_newsletterissue"


def issue_lock(issue_id: int) -> NewsletterIssue:
    return NewsletterIssue.objects.select_for_update().get(pk=issue_id)


def issue_refusal(issue: NewsletterIssue, action: str) -> TransitionNotAllowed:
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
APPROVAL_FIELDS = {
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
        issue = issue_lock(issue_id)
        if not issue.can_edit():
            raise issue_refusal(issue, "changed")
        if (issue.subject, issue.body) == (subject, body):
            return issue
        previous = issue.status
        issue.subject = subject
        issue.body = body
        issue.edited_by = changed_by
        issue.status = IssueStatus.DRAFT
        for name, cleared in APPROVAL_FIELDS.items():
            setattr(issue, name, cleared)
        issue.save(
            update_fields=[
                "subject",
                "body",
                "edited_by",
                "status",
                *APPROVAL_FIELDS,
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
        issue = issue_lock(issue_id)
        if not issue.can_ask_for_approval():
            raise issue_refusal(issue, "sent for approval")
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
        issue = issue_lock(issue_id)
        if not issue.can_approve():
            raise issue_refusal(issue, "approved")
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
        issue = issue_lock(issue_id)
        if not issue.can_approve():
            raise issue_refusal(issue, "returned")
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


def require_approved(issue: NewsletterIssue, action: str) -> None:
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
        issue = issue_lock(issue_id)
        if not issue.can_delete():
            raise issue_refusal(issue, "deleted")
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
        issue = issue_lock(issue_id)
        if issue.status not in NOT_YET_SCHEDULED:
            raise issue_refusal(issue, "scheduled")
        require_approved(issue, "scheduled")
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
        issue = issue_lock(issue_id)
        if not issue.can_unschedule():
            raise issue_refusal(issue, "unscheduled")
        issue.status = IssueStatus.APPROVED
        issue.scheduled_for = None
        issue.save(update_fields=["status", "scheduled_for", "updated_at"])
        audit_record(
            actor=unscheduled_by, verb="declaration.newsletter_issue.unscheduled", target=issue
        )
    return issue
