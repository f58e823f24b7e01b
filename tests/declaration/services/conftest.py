"""Fixtures shared by the tests in tests/declaration/services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from declaration.services import signing as services
from declaration.services import signing_withdrawal as withdrawal_services


@pytest.fixture
def broken_audit(monkeypatch):
    """Make the service's audit write fail, as a lost connection would."""

    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (services, withdrawal_services):
        monkeypatch.setattr(module, "audit_record", fail)
