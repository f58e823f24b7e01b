"""Fixtures shared by the tests in tests/funding/services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from funding.services import applications as services
from funding.services import applications_submission as submission_services


@pytest.fixture
def broken_audit(monkeypatch):
    """Make the application services' audit writes fail, as a lost connection would."""

    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (services, submission_services):
        monkeypatch.setattr(module, "audit_record", fail)
