"""The newsletter's models. The tables keep the names they had in the declaration app."""

from .newsletter import (
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterTestGroup,
    Subscriber,
    SubscriberStatus,
    issue_content_hash,
)

__all__ = [
    "IssueStatus",
    "NewsletterDelivery",
    "NewsletterIssue",
    "NewsletterTestGroup",
    "Subscriber",
    "SubscriberStatus",
    "issue_content_hash",
]
