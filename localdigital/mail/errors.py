"""Errors the mail services raise, every one of them here."""

from __future__ import annotations

from localdigital.errors import DomainError


class RecipientSuppressed(DomainError):
    """The email's recipient is on the suppression list."""
