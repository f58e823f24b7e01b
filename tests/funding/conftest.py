"""Fixtures of the Fund's tests in more than one layer."""

from __future__ import annotations

import pytest

from tests.funding.support import Project


@pytest.fixture
def project() -> Project:
    """A funded project, its team and a fund manager, asking for and deciding changes."""
    return Project()
