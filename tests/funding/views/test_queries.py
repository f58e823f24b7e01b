"""The Fund's list pages make the same number of queries however many rows they show:
the applicant's dashboard, the rounds' pages and a bid's pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    CriterionFactory,
    EoiFactory,
    EoiPartnerFactory,
    RoundFactory,
    RoundQuestionFactory,
    SignatoryFactory,
)

# Each counts what rendering a page costs, so nothing is served from the page cache.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_public_pages")]


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def assert_flat(client: Client, path: str, grow: Callable[[int], object]) -> None:
    """Render ``path`` after ``grow(2)`` and again after ``grow(20)`` more rows: same queries."""
    grow(2)
    small = queries_for(client, path)
    grow(20)
    large = queries_for(client, path)
    assert small == large, f"{path}: {small} queries with few rows, {large} with many"


def test_the_applicants_dashboard(client):
    """The account page lists the person's organisations' EOIs and applications, led and
    partnered, across rounds."""
    organisation = SignatoryFactory()
    person = MembershipFactory(organisation=organisation).user
    client.force_login(person)
    eoi_round = RoundFactory(eoi_open=True)

    def grow(n: int) -> None:
        for _ in range(n):
            round = RoundFactory()
            EoiFactory(round=eoi_round, lead_organisation=organisation, created_by=person)
            EoiPartnerFactory(eoi=EoiFactory(round=eoi_round), organisation=organisation)
            ApplicationFactory(round=round, lead_organisation=organisation, created_by=person)
            ApplicationPartnerFactory(
                application=ApplicationFactory(round=round), organisation=organisation
            )

    assert_flat(client, reverse("pages:account"), grow)


def test_the_list_of_rounds(client):
    assert_flat(client, reverse("funding:round-list"), lambda n: RoundFactory.create_batch(n))


def test_a_rounds_page(client):
    round = RoundFactory()

    def grow(n: int) -> None:
        CriterionFactory.create_batch(n, round=round, weight=1)
        RoundQuestionFactory.create_batch(n, round=round)

    assert_flat(client, reverse("funding:round-detail", args=[round.slug]), grow)


def test_an_applications_task_list_and_check_page(client):
    application = ApplicationFactory(complete=True)
    client.force_login(application.created_by)

    def grow(n: int) -> None:
        ApplicationPartnerFactory.create_batch(n, application=application)

    assert_flat(client, reverse("funding:application-detail", args=[application.reference]), grow)
    assert_flat(client, reverse("funding:application-check", args=[application.reference]), grow)


def test_an_eois_page(client):
    eoi = EoiFactory()
    client.force_login(eoi.created_by)

    assert_flat(
        client,
        reverse("funding:eoi-detail", args=[eoi.reference]),
        lambda n: EoiPartnerFactory.create_batch(n, eoi=eoi),
    )
