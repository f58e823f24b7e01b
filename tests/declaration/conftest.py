"""Fixtures of the Declaration's tests in more than one layer: organisations as the register
names them, and a published signatory with a member, who post project updates."""

from __future__ import annotations

import pytest

from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory


@pytest.fixture
def hackney():
    """The London Borough of Hackney, as the register names it."""
    return OrganisationFactory(
        name="London Borough of Hackney",
        slug="hackney",
        register_code="HCK",
        alternative_names=["Hackney"],
    )


@pytest.fixture
def leeds():
    """Leeds City Council, as the register names it."""
    return OrganisationFactory(name="Leeds City Council", slug="leeds", register_code="LDS")


@pytest.fixture
def signing():
    """A published signatory, the organisation "hackney"."""
    return SigningFactory.create(
        organisation=OrganisationFactory.create(slug="hackney", name="London Borough of Hackney")
    )


@pytest.fixture
def member(signing):
    """An approved member of the signatory."""
    return MembershipFactory.create(organisation=signing.organisation).user
