"""A broken audit log, for the tests that every write and its audit event are one
transaction: a service whose audit write fails must leave nothing changed."""

from __future__ import annotations

from types import ModuleType

import pytest
from django.db import IntegrityError


def audit_unavailable(**kwargs: object) -> None:
    """Fail as an audit write does when the audit log is unavailable (a lost connection, a
    full disk): with an ``IntegrityError``, which is a ``DatabaseError``."""
    raise IntegrityError("the audit log is unavailable")


def audit_break(monkeypatch: pytest.MonkeyPatch, *modules: ModuleType) -> None:
    """Make every audit write of the service ``modules`` fail."""
    for module in modules:
        monkeypatch.setattr(module, "audit_record", audit_unavailable)
