"""A round's ranking and its CSV, and the record of the Minister's approval of its decisions,
which locks the decisions and the announcement time (funding/admin/decisions_round.py)."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Decision, DecisionOutcome, Phase, Recommendation, Round
from localdigital.admin_actions import object_action_url
from tests.funding.admin_support import (
    ROUNDS,
    approve_data,
    decide_url,
    decided_round,
    errors_of,
    ranking_url,
    recommend_url,
    round_data,
    round_url,
    scored,
)
from tests.funding.factories import ApplicationFactory, DecisionFactory
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


def csv_url(round) -> str:
    return reverse("admin:funding_round_ranking_csv", args=[round.pk])


@pytest.fixture
def round():
    return decided_round()


class TestRanking:
    def test_moderated_first_by_moderated_score_then_by_the_assessors_mean(self, manager, round):
        low_moderated = scored(round, 4, moderated=1)
        high_moderated = scored(round, 1, moderated=3)
        unmoderated = scored(round, 4)
        unassessed = ApplicationFactory(round=round, submitted=True)
        ApplicationFactory(round=round)  # A draft is not ranked.

        response = manager.get(ranking_url(round))

        assert response.status_code == 200
        rows = [item["row"] for item in response.context["rows"]]
        assert [row.reference for row in rows] == [
            high_moderated.reference,
            low_moderated.reference,
            unmoderated.reference,
            unassessed.reference,
        ]
        assert [(row.moderated, row.assessors_mean) for row in rows[:3]] == [
            (Decimal(75), Decimal(25)),
            (Decimal(25), Decimal(100)),
            (None, Decimal(100)),
        ]
        assert rows[3].score is None

    def test_running_total_of_recommended_amounts_against_the_budget(self, manager, round):
        first = scored(round, 4, moderated=4, requested_amount=Decimal(150000), phase=Phase.ALPHA)
        second = scored(round, 3, moderated=3, requested_amount=Decimal(80000))
        third = scored(round, 2, moderated=2)
        DecisionFactory(
            application=first,
            outcome="",
            award_amount=None,
            decided_at=None,
            recommendation=Recommendation.FUND,
            recommended_amount=Decimal(150000),
        )
        DecisionFactory(
            application=second,
            outcome="",
            award_amount=None,
            decided_at=None,
            recommendation=Recommendation.FUND_WITH_CONDITIONS,
            recommended_amount=Decimal(60000),
        )
        DecisionFactory(
            application=third,
            outcome="",
            award_amount=None,
            decided_at=None,
            recommendation=Recommendation.DO_NOT_FUND,
        )

        response = manager.get(ranking_url(round))

        rows = response.context["rows"]
        assert [item["running_total"] for item in rows] == ["£150,000", "£210,000", "£210,000"]
        assert [item["row"].is_over_budget for item in rows] == [False, True, True]
        assert "£150,000" in response.text  # requested
        assert "£10,000 over budget" in response.text
        assert "Fund with conditions" in response.text

    def test_the_csv_has_the_ranking_and_makes_no_formula(self, manager, round):
        scored(round, 4, moderated=4, title='=HYPERLINK("https://example.com")')
        second = scored(round, 2)

        response = manager.get(csv_url(round))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(StringIO(response.getvalue().decode())))
        assert rows[0][:3] == ["rank", "reference", "title"]
        assert rows[1][2] == '\'=HYPERLINK("https://example.com")'
        assert rows[1][6] == "100.0"
        assert rows[2][1] == second.reference
        assert rows[2][6] == ""
        assert rows[2][7] == "50.0"

    def test_refused_to_an_assessor(self, assessor_client, round):
        assert assessor_client.get(ranking_url(round)).status_code == 403
        assert assessor_client.get(csv_url(round)).status_code == 403

    def test_the_round_page_links_to_its_ranking(self, manager, round):
        response = manager.get(round_url(round))

        assert ranking_url(round) in response.text


def locked_round_data(round, **dates) -> dict:
    """Return what the round's page posts back, with its own dates, phases and criteria."""
    return round_data(
        round.fund,
        round=round,
        number=round.number,
        name=round.name,
        slug=round.slug,
        assessors_per_application=round.assessors_per_application,
        dates={
            "eoi_opens_at": None,
            "eoi_closes_at": None,
            "applications_open_at": round.applications_open_at,
            "applications_close_at": round.applications_close_at,
            "decisions_announced_at": round.decisions_announced_at,
            **dates,
        },
        phase_caps=[
            {"id": cap.pk, "phase": cap.phase, "max_award": cap.max_award or ""}
            for cap in round.phase_caps.all()
        ],
        criteria=[
            {
                "id": c.pk,
                "name": c.name,
                "guidance": c.guidance,
                "weight": c.weight,
                "scale_max": c.scale_max,
                "position": c.position,
            }
            for c in round.criteria.all()
        ],
    )


