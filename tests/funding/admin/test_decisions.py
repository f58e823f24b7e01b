"""Recommendations and decisions in the admin: a round's ranking and its CSV, the
recommendation and decision on each application, and the record of the Minister's approval,
which locks the decisions and the announcement time. Only fund managers do any of it."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Decision, DecisionOutcome, ModeratedScore, Phase, Recommendation, Round
from funding.services.awards import award_offer_decline
from localdigital.admin_actions import object_action_url
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.funding.admin_support import errors_of, round_data
from tests.funding.factories import (
    ApplicationFactory,
    AssessmentFactory,
    AwardFactory,
    CriterionFactory,
    DecisionFactory,
    RoundFactory,
)
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db

ROUNDS = reverse("admin:funding_round_changelist")


def ranking_url(round) -> str:
    return reverse("admin:funding_round_ranking", args=[round.pk])


def csv_url(round) -> str:
    return reverse("admin:funding_round_ranking_csv", args=[round.pk])


def recommend_url(application) -> str:
    return reverse("admin:funding_application_recommend", args=[application.pk])


def decide_url(application) -> str:
    return reverse("admin:funding_application_decide", args=[application.pk])


def round_url(round) -> str:
    return reverse("admin:funding_round_change", args=[round.pk])


@pytest.fixture
def manager(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))


@pytest.fixture
def assessor_client(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, groups=["Assessor"]))


@pytest.fixture
def round():
    """A closed round with a £200,000 budget, one criterion (weight 100, 0 to 4) and a
    discovery cap of £80,000."""
    round = RoundFactory(closed=True, budget=Decimal(200000), assessors_per_application=1)
    CriterionFactory(round=round, name="Overall", weight=100, scale_max=4)
    return round


def scored(round, score: int, *, moderated: int | None = None, **kwargs):
    """Return a submitted application of the round with one submitted assessment scoring
    ``score`` of 4, and moderated to ``moderated`` if given."""
    application = ApplicationFactory.create(round=round, submitted=True, **kwargs)
    (criterion,) = round.criteria.all()
    AssessmentFactory(application=application, submitted=True, scores={criterion: score})
    if moderated is not None:
        ModeratedScore.objects.create(application=application, criterion=criterion, score=moderated)
    return application


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


class TestRecommending:
    def test_records_a_recommendation_and_returns_to_the_ranking(self, manager, round):
        application = scored(round, 3)

        response = manager.post(
            recommend_url(application),
            {"recommendation": "conditions", "recommended_amount": "50000", "note": "Fund it."},
        )

        assert response.status_code == 302
        assert response.url.startswith(ranking_url(round))
        decision = Decision.objects.get(application=application)
        assert decision.recommendation == Recommendation.FUND_WITH_CONDITIONS
        assert decision.recommended_amount == Decimal(50000)
        assert decision.recommendation_note == "Fund it."

    def test_funding_needs_an_amount(self, manager, round):
        application = scored(round, 3)

        response = manager.post(
            recommend_url(application), {"recommendation": "fund", "recommended_amount": ""}
        )

        assert response.status_code == 200
        assert "Give the amount you recommend." in response.text
        assert not Decision.objects.exists()

    def test_more_than_requested_is_refused_beside_the_amount(self, manager, round):
        application = scored(round, 3)

        response = manager.post(
            recommend_url(application),
            {"recommendation": "fund", "recommended_amount": "60001", "note": "Kept"},
        )

        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["recommended_amount"] == [
            "The amount recommended cannot be more than the amount requested, £60,000."
        ]
        assert 'value="60001"' in response.text
        assert "Kept" in response.text

    def test_not_a_number_is_an_error(self, manager, round):
        application = scored(round, 3)

        response = manager.post(
            recommend_url(application), {"recommendation": "fund", "recommended_amount": "lots"}
        )

        assert response.status_code == 200
        assert "Enter the amount in pounds" in response.text

    def test_refused_to_an_assessor(self, assessor_client, round):
        application = scored(round, 3)

        get = assessor_client.get(recommend_url(application))
        post = assessor_client.post(
            recommend_url(application), {"recommendation": "fund", "recommended_amount": "1"}
        )

        assert (get.status_code, post.status_code) == (403, 403)
        assert not Decision.objects.exists()


class TestDeciding:
    def test_approves_with_an_amount_and_conditions(self, manager, round):
        application = scored(round, 3)

        response = manager.post(
            decide_url(application),
            {"outcome": "approved", "award_amount": "55000", "conditions": "Share the code."},
        )

        assert response.status_code == 302
        decision = Decision.objects.get(application=application)
        assert (decision.outcome, decision.award_amount, decision.conditions) == (
            DecisionOutcome.APPROVED,
            Decimal(55000),
            "Share the code.",
        )

    def test_the_page_starts_from_the_recommendation(self, manager, round):
        application = scored(round, 3)
        DecisionFactory(
            application=application,
            outcome="",
            award_amount=None,
            decided_at=None,
            recommendation=Recommendation.FUND,
            recommended_amount=Decimal(45000),
        )

        response = manager.get(decide_url(application))

        assert response.status_code == 200
        assert response.context["form"].initial == {
            "outcome": DecisionOutcome.APPROVED,
            "award_amount": Decimal(45000),
        }

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            (
                {"outcome": "approved", "award_amount": "60001"},
                "award_amount",
                "The amount awarded cannot be more than the amount requested, £60,000.",
            ),
            (
                {"outcome": "approved", "award_amount": ""},
                "award_amount",
                "Give the amount awarded.",
            ),
            (
                {"outcome": "rejected", "feedback": "  "},
                "feedback",
                "Give feedback: the applicant is told why.",
            ),
            ({}, "outcome", "Choose approved or rejected."),
            ({"outcome": "maybe"}, "outcome", None),
        ],
        ids=["over requested", "no amount", "no feedback", "no outcome", "unknown outcome"],
    )
    def test_errors_are_shown_on_the_form(self, manager, round, data, field, message):
        application = scored(round, 3)

        response = manager.post(decide_url(application), data)

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert field in errors
        if message:
            assert errors[field] == [message]
            assert message.replace("'", "&#x27;") in response.text
        assert not Decision.objects.filter(outcome__in=DecisionOutcome.values).exists()

    def test_more_than_the_phase_cap_is_refused(self, manager, round):
        application = scored(round, 3, requested_amount=Decimal(100000), phase=Phase.DISCOVERY)

        response = manager.post(
            decide_url(application), {"outcome": "approved", "award_amount": "90000"}
        )

        assert response.status_code == 200
        assert response.context["form"].errors["award_amount"] == [
            "The amount awarded cannot be more than the cap for discovery projects, £80,000."
        ]
        assert 'value="90000"' in response.text

    def test_an_assessor_cannot_decide(self, otp_verified_client_for, round):
        """Even the application's own assessor, without the Fund manager group."""
        application = scored(round, 3)
        assessor = application.assessments.get().assessor
        client = otp_verified_client_for(assessor)

        get = client.get(decide_url(application))
        post = client.post(decide_url(application), {"outcome": "approved", "award_amount": "1"})

        assert (get.status_code, post.status_code) == (403, 403)
        assert not Decision.objects.exists()

    def test_the_application_page_links_to_the_decision(self, manager, round):
        application = scored(round, 3)

        response = manager.get(reverse("admin:funding_application_change", args=[application.pk]))

        assert decide_url(application) in response.text
        assert recommend_url(application) in response.text


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


