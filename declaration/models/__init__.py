"""The declaration app's models, one module per area."""

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
    "Membership",
    "MembershipRole",
    "Organisation",
    "OrganisationType",
    "Principle",
    "ProjectUpdate",
    "Signing",
    "SigningStatus",
]
