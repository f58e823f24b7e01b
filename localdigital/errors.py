"""The errors every domain's refusals derive from.

Each domain keeps its errors in its own ``errors.py`` (``DeclarationError``, ``FundingError``,
``TrainingError``, ``NewsletterError``; in the platform, ``AccountsError`` and the mail's
``RecipientSuppressed``), which say in words for people what the rules do not allow. They all
derive from ``DomainError``, so the platform can turn any domain's
refusal into a message for the person, on any page, without knowing the domains: the admin does
(``localdigital.admin_actions``). Two kinds of refusal are common to every domain, and the
platform names them so that shared code can tell them apart from a wrong answer:
``TransitionNotAllowed`` (the thing is not in a state that allows the change) and
``NotPermitted`` (the person may not make it). A domain's own classes of those derive from both
its base and the platform's.
"""


class DomainError(Exception):
    """Something a domain's rules do not allow; the message says what, in words for people."""


class TransitionNotAllowed(DomainError):
    """The thing is not in a state that allows this change; the message says why."""


class NotPermitted(DomainError):
    """The person may not do this to this thing; the message says why."""
