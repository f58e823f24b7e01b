"""Staff's part of the demo's rounds after applications close: assessors assigned and
scoring, moderation, recommendations and decisions, the Minister's approval and the
announcement that makes the awards, each of which ``projects`` then follows.

Every step goes through the Fund's services, with ``now`` set at a plausible time between
the round's close and its announcement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from funding.models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Award,
    Criterion,
    DecisionOutcome,
    Round,
)
from funding.services import assessment as assessment_services
from funding.services import assessment_moderation as moderation_services
from funding.services import assessment_scoring as scoring_services
from funding.services import decisions as decision_services
from funding.services.assessment_moderation import ModerationValue
from funding.services.assessment_scoring import ScoreValue
from localdigital.accounts.models import User

from .outcomes import JUSTIFICATIONS, OUTCOMES, Outcome, Scores
from .projects import award_follow
from .rounds import LONDON

if TYPE_CHECKING:
    from . import Bidders, Made


@dataclass(frozen=True)
class Staff:
    """The staff who run assessment: a fund manager, and the assessors they assign."""

    fund_manager: User
    assessors: Sequence[User]


def round_decide(round: Round, *, staff: Staff, bidders: Bidders, made: Made) -> None:
    """Assess and decide a round that is over, as staff did between its close and its
    announcement; announce it, and take each award to where its outcome says."""
    submitted = list(
        round.applications.filter(status=ApplicationStatus.SUBMITTED).order_by("reference")
    )
    if not submitted or round.decisions_announced_at is None:
        return
    close, announced = round.applications_close_at, round.decisions_announced_at
    span = announced - close

    def at(share: float) -> datetime:
        return close + span * share

    manager = staff.fund_manager
    result = assessment_services.assessors_assign(
        applications=submitted,
        assessors=staff.assessors,
        due_on=timezone.localdate(at(0.5), LONDON),
        assigned_by=manager,
        now=at(0.05),
    )
    if result.short:
        raise ValueError(f"{round.name}'s applications could not all be assigned: {result.short}")
    made.assessments += len(result.made)
    criteria = list(round.criteria.order_by("position", "pk"))
    outcomes = {application.pk: _outcome(application) for application in submitted}
    turn = {assessor.pk: place for place, assessor in enumerate(staff.assessors)}
    for index, assessment in enumerate(result.made):
        scores = outcomes[assessment.application_id].scores[turn[assessment.assessor_id] % 2]
        _assess(
            assessment,
            criteria=criteria,
            scores=scores,
            at=at(0.1) + timedelta(hours=index * 3),
            submit_at=at(0.4) + timedelta(hours=index * 3),
        )
    for index, application in enumerate(submitted):
        outcome = outcomes[application.pk]
        first, second = outcome.scores
        moderation_services.application_moderate(
            application=application,
            scores={
                criterion.pk: _moderated(criterion.name, a, b)
                for criterion, a, b in zip(criteria, first, second, strict=True)
            },
            moderated_by=manager,
            now=at(0.55) + timedelta(minutes=20 * index),
        )
        amount = _amount(application, outcome)
        moderation_services.application_recommend(
            application=application,
            recommendation=outcome.recommendation,
            recommended_amount=amount,
            note=outcome.conditions or outcome.feedback,
            recommended_by=manager,
            now=at(0.6) + timedelta(minutes=20 * index),
        )
        decision_services.application_decide(
            application=application,
            outcome=outcome.outcome,
            award_amount=amount,
            conditions=outcome.conditions,
            feedback=outcome.feedback,
            decided_by=manager,
            now=at(0.7) + timedelta(minutes=20 * index),
        )
        made.decisions += 1
    decision_services.round_decisions_approve(round=round, approved_by=manager, now=at(0.85))
    decision_services.round_decisions_announce(round_id=round.pk, now=announced)
    awards = Award.objects.filter(application__round=round).select_related(
        "application__lead_organisation"
    )
    for index, award in enumerate(awards.order_by("application__reference")):
        made.awards += 1
        award_follow(
            award,
            outcomes[award.application_id],
            staff=staff,
            bidders=bidders,
            announced=announced + timedelta(hours=index * 5),
            made=made,
        )


def _outcome(application: Application) -> Outcome:
    """Return the outcome the demo gives ``application``: by its title, or a plain
    approval for one it has no words for."""
    return OUTCOMES.get(application.title) or Outcome(scores=((3, 3, 3, 3, 3), (3, 3, 3, 3, 3)))


def _amount(application: Application, outcome: Outcome) -> Decimal | None:
    if outcome.outcome != DecisionOutcome.APPROVED:
        return None
    if outcome.amount is not None:
        return Decimal(outcome.amount)
    return application.requested_amount


def _assess(
    assessment: Assessment,
    *,
    criteria: Sequence[Criterion],
    scores: Scores,
    at: datetime,
    submit_at: datetime,
) -> None:
    """Declare no conflict, score every criterion with a justification, and submit."""
    assessor = assessment.assessor
    assessment = scoring_services.assessment_conflict_declare(
        assessment=assessment, has_conflict=False, declared_by=assessor, now=at
    )
    values = {}
    for criterion, score in zip(criteria, scores, strict=True):
        strong, weak = JUSTIFICATIONS[criterion.name]
        values[criterion.pk] = ScoreValue(score=score, justification=strong if score >= 3 else weak)
    scoring_services.assessment_scores_save(assessment=assessment, scores=values, saved_by=assessor)
    scoring_services.assessment_submit(assessment=assessment, submitted_by=assessor, now=submit_at)


def _moderated(name: str, first: int, second: int) -> ModerationValue:
    """Return the moderated score of two assessors' scores: their mean, rounded up."""
    score = (first + second + 1) // 2
    if first == second:
        note = f"Both assessors gave {first}."
    elif abs(first - second) >= 2:
        note = (
            f"The assessors gave {min(first, second)} and {max(first, second)}; the panel "
            f"agreed {score} after discussing the evidence on {name.lower()}."
        )
    else:
        note = f"The assessors gave {first} and {second}; agreed at {score}."
    return ModerationValue(score=score, note=note)


def open_round_assign(round: Round, *, staff: Staff, now: datetime, made: Made) -> None:
    """In the round open now, give the first submitted application its assessors, who have
    not started; give the second its assessors, one of whom declares a conflict, for the
    fund manager to assign someone else; and leave the others for staff to assign."""
    submitted = list(
        round.applications.filter(status=ApplicationStatus.SUBMITTED).order_by("reference")
    )
    if len(submitted) < 2 or len(staff.assessors) < 2:
        return
    assigned_at = min(round.applications_open_at + timedelta(days=10), now)
    result = assessment_services.assessors_assign(
        applications=submitted[:2],
        assessors=staff.assessors,
        due_on=timezone.localdate(round.applications_close_at, LONDON) + timedelta(days=14),
        assigned_by=staff.fund_manager,
        now=assigned_at,
    )
    made.assessments += len(result.made)
    conflicted = next(
        (
            assessment
            for assessment in result.made
            if assessment.application_id == submitted[1].pk
            and assessment.assessor_id == staff.assessors[1].pk
            and assessment.status == AssessmentStatus.ASSIGNED
        ),
        None,
    )
    if conflicted is not None:
        lead = submitted[1].lead_organisation
        scoring_services.assessment_conflict_declare(
            assessment=conflicted,
            has_conflict=True,
            note=(f"I advised {lead.name} on this service last year, before I joined the panel."),
            declared_by=staff.assessors[1],
            now=min(assigned_at + timedelta(hours=3), now),
        )
