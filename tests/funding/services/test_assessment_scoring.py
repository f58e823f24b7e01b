"""An assessor's conflicts of interest and scores (funding/services/assessment_scoring.py), and
the lock that keeps one assessor's scores their own."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import AssessmentStatus, CriterionScore
from funding.services import assessment_scoring as scoring_services
from funding.services.assessment_scoring import ScoreValue
from localdigital.mail.models import OutgoingEmail
from tests.funding.factories import AssessmentFactory, CriterionFactory
from tests.funding.support import assessor, round_with_criteria, submitted
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db


class TestConflict:
    def test_a_declared_conflict_needs_a_note_and_tells_whoever_assigned_it(self, fund_manager):
        assessment = AssessmentFactory(assigned_by=fund_manager)

        with pytest.raises(FundingError, match="Say what"):
            scoring_services.assessment_conflict_declare(
                assessment=assessment, has_conflict=True, note=" ", declared_by=assessment.assessor
            )
        scoring_services.assessment_conflict_declare(
            assessment=assessment,
            has_conflict=True,
            note="I wrote part of this bid.",
            declared_by=assessment.assessor,
        )

        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.CONFLICTED
        email = OutgoingEmail.objects.get(recipient=fund_manager.email)
        assert "I wrote part of this bid." in email.body_text

    def test_no_conflict_opens_scoring_once_and_only_for_the_assessor(self):
        assessment = AssessmentFactory()

        with pytest.raises(NotPermitted):
            scoring_services.assessment_conflict_declare(
                assessment=assessment, has_conflict=False, declared_by=assessor()
            )
        scoring_services.assessment_conflict_declare(
            assessment=assessment, has_conflict=False, declared_by=assessment.assessor
        )
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SCORING
        with pytest.raises(TransitionNotAllowed):
            scoring_services.assessment_conflict_declare(
                assessment=assessment, has_conflict=True, note="x", declared_by=assessment.assessor
            )


class TestScoring:
    def setup_assessment(self):
        round = round_with_criteria()
        assessment = AssessmentFactory(application=submitted(round), scoring=True)
        need, reuse = round.criteria.order_by("position")
        return assessment, need, reuse

    def test_saves_a_draft_then_submits_and_locks(self):
        assessment, need, reuse = self.setup_assessment()
        person = assessment.assessor

        scoring_services.assessment_scores_save(
            assessment=assessment,
            scores={need.pk: ScoreValue(3, "Strong research.")},
            saved_by=person,
        )
        with pytest.raises(FundingError, match="Score every criterion"):
            scoring_services.assessment_submit(assessment=assessment, submitted_by=person)
        scoring_services.assessment_scores_save(
            assessment=assessment,
            scores={reuse.pk: ScoreValue(2, "Some reuse.")},
            saved_by=person,
        )
        scoring_services.assessment_submit(assessment=assessment, submitted_by=person)

        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SUBMITTED
        with pytest.raises(TransitionNotAllowed, match="no longer change"):
            scoring_services.assessment_scores_save(
                assessment=assessment, scores={need.pk: ScoreValue(0, "Changed")}, saved_by=person
            )
        assert CriterionScore.objects.get(assessment=assessment, criterion=need).score == 3

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (ScoreValue(5, "Too high"), "from 0 to 4"),
            (ScoreValue(3, "  "), "Justify the score"),
            (ScoreValue(None, "A reason without a score"), "Give a score"),
        ],
    )
    def test_refuses_a_score_off_the_scale_or_without_justification(self, value, message):
        assessment, need, _ = self.setup_assessment()

        with pytest.raises(FundingError, match=message):
            scoring_services.assessment_scores_save(
                assessment=assessment, scores={need.pk: value}, saved_by=assessment.assessor
            )
        assert not CriterionScore.objects.exists()

    def test_refuses_before_the_conflict_declaration_and_for_someone_else(self):
        assessment = AssessmentFactory(application=submitted(round_with_criteria()))
        criterion = assessment.application.round.criteria.first()

        with pytest.raises(TransitionNotAllowed, match="conflict of interest"):
            scoring_services.assessment_scores_save(
                assessment=assessment,
                scores={criterion.pk: ScoreValue(2, "x")},
                saved_by=assessment.assessor,
            )
        with pytest.raises(NotPermitted):
            scoring_services.assessment_submit(assessment=assessment, submitted_by=assessor())

    def test_refuses_a_criterion_of_another_round(self):
        assessment, _, _ = self.setup_assessment()
        other = CriterionFactory()

        with pytest.raises(FundingError, match="another round"):
            scoring_services.assessment_scores_save(
                assessment=assessment,
                scores={other.pk: ScoreValue(1, "x")},
                saved_by=assessment.assessor,
            )

    def test_writes_nothing_when_the_audit_fails(self, monkeypatch):
        assessment, need, reuse = self.setup_assessment()
        for criterion in (need, reuse):
            CriterionScore.objects.create(
                assessment=assessment, criterion=criterion, score=2, justification="Fine."
            )

        audit_break(monkeypatch, scoring_services)
        with pytest.raises(IntegrityError):
            scoring_services.assessment_submit(
                assessment=assessment, submitted_by=assessment.assessor
            )
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SCORING
