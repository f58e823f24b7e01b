"""The newsletter's models. The tables keep the names they had in the declaration app."""

from .deliveries import NewsletterDelivery
from .issues import (
    IssueStatus,
    NewsletterIssue,
    NewsletterTestGroup,
    issue_content_hash,
)
from .subscribers import Subscriber, SubscriberStatus

__all__ = [
    "IssueStatus",
    "NewsletterDelivery",
    "NewsletterIssue",
    "NewsletterTestGroup",
    "Subscriber",
    "SubscriberStatus",
    "issue_content_hash",
]
