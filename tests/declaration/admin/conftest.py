"""Fixtures of the Declaration's admin tests. Every page here is the admin's, so ``client`` is a
fund manager signed in with two factors, not pytest-django's anonymous client."""

from __future__ import annotations

import pytest

from declaration.models import Organisation, OrganisationType
from tests.declaration.factories import OrganisationFactory


@pytest.fixture
def client(otp_verified_client_for, fund_manager):
    """A Fund manager in the admin, who moderates signings."""
    return otp_verified_client_for(fund_manager)


@pytest.fixture
def hull() -> Organisation:
    """Hull City Council, as the register names it."""
    return OrganisationFactory.create(
        name="Hull City Council",
        slug="kingston-upon-hull",
        register_code="KHL",
        gss_code="E06000010",
        organisation_type=OrganisationType.UNITARY,
        region="Yorkshire and The Humber",
        alternative_names=["Kingston upon Hull", "Kingston upon Hull, City of"],
    )
