"""Fixtures of the Fund's admin tests: a fund manager and an assessor, each with a client signed
in with two factors, and the closed round they assess (``round``, ``application``)."""

from __future__ import annotations

import pytest

from funding.models import Fund
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    CriterionFactory,
    EoiClusterFactory,
    FundFactory,
    RoundFactory,
)


@pytest.fixture
def client(otp_verified_client_for, fund_manager):
    """The fund manager's client. Every page here is the admin's, so ``client`` is signed in
    with two factors, not pytest-django's anonymous client."""
    return otp_verified_client_for(fund_manager)


@pytest.fixture
def manager(otp_verified_client_for, fund_manager):
    """The fund manager's client."""
    return otp_verified_client_for(fund_manager)


@pytest.fixture
def assessor():
    """A member of staff in the Assessor group."""
    return UserFactory(staff=True, groups=["Assessor"], full_name="Asha Assessor")


@pytest.fixture
def assessor_client(otp_verified_client_for, assessor):
    """The assessor's client."""
    return otp_verified_client_for(assessor)


@pytest.fixture
def round():
    """A closed round with two assessors per application and two criteria: "Understands the
    problem" (weight 60, scored 0 to 4) and "Reuse" (weight 40, scored 0 to 5)."""
    round = RoundFactory(closed=True, assessors_per_application=2)
    CriterionFactory(round=round, name="Understands the problem", weight=60, scale_max=4)
    CriterionFactory(round=round, name="Reuse", weight=40, scale_max=5)
    return round


@pytest.fixture
def application(round):
    """An application submitted to the round."""
    return ApplicationFactory(round=round, submitted=True)


@pytest.fixture
def cluster(round):
    """A cluster of the round's expressions of interest."""
    return EoiClusterFactory(round=round, name="Missed bins")


@pytest.fixture
def fund() -> Fund:
    """A fund to add rounds to."""
    return FundFactory.create()
