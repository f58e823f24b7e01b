"""Errors the declaration app's services raise. Views turn them into GOV.UK error messages."""

from localdigital.errors import DomainError


class DeclarationError(DomainError):
    """Something the rules of the Declaration do not allow; the message says what."""


class TransitionNotAllowed(DeclarationError):
    """The signing (or other record) is not in a state that allows this change."""


class AlreadySigned(DeclarationError):
    """The organisation already has a pending or published signing."""
