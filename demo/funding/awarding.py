"""Staff's part of the demo's rounds after applications close: assessors assigned and
scoring, moderation, recommendations and decisions, the Minister's approval and the
announcement that makes the awards; then each funded project's offer answered, its work
started and finished, its instalments paid, and its team's progress updates and outputs.

Every step goes through the Fund's services, with ``now`` set at a plausible time between
the round's close and its announcement, or after it. The award's planned dates and its
payment schedule have no service: staff write them in the admin, as the demo writes them
here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from funding.models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Award,
    AwardStatus,
    Criterion,
    DecisionOutcome,
    Instalment,
    Phase,
    Round,
)
from funding.services import assessment as assessment_services
from funding.services import assessment_moderation as moderation_services
from funding.services import assessment_scoring as scoring_services
from funding.services import awards as award_services
from funding.services import decisions as decision_services
from funding.services.assessment_moderation import ModerationValue
from funding.services.assessment_scoring import ScoreValue
from localdigital.accounts.models import User

from .outcomes import JUSTIFICATIONS, OUTCOMES, Outcome, Scores, Update
from .rounds import DEMO_DOMAIN, LONDON

if TYPE_CHECKING:
    from . import Bidders, Made

# Instalments of a discovery (two) and of a longer phase (three), as shares of the award.
DISCOVERY_SHARES = (Decimal("0.5"), None)
LONGER_SHARES = (Decimal("0.4"), Decimal("0.3"), None)


@dataclass(frozen=True)
class Staff:
    """The staff who run assessment: a fund manager, and the assessors they assign."""

    fund_manager: User
    assessors: Sequence[User]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour)).replace(tzinfo=LONDON)


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
        _award_follow(
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


def _award_follow(
    award: Award,
    outcome: Outcome,
    *,
    staff: Staff,
    bidders: Bidders,
    announced: datetime,
    made: Made,
) -> None:
    """Take the award from offered to where ``outcome`` leaves it, from ``announced``."""
    lead = award.application.lead_organisation
    admin = bidders.admin(lead)
    answered_at = announced + timedelta(days=7)
    if outcome.award == AwardStatus.DECLINED:
        award_services.award_offer_decline(
            award=award, declined_by=admin, reason=outcome.decline_reason, now=answered_at
        )
        return
    if outcome.award == AwardStatus.OFFERED:
        return
    award = award_services.award_offer_accept(award=award, accepted_by=admin, now=answered_at)
    starts_on = timezone.localdate(announced + timedelta(days=28), LONDON)
    ends_on = starts_on + timedelta(days=30 * outcome.months)
    award.planned_start_on, award.planned_end_on = starts_on, ends_on
    award.save(update_fields=["planned_start_on", "planned_end_on"])
    instalments = _instalments_schedule(award, starts_on=starts_on, ends_on=ends_on)
    if outcome.award == AwardStatus.ACCEPTED:
        return
    manager = staff.fund_manager
    award = award_services.award_start(award=award, started_by=manager, now=_at(starts_on, 9))
    paid = instalments if outcome.award == AwardStatus.COMPLETED else instalments[:-1]
    # Payments and updates in the order they happened; a payment first on the same day.
    events: list[tuple[datetime, Instalment | Update]] = [
        (_at(instalment.due_on, 11), instalment) for instalment in paid
    ]
    events += [
        (_at(starts_on + timedelta(days=update.after), 15), update) for update in outcome.updates
    ]
    for moment, item in sorted(events, key=lambda event: event[0]):
        if isinstance(item, Instalment):
            award_services.instalment_mark_paid(instalment=item, paid_by=manager, now=moment)
            continue
        award_services.progress_update_post(
            award=award,
            title=item.title,
            body=item.body,
            posted_by=_poster(award, by_partner=item.by_partner, bidders=bidders),
            now=moment,
        )
        made.updates += 1
    writer = bidders.writer(lead)
    for output in outcome.outputs:
        award_services.project_output_add(
            award=award,
            title=output.title,
            url=f"https://{lead.slug}.{DEMO_DOMAIN}/{output.path}",
            output_type=output.output_type,
            added_by=writer,
        )
        made.outputs += 1
    if outcome.award == AwardStatus.COMPLETED:
        award_services.award_complete(award=award, completed_by=manager, now=_at(ends_on, 16))


def _instalments_schedule(award: Award, *, starts_on: date, ends_on: date) -> list[Instalment]:
    """Schedule the award's payments, as staff do in the admin: half at the start and half
    at the end of a discovery; 40%, 30% and 30% over a longer phase."""
    discovery = award.application.phase == Phase.DISCOVERY
    shares = DISCOVERY_SHARES if discovery else LONGER_SHARES
    step = (ends_on - starts_on) / (len(shares) - 1)
    left = award.amount
    instalments = []
    for place, share in enumerate(shares):
        amount = left if share is None else (award.amount * share).quantize(Decimal(1))
        left -= amount
        instalments.append(
            Instalment.objects.create(award=award, due_on=starts_on + step * place, amount=amount)
        )
    return instalments


def _poster(award: Award, *, by_partner: bool, bidders: Bidders) -> User:
    """Return who posts an update: the lead's writer, or a partner's when ``by_partner``."""
    if by_partner:
        partner = award.application.partners.select_related("organisation").order_by("pk").first()
        if partner is not None:
            return bidders.writer(partner.organisation)
    return bidders.writer(award.application.lead_organisation)


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
