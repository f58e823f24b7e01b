"""Fixtures of the Fund's tests in more than one layer."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.funding.factories import AwardFactory, RoundFactory
from tests.funding.support import Project


@pytest.fixture
def project() -> Project:
    """A funded project, its team and a fund manager, asking for and deciding changes."""
    return Project()


@pytest.fixture
def public_and_hidden_awards() -> None:
    """A public project, beside a declined offer and an award of a round not yet announced,
    which no public page or file may show."""
    AwardFactory(title="Public project")
    AwardFactory(title="Declined project", declined=True)
    AwardFactory(
        title="Embargoed project",
        application__round=RoundFactory(
            closed=True, decisions_approved_at=timezone.now(), announced_at=None
        ),
    )
