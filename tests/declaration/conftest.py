"""Fixtures of the Declaration's tests in more than one layer: organisations as the register
names them."""

from __future__ import annotations

import pytest

from tests.declaration.factories import OrganisationFactory


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
