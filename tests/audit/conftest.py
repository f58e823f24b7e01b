"""What the audit log's tests share: an event, as a service records it."""

from __future__ import annotations

import pytest

from localdigital.audit.models import AuditEvent
from localdigital.audit.services import audit_record
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(
        actor=UserFactory.create(email="fran@example.gov.uk"),
        verb="declaration.signatory.published",
        target=OrganisationFactory.create(name="Borsetshire County Council"),
        data={"version": 2},
    )
