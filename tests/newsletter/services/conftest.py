"""Fixtures shared by the tests in tests/newsletter/services."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.newsletter.support import patch_audit_record
from tests.support.audit import audit_unavailable


@pytest.fixture
def broken_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every audit write of the newsletter's services fail."""
    patch_audit_record(monkeypatch, audit_unavailable)


@pytest.fixture
def no_throttle(settings) -> None:
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0


@pytest.fixture
def staff():
    return UserFactory(staff=True, groups=["Communications"])
