"""Fixtures shared by the tests in tests/declaration/views."""

from __future__ import annotations

import pytest
from django.test import Client

from declaration.models import Signing
from tests.declaration.factories import SigningFactory
from tests.support.clients import client_for


@pytest.fixture
def draft() -> Signing:
    """A draft with no answers yet."""
    return SigningFactory.create(
        draft=True,
        organisation=None,
        signer_role="",
        senior_leader_name="",
        senior_leader_job_title="",
        digital_lead_name="",
        digital_lead_job_title="",
        digital_lead_email="",
        project_title="",
        project_description="",
        project_principles=[],
    )


@pytest.fixture
def signer_client(draft) -> Client:
    """A client signed in as the draft's signer."""
    return client_for(draft.signer)
