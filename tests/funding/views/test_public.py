"""The Fund's public pages: the rounds, and each round's page."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.funding.factories import CriterionFactory, RoundFactory, RoundQuestionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


class TestRoundList:
    def test_lists_published_rounds_with_status_open_ones_first(self, client):
        RoundFactory(name="Round 1", number=1, decided=True)
        RoundFactory(name="Round 5", number=5)
        RoundFactory(name="Secret round", number=6, is_published=False)

        response = client.get(reverse("funding:round-list"))

        page = response.content.decode()
        assert response.status_code == 200
        assert page.index("Round 5") < page.index("Round 1")
        assert "Applications open" in page
        assert "Decided" in page
        assert "Secret round" not in page

    def test_says_so_when_there_are_no_rounds(self, client):
        response = client.get(reverse("funding:round-list"))

        assert "There are no rounds yet" in response.content.decode()


class TestRoundDetail:
    def test_shows_the_timeline_rules_phases_criteria_and_published_questions(self, client):
        close = datetime.datetime(2019, 9, 16, 17, 0, tzinfo=LONDON)
        round = RoundFactory(
            name="Round 3",
            number=3,
            applications_open_at=datetime.datetime(2019, 7, 17, 9, 0, tzinfo=LONDON),
            applications_close_at=close,
            decisions_announced_at=datetime.datetime(2019, 10, 14, 9, 0, tzinfo=LONDON),
            date_precision={"decisions_announced_at": "week"},
            min_participants=3,
            max_led_applications=2,
            phases={"discovery": 80000, "alpha": None},
        )
        CriterionFactory(round=round, name="Reuse by other councils", weight=40)
        RoundQuestionFactory(round=round, question="Can a district lead?", answer="Yes.")
        RoundQuestionFactory(round=round, question="Unanswered yet", answer="", is_published=False)

        response = client.get(reverse("funding:round-detail", args=[round.slug]))

        page = response.content.decode()
        assert response.status_code == 200
        assert "5pm on Monday 16 September 2019" in page
        assert "Week of 14 October 2019 (approximate)" in page
        assert "at least 3" in page
        assert "at most 2 bids" in page
        assert "Up to £80,000" in page
        assert "No set cap" in page
        assert "Reuse by other councils" in page
        assert "Can a district lead?" in page
        assert "Unanswered yet" not in page
        assert "Decided" in page

    def test_offers_to_start_a_bid_only_while_open(self, client):
        open_round = RoundFactory()
        eoi_round = RoundFactory(eoi_open=True)
        closed = RoundFactory(closed=True)

        assert (
            "Start an application"
            in client.get(reverse("funding:round-detail", args=[open_round.slug])).content.decode()
        )
        assert (
            "Send an expression of interest"
            in client.get(reverse("funding:round-detail", args=[eoi_round.slug])).content.decode()
        )
        page = client.get(reverse("funding:round-detail", args=[closed.slug])).content.decode()
        assert "Start an application" not in page
        assert "Send an expression of interest" not in page

    def test_an_unpublished_or_unknown_round_is_not_found(self, client):
        hidden = RoundFactory(is_published=False)

        assert client.get(reverse("funding:round-detail", args=[hidden.slug])).status_code == 404
        assert client.get(reverse("funding:round-detail", args=["nope"])).status_code == 404


def test_the_home_page_lists_open_rounds(client):
    RoundFactory(name="Round 5")
    RoundFactory(name="Round 1", decided=True)

    page = client.get(reverse("pages:home")).content.decode()

    assert "Round 5" in page
    assert "Round 1" not in page
