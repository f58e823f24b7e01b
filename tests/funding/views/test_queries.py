"""The Fund's list pages make the same number of queries however many rows they show:
the applicant's dashboard, the rounds' pages and a bid's pages."""

from __future__ import annotations

import pytest
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
from tests.support.queries import assert_flat

# Each counts what rendering a page costs, so nothing is served from the page cache.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_public_pages")]


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
