"""What in the newsletter waits for the communications team: issues not yet sent (drafts to
finish, issues waiting for a second person's approval, approved issues to send, and issues
paused while sending), counted in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import IssueStatus, NewsletterIssue


@dataclass(frozen=True)
class NewsletterWaiting:
    """How many newsletter issues wait for the communications team."""

    drafts: int
    awaiting_approval: int
    approved: int
    paused: int


def newsletter_waiting() -> NewsletterWaiting:
    """Return how many newsletter issues are drafts, waiting for approval, approved and not
    yet sent or scheduled, and paused, in one query."""
    counts = NewsletterIssue.objects.aggregate(
        drafts=Count("pk", filter=Q(status=IssueStatus.DRAFT)),
        awaiting_approval=Count("pk", filter=Q(status=IssueStatus.AWAITING_APPROVAL)),
        approved=Count("pk", filter=Q(status=IssueStatus.APPROVED)),
        paused=Count("pk", filter=Q(status=IssueStatus.PAUSED)),
    )
    return NewsletterWaiting(**counts)
