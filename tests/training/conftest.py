"""Fixtures of the training tests: signed-in clients for the training admin's tests."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.training.admin_support import OTHER_STAFF


@pytest.fixture
def trainer_user(db):
    return UserFactory(staff=True, groups=["Training administrator"], full_name="Tom Trainer")


@pytest.fixture
def trainer(otp_verified_client_for, trainer_user):
    """A training administrator, signed in with two factors."""
    return otp_verified_client_for(trainer_user)


@pytest.fixture(params=OTHER_STAFF)
def other_staff(request, otp_verified_client_for):
    """A member of each other staff group, signed in with two factors."""
    return otp_verified_client_for(UserFactory(staff=True, groups=[request.param]))
