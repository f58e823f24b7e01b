"""Fixtures of the Fund's service tests."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from funding.services import applications, applications_submission, eois


@pytest.fixture
def broken_audit(monkeypatch):
    """Make the audit writes of the bids' services fail, as a lost connection would."""

    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (applications, applications_submission, eois):
        monkeypatch.setattr(module, "audit_record", fail)
