"""Fixtures of the training service tests."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture
def administrator():
    """A member of staff in the Training administrator group."""
    return UserFactory(staff=True, groups=["Training administrator"])
