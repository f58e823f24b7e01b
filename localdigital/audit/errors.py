"""Errors the audit log raises, every one of them here. Both are mistakes in the code, not
refusals to show a person, so neither is a ``DomainError``."""

from __future__ import annotations


class InvalidVerbError(ValueError):
    """Raised when a verb is not in the form ``app.entity.action``."""


class AuditEventImmutableError(Exception):
    """Raised on any attempt to change or delete an audit event."""
