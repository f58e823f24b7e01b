"""The funded projects' pages make the same number of queries however many projects,
partners, updates and outputs there are: the list, a project's page, the rounds' page with
its figures, a signatory's page, the applicant's account, and the open data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import Phase
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    ProgressUpdateFactory,
    ProjectOutputFactory,
    RoundFactory,
    SignatoryFactory,
)
from tests.support.queries import assert_flat

# Each counts what rendering a page costs, so nothing is served from the page cache.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_public_pages")]

PHASES = list(Phase)


def grow_projects(n: int, *, organisation=None) -> None:
    """Add ``n`` public projects, each in a round of its own, with two partners (one of
    them ``organisation``, if given), an update and an output, and a declined one."""
    for number in range(n):
        round = RoundFactory(
            decided=True,
            decisions_approved_at=timezone.now() - datetime.timedelta(days=40),
            announced_at=timezone.now() - datetime.timedelta(days=30),
        )
        award = AwardFactory(
            application__round=round, application__phase=PHASES[number % len(PHASES)]
        )
        ApplicationPartnerFactory(application=award.application)
        ApplicationPartnerFactory(
            application=award.application, organisation=organisation or SignatoryFactory()
        )
        ProgressUpdateFactory(award=award)
        ProjectOutputFactory(award=award)
        AwardFactory(declined=True, application__round=round)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "bins"},
        {"phase": "alpha"},
        {"organisation": "query-council"},
        {"organisation": "unknown-council"},
        {"page": "2"},
    ],
)
def test_the_list_of_projects(client, query):
    SignatoryFactory(slug="query-council")
    path = reverse("funding:project-list")
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    assert_flat(client, path, grow_projects)


def test_a_projects_page(client):
    award = AwardFactory()

    def grow(n: int) -> None:
        ApplicationPartnerFactory.create_batch(n, application=award.application)
        ProgressUpdateFactory.create_batch(n, award=award)
        ProjectOutputFactory.create_batch(n, award=award)

    assert_flat(client, reverse("funding:project-detail", args=[award.slug]), grow)


def test_the_rounds_page_with_its_figures(client):
    grow_projects(1)
    assert_flat(client, reverse("funding:round-list"), grow_projects)


def test_a_signatory_page_with_its_funded_projects(client):
    signatory = SignatoryFactory(slug="funded-signatory")
    assert_flat(
        client,
        f"/signatories/{signatory.slug}/",
        lambda n: grow_projects(n, organisation=signatory),
    )


def test_the_account_page_of_a_project_team_member(client):
    organisation = SignatoryFactory()
    person = MembershipFactory(organisation=organisation, admin=True).user
    client.force_login(person)
    assert_flat(
        client, reverse("pages:account"), lambda n: grow_projects(n, organisation=organisation)
    )


@pytest.mark.parametrize("name", ["projects-json", "projects-csv", "threesixtygiving"])
def test_the_open_data(name):
    grow_projects(1)
    path = reverse(f"funding:{name}")

    def count():
        """Count the queries of a warm request, the streamed body read to the end."""
        client = Client()
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            assert response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else b""
        assert response.streaming == (name != "projects-json")
        assert body or not response.streaming
        return len(captured)

    small = count()
    grow_projects(20)
    assert count() == small
