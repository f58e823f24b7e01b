"""Recommendations and decisions on each application in the admin (funding/admin/decisions.py),
which only fund managers write, and the round's award totals. The round's ranking and the
Minister's approval are tested in test_decisions_round.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Decision, DecisionOutcome, ModeratedScore, Phase, Recommendation
from funding.services.awards import award_offer_decline
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.funding.admin_support import (
    ROUNDS,
    approve_data,
    decide_url,
    decided_round,
    ranking_url,
    recommend_url,
    round_url,
    scored,
)
from tests.funding.factories import AwardFactory, DecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round():
    return decided_round()


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
