"""Fixtures shared by the tests in tests/newsletter/admin."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture
def comms(otp_verified_client_for):
    """A client signed in to the admin as a member of Communications, with its ``user``."""
    user = UserFactory(staff=True, groups=["Communications"])
    client = otp_verified_client_for(user)
    client.user = user
    return client


@pytest.fixture
def fund_manager(otp_verified_client_for):
    """A client signed in to the admin as a fund manager."""
    return otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))
