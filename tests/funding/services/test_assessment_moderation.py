"""Moderating an application's scores and recommending it
(funding/services/assessment_moderation.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import Assessment, AssessmentStatus, ModeratedScore, Recommendation
from funding.services import assessment_moderation as moderation_services
from funding.services.assessment_moderation import ModerationValue
from tests.funding.factories import AssessmentFactory
from tests.funding.support import assessor, round_with_criteria, submitted

pytestmark = pytest.mark.django_db


class TestModeration:
    def test_records_a_moderated_score_per_criterion_once_every_assessment_is_in(
        self, fund_manager
    ):
        round = round_with_criteria(assessors_per_application=2)
        application = submitted(round)
        first = AssessmentFactory(application=application, submitted=True)
        second = AssessmentFactory(application=application, scoring=True)
        need, reuse = round.criteria.order_by("position")
        scores = {need.pk: ModerationValue(3, "Agreed"), reuse.pk: ModerationValue(2, "")}

        with pytest.raises(TransitionNotAllowed, match="all its assessments"):
            moderation_services.application_moderate(
                application=application, scores=scores, moderated_by=fund_manager
            )
        Assessment.objects.filter(pk=second.pk).update(
            status=AssessmentStatus.SUBMITTED, submitted_at=timezone.now()
        )
        moderation_services.application_moderate(
            application=application, scores=scores, moderated_by=fund_manager
        )

        assert dict(
            ModeratedScore.objects.filter(application=application).values_list(
                "criterion_id", "score"
            )
        ) == {need.pk: 3, reuse.pk: 2}
        assert first.pk

    def test_a_conflicted_assessment_does_not_count_and_an_assessor_cannot_moderate(
        self, fund_manager
    ):
        round = round_with_criteria(assessors_per_application=1)
        application = submitted(round)
        AssessmentFactory(application=application, conflicted=True)
        AssessmentFactory(application=application, submitted=True)
        need, reuse = round.criteria.order_by("position")
        scores = {need.pk: ModerationValue(4, ""), reuse.pk: ModerationValue(4, "")}

        with pytest.raises(NotPermitted):
            moderation_services.application_moderate(
                application=application, scores=scores, moderated_by=assessor()
            )
        moderation_services.application_moderate(
            application=application, scores=scores, moderated_by=fund_manager
        )
        with pytest.raises(FundingError, match="every criterion"):
            moderation_services.application_moderate(
                application=application,
                scores={need.pk: ModerationValue(4, "")},
                moderated_by=fund_manager,
            )
        with pytest.raises(FundingError, match="from 0 to 4"):
            moderation_services.application_moderate(
                application=application,
                scores={need.pk: ModerationValue(9, ""), reuse.pk: ModerationValue(1, "")},
                moderated_by=fund_manager,
            )


class TestRecommend:
    def test_records_a_recommendation_with_an_amount(self, fund_manager):
        application = submitted(round_with_criteria())

        decision = moderation_services.application_recommend(
            application=application,
            recommendation=Recommendation.FUND_WITH_CONDITIONS,
            recommended_amount=Decimal(50000),
            note="Cut the alpha",
            recommended_by=fund_manager,
        )

        assert (decision.recommendation, decision.recommended_amount) == (
            Recommendation.FUND_WITH_CONDITIONS,
            Decimal(50000),
        )

    def test_refuses_more_than_requested_no_amount_and_after_approval(self, fund_manager):
        application = submitted(round_with_criteria())

        with pytest.raises(FundingError, match="more than the amount requested"):
            moderation_services.application_recommend(
                application=application,
                recommendation=Recommendation.FUND,
                recommended_amount=Decimal(60001),
                recommended_by=fund_manager,
            )
        with pytest.raises(FundingError, match="Give the amount"):
            moderation_services.application_recommend(
                application=application,
                recommendation=Recommendation.FUND,
                recommended_amount=None,
                recommended_by=fund_manager,
            )
        decision = moderation_services.application_recommend(
            application=application,
            recommendation=Recommendation.DO_NOT_FUND,
            recommended_amount=Decimal(5),
            recommended_by=fund_manager,
        )
        assert decision.recommended_amount is None
        round = application.round
        round.decisions_approved_at = timezone.now()
        round.save()
        with pytest.raises(TransitionNotAllowed, match="approved"):
            moderation_services.application_recommend(
                application=application,
                recommendation=Recommendation.FUND,
                recommended_amount=Decimal(1),
                recommended_by=fund_manager,
            )