class TestMinisterialApproval:
    @pytest.fixture
    def decided_round(self, round):
        for score in (3, 2):
            DecisionFactory(application=scored(round, score))
        return round

    def test_asks_for_confirmation_first(self, manager, decided_round):
        response = manager.post(ROUNDS, approve_data(decided_round))

        assert response.status_code == 200
        assert "Confirm that the Minister has approved the decisions." in response.text
        assert "2 of 2 submitted applications decided" in response.text
        decided_round.refresh_from_db()
        assert decided_round.decisions_approved_at is None

    def test_records_the_approval(self, manager, decided_round):
        response = manager.post(
            object_action_url(decided_round, "approve_decisions"),
            approve_data(decided_round, confirmed="on"),
        )

        assert response.status_code == 302
        assert response.url == round_url(decided_round)
        decided_round.refresh_from_db()
        assert decided_round.decisions_approved_at is not None

    def test_refused_while_an_application_is_undecided(self, manager, decided_round):
        undecided = scored(decided_round, 1)

        response = manager.post(ROUNDS, approve_data(decided_round, confirmed="on"))

        assert response.status_code == 302
        assert undecided.reference in " ".join(messages_of(response))
        decided_round.refresh_from_db()
        assert decided_round.decisions_approved_at is None

    def test_an_assessor_cannot_approve(self, assessor_client, decided_round):
        response = assessor_client.post(ROUNDS, approve_data(decided_round, confirmed="on"))

        assert response.status_code == 403
        decided_round.refresh_from_db()
        assert decided_round.decisions_approved_at is None

    def test_the_round_page_offers_the_approval(self, manager, decided_round):
        response = manager.get(round_url(decided_round))

        assert "Record ministerial approval of the decisions…" in response.text

    def test_once_approved_the_announcement_time_is_locked(self, manager, decided_round):
        Round.objects.filter(pk=decided_round.pk).update(decisions_approved_at=timezone.now())

        page = manager.get(round_url(decided_round))

        assert page.status_code == 200
        assert 'name="decisions_announced_at' not in page.text
        assert "Record ministerial approval" not in page.text
        assert "the decisions and the announcement time are locked" in page.text

    def test_once_approved_a_new_announcement_time_is_ignored(self, manager, decided_round):
        Round.objects.filter(pk=decided_round.pk).update(decisions_approved_at=timezone.now())
        announced = decided_round.decisions_announced_at

        response = manager.post(
            round_url(decided_round),
            locked_round_data(decided_round, decisions_announced_at=announced + timedelta(days=7)),
        )

        assert response.status_code == 302, errors_of(response)
        decided_round.refresh_from_db()
        assert decided_round.decisions_announced_at == announced

    def test_once_approved_a_close_after_the_announcement_is_a_form_error(
        self, manager, decided_round
    ):
        """The locked announcement time still bounds the close: an error, not a crash."""
        Round.objects.filter(pk=decided_round.pk).update(decisions_approved_at=timezone.now())
        close = decided_round.applications_close_at

        response = manager.post(
            round_url(decided_round),
            locked_round_data(
                decided_round,
                applications_close_at=decided_round.decisions_announced_at + timedelta(days=1),
            ),
        )

        assert errors_of(response)["applications_close_at"] == [
            "Applications must close before the decisions are announced: the announcement "
            "time is locked, since the decisions are approved."
        ]
        decided_round.refresh_from_db()
        assert decided_round.applications_close_at == close

    def test_once_approved_decisions_cannot_change(self, manager, decided_round):
        Round.objects.filter(pk=decided_round.pk).update(decisions_approved_at=timezone.now())
        application = decided_round.applications.order_by("pk").first()

        page = manager.get(decide_url(application))
        decide = manager.post(decide_url(application), {"outcome": "rejected", "feedback": "No."})
        recommend = manager.post(recommend_url(application), {"recommendation": "do_not_fund"})

        assert "can no longer change" in page.text
        assert 'name="outcome"' not in page.text
        assert decide.status_code == 200
        assert "so they can no longer change" in decide.text
        assert recommend.status_code == 200
        assert "can no longer change" in recommend.text
        assert Decision.objects.get(application=application).outcome == DecisionOutcome.APPROVED
