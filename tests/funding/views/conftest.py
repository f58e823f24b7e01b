"""Fixtures of the Fund's page tests."""

from __future__ import annotations

import pytest

from tests.funding.support import Team


@pytest.fixture
def team() -> Team:
    """An accepted project's team and its reports (``tests.funding.support.Team``)."""
    return Team()
