"""The declaration app's models, one module per area."""

from .newsletter import (
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterTestGroup,
    Subscriber,
    SubscriberStatus,
    issue_content_hash,
)
from .organisations import Membership, MembershipRole, Organisation, OrganisationType
from .signing import (
    AnniversaryReminder,
    DeclarationVersion,
    Principle,
    ProjectUpdate,
    Signing,
    SigningStatus,
)

__all__ = [
    "AnniversaryReminder",
    "DeclarationVersion",
    "IssueStatus",
    "Membership",
    "MembershipRole",
    "NewsletterDelivery",
    "NewsletterIssue",
    "NewsletterTestGroup",
    "Organisation",
    "OrganisationType",
    "Principle",
    "ProjectUpdate",
    "Signing",
    "SigningStatus",
    "Subscriber",
    "SubscriberStatus",
    "issue_content_hash",
]
