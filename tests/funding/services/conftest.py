"""Fixtures of the Fund's service tests."""

from __future__ import annotations

import pytest

from funding.services import applications, applications_submission, eois
from tests.support.audit import audit_break


@pytest.fixture
def broken_audit(monkeypatch):
    """Make the audit writes of the bids' services fail, as a lost connection would."""
    audit_break(monkeypatch, applications, applications_submission, eois)
