"""A round's overview in the admin: its dates in UK time, its status, its budget against
what it has awarded, how many of its bids are at each stage, and links to each of its lists
filtered to it, each listing exactly what the overview counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import ModeratedScore
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    AssessmentFactory,
    AwardFactory,
    CriterionFactory,
    DecisionFactory,
    EoiClusterFactory,
    EoiFactory,
    RoundFactory,
)
from tests.pages.waiting_rows import WaitingRows
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def overview_url(round) -> str:
    return reverse("admin:funding_round_overview", args=[round.pk])


def at(day: str, time: str) -> datetime.datetime:
    """Return the UK time on ``day`` (YYYY-MM-DD) at ``time``."""
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{time}"))


@pytest.fixture
def round_in_assessment():
    """A round with an EOI stage, in assessment, with bids at every stage; and another
    round, with bids of its own that its overview must not count."""
    round = RoundFactory.create(
        eoi_opens_at=timezone.now() - 60 * DAY,
        eoi_closes_at=timezone.now() - 50 * DAY,
        applications_open_at=timezone.now() - 40 * DAY,
        applications_close_at=timezone.now() - 10 * DAY,
        assessors_per_application=2,
    )
    criterion = CriterionFactory.create(round=round, weight=100)
    cluster = EoiClusterFactory.create(round=round)
    EoiFactory.create_batch(2, round=round, submitted=True)
    EoiFactory.create(round=round, submitted=True, cluster=cluster)
    EoiFactory.create(round=round)
    EoiFactory.create(round=round, declined=True)
    ApplicationFactory.create(round=round)
    needing = ApplicationFactory.create(round=round, submitted=True)
    AssessmentFactory.create(application=needing, due_on=timezone.localdate() - DAY)
    ready = ApplicationFactory.create(round=round, submitted=True)
    AssessmentFactory.create_batch(2, application=ready, submitted=True, scores={})
    decided = ApplicationFactory.create(round=round, submitted=True)
    AssessmentFactory.create_batch(2, application=decided, submitted=True, scores={})
    ModeratedScore.objects.create(application=decided, criterion=criterion, score=3)
    DecisionFactory.create(application=decided)
    rejected = ApplicationFactory.create(round=round, submitted=True)
    DecisionFactory.create(application=rejected, rejected=True)

    other = RoundFactory.create(eoi_closed=True)
    EoiFactory.create_batch(3, round=other, submitted=True)
    AssessmentFactory.create(application__round=other, due_on=timezone.localdate() - DAY)
    return round


def rows_of(response) -> list:
    context = response.context
    return [
        *context["eoi_rows"],
        *context["eoi_subsets"],
        *context["application_rows"],
        *context["stage_rows"],
        *context["assessment_rows"],
        *context["assessment_subsets"],
    ]


def result_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert "e" not in response.wsgi_request.GET, f"{url} filters by something unknown"
    return response.context["cl"].result_count


class TestRoundOverview:
    def test_shows_the_dates_in_uk_time_as_govuk_writes_them(self, client):
        """Summer dates are in British Summer Time; the approval and announcement say
        when they happened, or that they have not."""
        round = RoundFactory.create(
            name="Round 3",
            applications_open_at=at("2019-07-22", "09:00"),
            applications_close_at=at("2019-09-16", "17:00"),
            decisions_announced_at=at("2019-10-14", "12:00"),
            decisions_approved_at=at("2019-10-10", "15:30"),
        )

        response = client.get(overview_url(round))

        html = response.content.decode()
        assert response.context["title"] == "Round 3: overview"
        assert "<caption>Dates and status (UK time)</caption>" in html
        assert '<th scope="row">Status</th><td>Decided</td>' in html
        assert "9am on Monday 22 July 2019" in html
        assert "5pm on Monday 16 September 2019" in html
        assert "midday on Monday 14 October 2019" in html
        assert "3:30pm on Thursday 10 October 2019" in html
        assert "Not yet announced" in html

    def test_shows_the_budget_against_what_the_round_has_awarded(self, client):
        """Awards made count; a declined offer goes back to the unallocated total."""
        award = AwardFactory.create(amount=Decimal(60000), application__round__budget=1_000_000)
        round = award.application.round
        AwardFactory.create(application__round=round, amount=Decimal(40000), declined=True)

        response = client.get(overview_url(round))

        html = response.content.decode()
        assert '<th scope="row">Budget</th><td class="numeric">£1,000,000</td>' in html
        assert 'Awarded in 1 award</th><td class="numeric">£60,000</td>' in html
        assert 'Returned by 1 declined offer</th><td class="numeric">£40,000</td>' in html
        assert '<th scope="row">Unallocated</th><td class="numeric">£940,000</td>' in html

    def test_says_when_the_round_has_awarded_more_than_its_budget(self, client):
        award = AwardFactory.create(amount=Decimal(60000), application__round__budget=50_000)

        response = client.get(overview_url(award.application.round))

        assert 'Over budget</th><td class="numeric"><span class="funding-over-budget">£10,000' in (
            response.content.decode()
        )

    def test_counts_the_bids_at_each_stage_of_this_round_only(self, client, round_in_assessment):
        response = client.get(overview_url(round_in_assessment))

        def counts(name: str) -> dict[str, int]:
            return {row.label: row.count for row in response.context[name]}

        assert counts("eoi_rows") == {
            "Draft": 1,
            "Submitted": 3,
            "Invited to apply": 0,
            "Not taken forward": 1,
            "Withdrawn": 0,
        }
        assert counts("eoi_subsets") == {
            "Submitted expressions of interest not yet in a cluster": 2,
            "Clusters of expressions of interest": 1,
        }
        assert counts("application_rows") == {"Draft": 1, "Submitted": 4, "Withdrawn": 0}
        assert counts("stage_rows") == {
            "Needing assessors": 2,
            "Being assessed": 1,
            "Ready to moderate": 1,
            "Moderated, waiting for a decision": 0,
            "Decided: 1 approved, 1 rejected": 2,
        }
        assert counts("assessment_rows") == {
            "Waiting for a conflict declaration": 1,
            "Conflict of interest declared": 0,
            "Being scored": 0,
            "Submitted": 4,
        }
        assert counts("assessment_subsets") == {"Overdue assessments": 1}

    def test_each_count_links_to_a_list_of_exactly_those(self, client, round_in_assessment):
        """Every stage's link lists as many rows as the overview counts."""
        response = client.get(overview_url(round_in_assessment))

        for row in rows_of(response):
            assert result_count(client, row.url) == row.count, row.label

    def test_links_to_each_of_the_rounds_lists_filtered_to_the_round(
        self, client, round_in_assessment
    ):
        response = client.get(overview_url(round_in_assessment))

        links = dict(response.context["links"])
        name = round_in_assessment.name
        assert list(links) == [
            f"Expressions of interest in {name}",
            f"Clusters in {name}",
            f"Applications to {name}",
            f"Assessments in {name}",
            f"Ranking of {name}",
            f"Decisions in {name}",
            f"Awards in {name}",
            f"Settings of {name}",
        ]
        assert result_count(client, links[f"Expressions of interest in {name}"]) == 5
        assert result_count(client, links[f"Clusters in {name}"]) == 1
        assert result_count(client, links[f"Applications to {name}"]) == 5
        assert result_count(client, links[f"Assessments in {name}"]) == 5
        assert result_count(client, links[f"Decisions in {name}"]) == 2
        assert result_count(client, links[f"Awards in {name}"]) == 0
        for url in (links[f"Ranking of {name}"], links[f"Settings of {name}"]):
            assert client.get(url).status_code == 200
        html = response.content.decode()
        for text, url in links.items():
            assert f'<a href="{url.replace("&", "&amp;")}">{text}</a>' in html

    def test_a_round_without_an_eoi_stage_shows_no_expressions_of_interest(self, client):
        round = RoundFactory.create(closed=True)

        response = client.get(overview_url(round))

        assert response.context["eoi_rows"] == []
        assert "Expressions of interest</caption>" not in response.content.decode()
        assert not [text for text, _ in response.context["links"] if "interest" in text]

    def test_is_reached_from_the_list_of_rounds_and_the_rounds_page(self, client):
        round = RoundFactory.create(name="Round 7")
        link = f'<a href="{overview_url(round)}">'

        listing = client.get(reverse("admin:funding_round_changelist"))
        page = client.get(reverse("admin:funding_round_change", args=[round.pk]))

        assert f'{link}Overview<span class="visually-hidden"> of Round 7</span></a>' in (
            listing.content.decode()
        )
        assert f"{link}Round overview</a>" in page.content.decode()

    def test_answers_head_and_refuses_post(self, client):
        round = RoundFactory.create()

        assert client.head(overview_url(round)).status_code == 200
        assert client.post(overview_url(round)).status_code == 405

    def test_is_not_found_for_a_round_that_does_not_exist(self, client):
        assert (
            client.get(reverse("admin:funding_round_overview", args=[999_999])).status_code == 404
        )

    def test_refuses_an_assessor(self, otp_verified_client_for):
        assessor = otp_verified_client_for(UserFactory(staff=True, groups=["Assessor"]))

        response = assessor.get(overview_url(RoundFactory.create()))

        assert response.status_code == 403

    def test_cannot_be_cached(self, client):
        response = client.get(overview_url(RoundFactory.create()))

        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("stage", ["eoi_round", "round"], ids=["EOIs", "applications"])
def test_the_overview_makes_the_same_number_of_queries_for_10_and_1000_rows(client, stage):
    """Its expressions of interest, or its applications and assessments, grow a hundredfold."""
    rows = WaitingRows.make(
        assessor=UserFactory(staff=True), second_assessor=UserFactory(staff=True)
    )
    round = getattr(rows, stage)
    url = overview_url(round)

    rows.grow(10)
    small = queries_for(client, url)
    rows.grow(990)
    large = queries_for(client, url)

    assert small == large, f"{small} queries with 10 rows, {large} with 1,000"
    counts = {row.label: row.count for row in rows_of(client.get(url))}
    assert 1000 in counts.values()