def approve_data(round, **extra) -> dict:
    return {
        "action": "approve_decisions",
        "_selected_action": [round.pk],
        "index": 0,
        "confirm": "yes",
        **extra,
    }


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


class TestOnlyFundManagersWrite:
    @pytest.mark.parametrize("group", ["Assessor", "Training administrator", "Communications"])
    def test_other_staff_cannot_moderate_recommend_decide_or_approve(
        self, otp_verified_client_for, round, group
    ):
        """Each is refused (403) and nothing is written, whatever the group."""
        client = otp_verified_client_for(UserFactory(staff=True, groups=[group]))
        application = scored(round, 3)
        (criterion,) = round.criteria.all()
        moderate = reverse("admin:funding_application_moderate", args=[application.pk])

        statuses = [
            client.post(moderate, {f"score_{criterion.pk}": "2"}).status_code,
            client.post(
                recommend_url(application), {"recommendation": "fund", "recommended_amount": "1"}
            ).status_code,
            client.post(
                decide_url(application), {"outcome": "approved", "award_amount": "1"}
            ).status_code,
            client.post(ROUNDS, approve_data(round, confirmed="on")).status_code,
        ]

        assert statuses == [403, 403, 403, 403]
        assert not ModeratedScore.objects.exists()
        assert not Decision.objects.exists()
        round.refresh_from_db()
        assert round.decisions_approved_at is None


class TestRoundAwardTotals:
    def test_the_round_page_shows_what_is_awarded_and_a_declined_offer_goes_back(
        self, manager, round
    ):
        """A declined offer's amount returns to the round's unallocated total."""
        kept = AwardFactory(application__round=round, amount=Decimal(60000), accepted=True)
        offered = AwardFactory(application__round=round, amount=Decimal(50000))
        AwardFactory(amount=Decimal(90000))  # Another round's award counts nowhere here.
        lead_admin = MembershipFactory(
            organisation=offered.application.lead_organisation, admin=True
        ).user

        before = manager.get(round_url(round)).text
        award_offer_decline(award=offered, declined_by=lead_admin, reason="No team to run it.")
        after = manager.get(round_url(round)).text

        assert (
            "Awarded £110,000 in 2 awards of the £200,000 budget, leaving £90,000 unallocated."
        ) in before
        assert "declined offer" not in before
        assert (
            "Awarded £60,000 in 1 award of the £200,000 budget, leaving £140,000 unallocated. "
            "1 declined offer (£50,000) returned to the unallocated total."
        ) in after
        assert kept.amount == Decimal(60000)

    def test_over_budget_awards_say_so(self, manager, round):
        AwardFactory(application__round=round, amount=Decimal(250000))

        assert "£250,000 in 1 award of the £200,000 budget, £50,000 over budget." in (
            manager.get(round_url(round)).text
        )
