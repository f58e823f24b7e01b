"""Fixtures of the Declaration's admin tests. Every page here is the admin's, so ``client`` is a
fund manager signed in with two factors, not pytest-django's anonymous client."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture
def fund_manager():
    """A member of staff in the Fund manager group."""
    return UserFactory(staff=True, groups=["Fund manager"])


@pytest.fixture
def client(otp_verified_client_for, fund_manager):
    """A Fund manager in the admin, who moderates signings."""
    return otp_verified_client_for(fund_manager)
