"""The Fund's admin lists make the same number of queries however many rows they show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import EoiCluster, ExpressionOfInterest, ModeratedScore, Recommendation, Round
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AssessmentFactory,
    AwardFactory,
    CriterionFactory,
    DecisionFactory,
    EoiClusterFactory,
    EoiFactory,
    InstalmentFactory,
    RoundFactory,
    SignatoryFactory,
)
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db

EOIS = reverse("admin:funding_expressionofinterest_changelist")
STATES = [{"submitted": True}, {"submitted": True}, {"declined": True}, {}]


def grow_eois(rounds: list[Round], partners: list, count: int) -> None:
    """Add ``count`` EOIs across the rounds, in every state, with partners, some clustered."""
    for index in range(count):
        round = rounds[index % len(rounds)]
        state = STATES[index % len(STATES)]
        cluster = (
            EoiClusterFactory(round=round) if index % 3 == 0 and state.get("submitted") else None
        )
        EoiFactory(
            round=round,
            cluster=cluster,
            partners=partners[: index % (len(partners) + 1)],
            **state,
        )


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "all"}, {"status": "all", "round": "first"}, {"cluster": "any"}],
    ids=["submitted", "all", "one round", "clustered"],
)
def test_eoi_list_makes_the_same_number_of_queries_for_10_and_200_eois(client, params):
    """No query per row, whatever the round, cluster, partners and status of each."""
    rounds = [RoundFactory(eoi_closed=True), RoundFactory(eoi_closed=True)]
    partners = SignatoryFactory.create_batch(3)
    if params.get("round") == "first":
        params = {**params, "round": str(rounds[0].pk)}
    params = {**params, "all": ""}

    grow_eois(rounds, partners, 10)
    small = queries_for(client, EOIS, params)
    grow_eois(rounds, partners, 190)
    large = queries_for(client, EOIS, params)

    assert ExpressionOfInterest.objects.count() == 200
    assert EoiCluster.objects.count() > 10
    assert small == large, f"{small} queries with 10 EOIs, {large} with 200"


def test_eoi_list_pages_make_the_same_number_of_queries_for_10_and_200_eois(client):
    """Without "show all", the list pages; the first page costs the same either way."""
    rounds = [RoundFactory(eoi_closed=True)]
    grow_eois(rounds, [], 10)
    small = queries_for(client, EOIS, {"status": "all"})
    grow_eois(rounds, [], 190)
    large = queries_for(client, EOIS, {"status": "all"})

    assert small == large


def test_cluster_list_makes_the_same_number_of_queries_for_5_and_40_clusters(client):
    round = RoundFactory(eoi_closed=True)

    def grow(count: int) -> None:
        for _ in range(count):
            cluster = EoiClusterFactory(round=round)
            EoiFactory.create_batch(2, round=round, submitted=True, cluster=cluster)

    url = reverse("admin:funding_eoicluster_changelist")
    grow(5)
    small = queries_for(client, url, {})
    grow(35)
    large = queries_for(client, url, {})

    assert small == large


def test_application_list_makes_the_same_number_of_queries_for_10_and_60_applications(client):
    round = RoundFactory()

    def grow(count: int) -> None:
        for index in range(count):
            application = ApplicationFactory(round=round, submitted=index % 2 == 0)
            ApplicationPartnerFactory(application=application, confirmed=index % 3 == 0)

    url = reverse("admin:funding_application_changelist")
    grow(10)
    small = queries_for(client, url, {"all": ""})
    grow(50)
    large = queries_for(client, url, {"all": ""})

    assert small == large


def grow_assessed(round, assessor, count: int) -> None:
    """Add ``count`` submitted applications to the round, each with assessments in every
    state (one of them by ``assessor``), some moderated, recommended and decided."""
    criterion = round.criteria.get()
    for index in range(count):
        application = ApplicationFactory.create(round=round, submitted=True)
        ApplicationPartnerFactory(application=application, confirmed=index % 2 == 0)
        AssessmentFactory(application=application, assessor=assessor, scoring=index % 2 == 0)
        AssessmentFactory(application=application, submitted=True, scores={criterion: index % 5})
        if index % 3 == 0:
            AssessmentFactory(application=application, conflicted=True)
        if index % 4 == 0:
            ModeratedScore.objects.create(application=application, criterion=criterion, score=2)
            DecisionFactory(
                application=application,
                recommendation=Recommendation.FUND,
                recommended_amount=Decimal(1000),
            )


@pytest.fixture
def assessed_round():
    round = RoundFactory(closed=True, assessors_per_application=2)
    CriterionFactory(round=round, weight=100, scale_max=4)
    return round


@pytest.fixture
def assessor():
    return UserFactory(staff=True, groups=["Assessor"])


@pytest.mark.parametrize("who", ["fund manager", "assessor"])
def test_application_list_with_assessments_makes_the_same_number_of_queries_for_10_and_60(
    client, otp_verified_client_for, assessed_round, assessor, who
):
    """Progress, conflicts, moderation and decisions (or the assessor's own assessment) are
    read in the list's query, not one per row."""
    viewer = client if who == "fund manager" else otp_verified_client_for(assessor)
    url = reverse("admin:funding_application_changelist")
    grow_assessed(assessed_round, assessor, 10)
    small = queries_for(viewer, url, {"all": ""})
    grow_assessed(assessed_round, assessor, 50)
    large = queries_for(viewer, url, {"all": ""})

    assert small == large, f"{small} queries with 10 applications, {large} with 60"


@pytest.mark.parametrize("who", ["fund manager", "assessor"])
def test_assessment_list_makes_the_same_number_of_queries_for_10_and_60_applications(
    client, otp_verified_client_for, assessed_round, assessor, who
):
    viewer = client if who == "fund manager" else otp_verified_client_for(assessor)
    url = reverse("admin:funding_assessment_changelist")
    grow_assessed(assessed_round, assessor, 10)
    small = queries_for(viewer, url, {"all": ""})
    grow_assessed(assessed_round, assessor, 50)
    large = queries_for(viewer, url, {"all": ""})

    assert small == large


def test_ranking_makes_the_same_number_of_queries_for_10_and_60_applications(
    client, assessed_round, assessor
):
    url = reverse("admin:funding_round_ranking", args=[assessed_round.pk])
    grow_assessed(assessed_round, assessor, 10)
    small = queries_for(client, url, {})
    grow_assessed(assessed_round, assessor, 50)
    large = queries_for(client, url, {})

    assert small == large, f"{small} queries with 10 applications, {large} with 60"
    csv_url = reverse("admin:funding_round_ranking_csv", args=[assessed_round.pk])
    assert queries_for(client, csv_url, {}) <= small


def test_award_list_makes_the_same_number_of_queries_for_5_and_30_awards(client):
    def grow(count: int) -> None:
        for _ in range(count):
            InstalmentFactory(award=AwardFactory(accepted=True), paid_at=timezone.now())

    url = reverse("admin:funding_award_changelist")
    grow(5)
    small = queries_for(client, url, {"all": ""})
    grow(25)
    large = queries_for(client, url, {"all": ""})

    assert small == large
