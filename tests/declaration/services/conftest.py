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
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.support.audit import audit_break


@pytest.fixture
def broken_audit(monkeypatch):
    """Make every audit write of the Declaration's services fail, as a full disk or a lost
    connection would."""
    audit_break(
        monkeypatch,
        signing,
        signing_withdrawal,
        moderation,
        moderation_withdrawal,
        memberships,
        organisations,
        versions,
    )


@pytest.fixture
def staff():
    """The member of staff who moderates signings."""
    return UserFactory(staff=True, email="moderator@communities.gov.uk")


@pytest.fixture
def organisation():
    """A signatory organisation with members to approve, refuse and remove."""
    return OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")


@pytest.fixture
def admin(organisation):
    """The organisation's admin, who acts on its members."""
    return MembershipFactory(
        organisation=organisation, admin=True, user=UserFactory(email="ada@borsetshire.gov.uk")
    )


@pytest.fixture
def broken_outbox(monkeypatch):
    """Make queuing an email fail, after the change and its audit event are written."""

    def fail(**kwargs):
        raise IntegrityError("outbox unavailable")

    monkeypatch.setattr(memberships, "email_queue", fail)
