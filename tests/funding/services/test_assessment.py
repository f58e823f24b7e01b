"""Assessment: assigning assessors, conflicts, scoring and its lock, moderation,
recommendations, and the reminders of due dates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import (
    Assessment,
    AssessmentStatus,
    CriterionScore,
    ModeratedScore,
    Recommendation,
)
from funding.services import assessment as services
from funding.services import assessment_moderation as moderation_services
from funding.services import assessment_reminders as reminder_services
from funding.services import assessment_scoring as scoring_services
from funding.services.assessment_moderation import ModerationValue
from funding.services.assessment_scoring import ScoreValue
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AssessmentFactory,
    CriterionFactory,
    RoundFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def fund_manager():
    return UserFactory(staff=True, groups=["Fund manager"])


def assessor(**kwargs):
    return UserFactory(staff=True, groups=["Assessor"], **kwargs)


def round_with_criteria(**kwargs):
    round = RoundFactory(closed=True, **kwargs)
    CriterionFactory(round=round, name="User need", weight=60, scale_max=4)
    CriterionFactory(round=round, name="Reuse", weight=40, scale_max=4)
    return round


def submitted(round, **kwargs):
    return ApplicationFactory.create(round=round, submitted=True, **kwargs)


class TestAssign:
    def test_gives_each_application_the_rounds_number_of_assessors_least_busy_first(
        self, fund_manager
    ):
        round = round_with_criteria(assessors_per_application=2)
        applications = [submitted(round) for _ in range(3)]
        pool = [assessor(email=f"a{n}@communities.gov.uk") for n in range(3)]
        due = timezone.localdate() + 14 * DAY

        result = services.assessors_assign(
            applications=applications, assessors=pool, due_on=due, assigned_by=fund_manager
        )

        assert len(result.made) == 6 and not result.short
        for application in applications:
            assert application.assessments.count() == 2
        loads = sorted(Assessment.objects.filter(assessor=a).count() for a in pool)
        assert loads == [2, 2, 2]
        assert OutgoingEmail.objects.filter(recipient=pool[0].email).count() == 1

    def test_tops_up_without_repeating_anyone_and_skips_members_of_the_bid(self, fund_manager):
        round = round_with_criteria(assessors_per_application=2)
        application = submitted(round)
        partner = ApplicationPartnerFactory(application=application)
        existing = AssessmentFactory(application=application)
        conflicted = AssessmentFactory(application=application, conflicted=True)
        insider = assessor()
        member_of(partner.organisation, user=insider)
        fresh = assessor()

        result = services.assessors_assign(
            applications=[application],
            assessors=[existing.assessor, conflicted.assessor, insider, fresh],
            due_on=timezone.localdate() + DAY,
            assigned_by=fund_manager,
        )

        assert [a.assessor for a in result.made] == [fresh]
        assert not result.short

    def test_names_an_application_it_cannot_fill(self, fund_manager):
        round = round_with_criteria(assessors_per_application=3)
        application = submitted(round)

        result = services.assessors_assign(
            applications=[application],
            assessors=[assessor()],
            due_on=timezone.localdate() + DAY,
            assigned_by=fund_manager,
        )

        assert application.reference in result.short
        assert "needs 3 more" in result.short[application.reference]

    def test_refuses_someone_not_an_assessor_a_past_date_and_a_non_fund_manager(self, fund_manager):
        application = submitted(round_with_criteria())
        due = timezone.localdate() + DAY

        with pytest.raises(FundingError, match="Assessor group"):
            services.assessors_assign(
                applications=[application],
                assessors=[UserFactory(staff=True)],
                due_on=due,
                assigned_by=fund_manager,
            )
        with pytest.raises(FundingError, match="in the past"):
            services.assessors_assign(
                applications=[application],
                assessors=[assessor()],
                due_on=timezone.localdate() - DAY,
                assigned_by=fund_manager,
            )
        with pytest.raises(NotPermitted):
            services.assessors_assign(
                applications=[application],
                assessors=[assessor()],
                due_on=due,
                assigned_by=assessor(),
            )
        assert not Assessment.objects.exists()

    def test_leaves_drafts_unassigned(self, fund_manager):
        draft = ApplicationFactory(round=round_with_criteria())

        result = services.assessors_assign(
            applications=[draft],
            assessors=[assessor()],
            due_on=timezone.localdate() + DAY,
            assigned_by=fund_manager,
        )

        assert result.short == {draft.reference: "it is not submitted"}


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

        def fail(**kwargs):
            raise IntegrityError("audit log unavailable")

        monkeypatch.setattr(scoring_services, "audit_record", fail)
        with pytest.raises(IntegrityError):
            scoring_services.assessment_submit(
                assessment=assessment, submitted_by=assessment.assessor
            )
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SCORING


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


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the beat job as at a time, and the tasks it queues once it commits."""

    def run(at):
        with django_capture_on_commit_callbacks(execute=True):
            return reminder_services.assessment_reminders_queue(now=at)

    return run


class TestReminders:
    def test_reminds_an_assessor_once_two_days_before_and_tells_the_assigner_once_when_overdue(
        self, fund_manager, remind
    ):
        now = timezone.now()
        today = timezone.localdate(now)
        assessment = AssessmentFactory(due_on=today + 2 * DAY, assigned_by=fund_manager)

        assert remind(now) == [assessment.pk]
        assert remind(now) == []
        reminders = OutgoingEmail.objects.filter(recipient=assessment.assessor.email)
        assert reminders.count() == 1
        assert "is due" in reminders.get().subject

        later = now + 3 * DAY
        assert remind(later) == [assessment.pk]
        remind(later)
        overdue = OutgoingEmail.objects.filter(recipient=fund_manager.email)
        assert overdue.count() == 1
        assert "overdue" in overdue.get().subject
        assert reminders.count() == 1

    def test_sends_nothing_for_a_submitted_assessment_or_long_overdue_history(self, remind):
        now = timezone.now()
        today = timezone.localdate(now)
        AssessmentFactory(due_on=today + DAY, submitted=True)
        AssessmentFactory(due_on=today - 30 * DAY)

        assert remind(now) == []
        assert not OutgoingEmail.objects.exists()

    def test_does_not_remind_early(self, remind):
        now = timezone.now()
        AssessmentFactory(due_on=timezone.localdate(now) + 3 * DAY)

        assert remind(now) == []
