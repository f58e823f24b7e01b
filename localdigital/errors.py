"""The one error every domain's refusals derive from.

Each domain's services raise their own errors (``DeclarationError``, ``FundingError``,
``TrainingError``), which say in words for people what the rules do not allow. They all derive
from ``DomainError``, so the platform can turn any domain's refusal into a message for the
person, on any page, without knowing the domains: the admin does (``localdigital.admin_actions``).
"""


class DomainError(Exception):
    """Something a domain's rules do not allow; the message says what, in words for people."""
