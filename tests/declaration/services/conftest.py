"""Fixtures shared by the tests in tests/declaration/services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from declaration.services import (
    memberships,
    moderation,
    moderation_withdrawal,
    organisations,
    signing,
    signing_withdrawal,
    versions,
)
from tests.accounts.factories import UserFactory


@pytest.fixture
def broken_audit(monkeypatch):
    """Make every audit write of the Declaration's services fail, as a full disk or a lost
    connection would."""

    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (
        signing,
        signing_withdrawal,
        moderation,
        moderation_withdrawal,
        memberships,
        organisations,
        versions,
    ):
        monkeypatch.setattr(module, "audit_record", fail)


@pytest.fixture
def staff():
    """The member of staff who moderates signings."""
    return UserFactory(staff=True, email="moderator@communities.gov.uk")
