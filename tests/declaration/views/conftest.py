"""Fixtures shared by the tests in tests/declaration/views."""

from __future__ import annotations

import pytest
from django.test import Client

from declaration.models import Signing
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.declaration.support import SLUG
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


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Borsetshire County Council", slug=SLUG)


@pytest.fixture
def admin(organisation):
    return MembershipFactory(
        organisation=organisation,
        admin=True,
        user=UserFactory(email="ada@borsetshire.gov.uk", full_name="Ada Archer"),
    )


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin.user)
    return client


@pytest.fixture
def member(organisation):
    return MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="cy@borsetshire.gov.uk", full_name="Cy Carter"),
    )


@pytest.fixture
def waiting(organisation):
    return MembershipFactory(
        organisation=organisation,
        pending=True,
        user=UserFactory(email="bo@example.org", full_name="Bo Baker"),
    )
