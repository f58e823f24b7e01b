"""Fixtures shared by the tests in tests/declaration/services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from declaration.services import moderation, moderation_withdrawal, signing, signing_withdrawal
from tests.accounts.factories import UserFactory


@pytest.fixture
def broken_audit(monkeypatch):
    """Make the audit writes of signing and moderating fail, as a lost connection would."""

    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (signing, signing_withdrawal, moderation, moderation_withdrawal):
        monkeypatch.setattr(module, "audit_record", fail)


@pytest.fixture
def staff():
    """The member of staff who moderates signings."""
    return UserFactory(staff=True, email="moderator@communities.gov.uk")
