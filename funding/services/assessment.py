"""Writes about assessment: assigning assessors, declaring conflicts, scoring and submitting
assessments, moderating scores and recommending, and the reminders of due dates.

Assessors see only the applications of their assessments that are not conflicted; every
service here checks who is acting, whatever screen called it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from declaration import selectors as declaration_selectors
from localdigital.accounts import groups
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail.services import email_queue
from localdigital.queueing import enqueue

from .. import formats
from ..errors import FundingError, NotPermitted, TransitionNotAllowed
from ..models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Decision,
    ModeratedScore,
    Recommendation,
)
from .common import person_name

logger = logging.getLogger(__name__)

# The Postgres advisory lock that keeps two runs of the assessment reminders apart.
REMINDER_LOCK = lock_register("funding.assessment_reminders")
# Assessors are reminded this many days before an assessment is due.
REMIND_DAYS_BEFORE = 2


@dataclass(frozen=True)
class ScoreValue:
    """One criterion's score and justification, as a form gives it."""

    score: int | None
    justification: str


@dataclass
class AssignResult:
    """What ``assessors_assign`` did: the assessments made, and applications it could not
    fill (with why)."""

    made: list[Assessment] = field(default_factory=list)
    short: dict[str, str] = field(default_factory=dict)


def is_assessor(user: User) -> bool:
    """Return whether ``user`` is staff in the Assessor group (or a superuser)."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=groups.ASSESSOR).exists())
    )


def is_fund_manager(user: User) -> bool:
    """Return whether ``user`` is staff in the Fund manager group (or a superuser)."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=groups.FUND_MANAGER).exists())
    )


def _require_fund_manager(user: User, action: str) -> None:
    if not is_fund_manager(user):
        raise NotPermitted(f"Only fund managers can {action}.")


def _participant_ids(application: Application) -> set[int]:
    return {
        application.lead_organisation_id,
        *ApplicationPartner.objects.filter(application=application).values_list(
            "organisation_id", flat=True
        ),
    }


def assessors_assign(
    *,
    applications: Iterable[Application],
    assessors: Sequence[User],
    due_on: date,
    assigned_by: User,
    now: datetime | None = None,
) -> AssignResult:
    """Give each submitted application assessors from ``assessors`` until it has the round's
    number, with the due date; the least busy assessors first.

    An assessor already assigned to an application (or who declared a conflict with it) is
    not assigned again; neither is a member of an organisation in the bid. An application
    that cannot be given enough is named in the result, with why. Each assessor is emailed
    the applications they were given.
    """
    now = now or timezone.now()
    _require_fund_manager(assigned_by, "assign assessors")
    pool = [user for user in assessors if is_assessor(user)]
    not_assessors = [person_name(user) for user in assessors if user not in pool]
    if not_assessors:
        raise FundingError(
            f"Only members of the Assessor group can assess: {', '.join(not_assessors)} are not."
        )
    if due_on < timezone.localdate(now):
        raise FundingError("The due date is in the past.")
    result = AssignResult()
    with transaction.atomic():
        locked = list(
            Application.objects.select_for_update(of=("self",))
            .filter(pk__in=[application.pk for application in applications])
            .select_related("round")
            .order_by("pk")
        )
        load = Counter(
            Assessment.objects.filter(
                assessor__in=pool, status__in=[AssessmentStatus.ASSIGNED, AssessmentStatus.SCORING]
            ).values_list("assessor_id", flat=True)
        )
        for application in locked:
            if application.status != ApplicationStatus.SUBMITTED:
                result.short[application.reference] = "it is not submitted"
                continue
            existing = list(Assessment.objects.filter(application=application))
            taken = {assessment.assessor_id for assessment in existing}
            active = sum(a.status != AssessmentStatus.CONFLICTED for a in existing)
            wanted = application.round.assessors_per_application - active
            if wanted <= 0:
                continue
            participants = _participant_ids(application)
            members = set(
                declaration_selectors.organisation_member_users(
                    organisation_ids=participants
                ).values_list("pk", flat=True)
            )
            candidates = sorted(
                (u for u in pool if u.pk not in taken and u.pk not in members),
                key=lambda u: (load[u.pk], u.email),
            )
            chosen = candidates[:wanted]
            for assessor in chosen:
                assessment = Assessment.objects.create(
                    application=application,
                    assessor=assessor,
                    due_on=due_on,
                    assigned_by=assigned_by,
                    assigned_at=now,
                )
                load[assessor.pk] += 1
                result.made.append(assessment)
            if len(chosen) < wanted:
                result.short[application.reference] = (
                    f"it needs {wanted} more assessor{'s' if wanted != 1 else ''} and only "
                    f"{len(chosen)} of those chosen could take it (not assigned already, "
                    "no conflict, not in an organisation of the bid)"
                )
        for assessment in result.made:
            audit_record(
                actor=assigned_by,
                verb="funding.assessment.assigned",
                target=assessment,
                data={
                    "application": assessment.application.reference,
                    "assessor": assessment.assessor.email,
                    "due_on": due_on,
                },
            )
        by_assessor: dict[int, list[Assessment]] = {}
        for assessment in result.made:
            by_assessor.setdefault(assessment.assessor_id, []).append(assessment)
        for assessments in by_assessor.values():
            assessor = assessments[0].assessor
            email_queue(
                to=assessor.email,
                subject=(
                    f"You have {len(assessments)} application"
                    f"{'s' if len(assessments) != 1 else ''} to assess, due "
                    f"{formats.day_of(due_on)}"
                ),
                body=render_to_string(
                    "funding/email/assessment_assigned.txt",
                    {
                        "assessor": assessor,
                        "assessments": assessments,
                        "due_on": formats.day_of(due_on),
                        "list_url": absolute_url("admin:funding_assessment_changelist"),
                    },
                ),
                idempotency_key="funding.assessment.assigned."
                + ".".join(str(a.pk) for a in assessments),
            )
    return result


def _lock_own(assessment: Assessment, user: User) -> Assessment:
    """Lock the assessment and return it afresh, if ``user`` is its assessor."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("application__round", "assessor", "assigned_by")
        .get(pk=assessment.pk)
    )
    if locked.assessor_id != user.pk:
        raise NotPermitted("Only the assessor it is assigned to can do this.")
    return locked


def assessment_conflict_declare(
    *,
    assessment: Assessment,
    has_conflict: bool,
    note: str = "",
    declared_by: User,
    now: datetime | None = None,
) -> Assessment:
    """Record the assessor's declaration: assigned → conflicted, or assigned → scoring.

    A conflict needs a note saying what it is; the assessor loses access to the
    application, and the fund manager who assigned it is told, to assign someone else.
    """
    now = now or timezone.now()
    note = note.strip()
    if has_conflict and not note:
        raise FundingError("Say what the conflict of interest is.")
    with transaction.atomic():
        assessment = _lock_own(assessment, declared_by)
        if assessment.status != AssessmentStatus.ASSIGNED:
            raise TransitionNotAllowed("You have already declared whether you have a conflict.")
        assessment.status = (
            AssessmentStatus.CONFLICTED if has_conflict else AssessmentStatus.SCORING
        )
        assessment.conflict_declared_at = now
        assessment.conflict_note = note if has_conflict else ""
        assessment.save(
            update_fields=["status", "conflict_declared_at", "conflict_note", "updated_at"]
        )
        audit_record(
            actor=declared_by,
            verb=(
                "funding.assessment.conflict_declared"
                if has_conflict
                else "funding.assessment.no_conflict_declared"
            ),
            target=assessment,
            data={"note": note} if has_conflict else {},
        )
        if has_conflict and assessment.assigned_by is not None:
            application = assessment.application
            email_queue(
                to=assessment.assigned_by.email,
                subject=(
                    f"{person_name(declared_by)} has a conflict of interest with application "
                    f"{application.reference}"
                ),
                body=render_to_string(
                    "funding/email/assessment_conflict.txt",
                    {
                        "assessment": assessment,
                        "application": application,
                        "assessor": person_name(declared_by),
                        "application_url": absolute_url(
                            "admin:funding_application_change", application.pk
                        ),
                    },
                ),
                idempotency_key=f"funding.assessment.conflict.{assessment.pk}",
            )
    return assessment


def _criteria(assessment: Assessment) -> list[Criterion]:
    return list(assessment.application.round.criteria.order_by("position", "pk"))


def assessment_scores_save(
    *,
    assessment: Assessment,
    scores: Mapping[int, ScoreValue],
    saved_by: User,
) -> Assessment:
    """Keep a draft of the assessor's scores, by criterion id; a criterion left without a
    score is left unscored. Each score must be on the criterion's scale and carry a
    justification; ``FundingError`` names the first that does not."""
    with transaction.atomic():
        assessment = _lock_own(assessment, saved_by)
        if assessment.status == AssessmentStatus.SUBMITTED:
            raise TransitionNotAllowed("This assessment is submitted, so it can no longer change.")
        if assessment.status != AssessmentStatus.SCORING:
            raise TransitionNotAllowed(
                "Declare whether you have a conflict of interest before you score."
            )
        criteria = {criterion.pk: criterion for criterion in _criteria(assessment)}
        unknown = sorted(set(scores) - set(criteria))
        if unknown:
            raise FundingError("A score is for a criterion of another round.")
        for criterion_id, value in scores.items():
            criterion = criteria[criterion_id]
            justification = value.justification.strip()
            if value.score is None:
                if justification:
                    raise FundingError(f"Give a score for “{criterion.name}”, or no justification.")
                CriterionScore.objects.filter(assessment=assessment, criterion=criterion).delete()
                continue
            if not 0 <= value.score <= criterion.scale_max:
                raise FundingError(
                    f"The score for “{criterion.name}” must be from 0 to {criterion.scale_max}."
                )
            if not justification:
                raise FundingError(f"Justify the score for “{criterion.name}”.")
            CriterionScore.objects.update_or_create(
                assessment=assessment,
                criterion=criterion,
                defaults={"score": value.score, "justification": justification},
            )
        assessment.save(update_fields=["updated_at"])
    return assessment


def assessment_submit(
    *, assessment: Assessment, submitted_by: User, now: datetime | None = None
) -> Assessment:
    """Submit the assessment: scoring → submitted. Every criterion needs a score and a
    justification; once submitted, it is locked."""
    now = now or timezone.now()
    with transaction.atomic():
        assessment = _lock_own(assessment, submitted_by)
        if assessment.status != AssessmentStatus.SCORING:
            raise TransitionNotAllowed(
                "Only an assessment being scored can be submitted."
                if assessment.status != AssessmentStatus.SUBMITTED
                else "This assessment is already submitted."
            )
        scored = set(
            CriterionScore.objects.filter(assessment=assessment).values_list(
                "criterion_id", flat=True
            )
        )
        missing = [
            criterion.name for criterion in _criteria(assessment) if criterion.pk not in scored
        ]
        if missing:
            raise FundingError(f"Score every criterion before you submit: {', '.join(missing)}.")
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = now
        assessment.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=submitted_by,
            verb="funding.assessment.submitted",
            target=assessment,
            data={"application": assessment.application.reference},
        )
    return assessment


def assessments_are_complete(application: Application) -> bool:
    """Return whether the application has the round's number of submitted assessments and
    none still open."""
    statuses = list(
        Assessment.objects.filter(application=application).values_list("status", flat=True)
    )
    submitted = statuses.count(AssessmentStatus.SUBMITTED)
    still_open = sum(s in (AssessmentStatus.ASSIGNED, AssessmentStatus.SCORING) for s in statuses)
    return submitted >= application.round.assessors_per_application and not still_open


@dataclass(frozen=True)
class ModerationValue:
    score: int
    note: str


def application_moderate(
    *,
    application: Application,
    scores: Mapping[int, ModerationValue],
    moderated_by: User,
    now: datetime | None = None,
) -> list[ModeratedScore]:
    """Record the moderated score of every criterion, with a note, once all the
    application's assessments are in."""
    now = now or timezone.now()
    _require_fund_manager(moderated_by, "moderate scores")
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=application.pk)
        )
        if not assessments_are_complete(application):
            raise TransitionNotAllowed(
                f"Application {application.reference} does not have all its assessments yet."
            )
        criteria = list(application.round.criteria.order_by("position", "pk"))
        missing = [c.name for c in criteria if c.pk not in scores]
        if missing:
            raise FundingError(f"Give a moderated score for every criterion: {', '.join(missing)}.")
        moderated = []
        for criterion in criteria:
            value = scores[criterion.pk]
            if not 0 <= value.score <= criterion.scale_max:
                raise FundingError(
                    f"The score for “{criterion.name}” must be from 0 to {criterion.scale_max}."
                )
            row, _ = ModeratedScore.objects.update_or_create(
                application=application,
                criterion=criterion,
                defaults={
                    "score": value.score,
                    "note": value.note.strip(),
                    "moderated_by": moderated_by,
                    "moderated_at": now,
                },
            )
            moderated.append(row)
        audit_record(
            actor=moderated_by,
            verb="funding.application.moderated",
            target=application,
            data={str(row.criterion_id): row.score for row in moderated},
        )
    return moderated


def application_recommend(
    *,
    application: Application,
    recommendation: str,
    recommended_amount: Decimal | None,
    note: str = "",
    recommended_by: User,
    now: datetime | None = None,
) -> Decision:
    """Record the fund manager's recommendation for a submitted application, from the
    ranking: fund (with the amount), fund with conditions, or do not fund."""
    now = now or timezone.now()
    _require_fund_manager(recommended_by, "recommend")
    recommendation = Recommendation(recommendation)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=application.pk)
        )
        if application.status != ApplicationStatus.SUBMITTED:
            raise TransitionNotAllowed(f"Application {application.reference} is not submitted.")
        if application.round.decisions_approved_at is not None:
            raise TransitionNotAllowed(
                f"The decisions of {application.round.name} are approved, so its "
                "recommendations can no longer change."
            )
        if recommendation == Recommendation.DO_NOT_FUND:
            recommended_amount = None
        elif recommended_amount is None:
            raise FundingError("Give the amount you recommend.")
        elif application.requested_amount is not None and (
            recommended_amount > application.requested_amount
        ):
            raise FundingError(
                "The amount recommended cannot be more than the amount requested, "
                f"{formats.money(application.requested_amount)}."
            )
        decision, _ = Decision.objects.select_for_update().get_or_create(application=application)
        decision.recommendation = recommendation
        decision.recommended_amount = recommended_amount
        decision.recommendation_note = note.strip()
        decision.recommended_at = now
        decision.recommended_by = recommended_by
        decision.save(
            update_fields=[
                "recommendation",
                "recommended_amount",
                "recommendation_note",
                "recommended_at",
                "recommended_by",
            ]
        )
        audit_record(
            actor=recommended_by,
            verb="funding.application.recommended",
            target=application,
            data={"recommendation": recommendation, "amount": recommended_amount},
        )
    return decision


def assessment_reminders_queue(*, now: datetime) -> list[int] | None:
    """Find the open assessments to remind of their due date, and those overdue to tell the
    fund managers of, and queue a task for each after commit; return their ids.

    An assessor is reminded once, when the due date is 2 days away or less; fund managers
    are told once, the day after it passed. Only what fell due within
    ``DECLARATION_REMINDER_WINDOW_DAYS`` (7 unless set) is acted on, so nothing is
    backfilled. An advisory lock keeps two runs apart (None while another holds it).
    """
    from django.conf import settings

    today = timezone.localdate(now)
    window = timedelta(days=max(settings.DECLARATION_REMINDER_WINDOW_DAYS, 1))
    with advisory_lock(REMINDER_LOCK) as locked:
        if not locked:
            return None
        open_statuses = [AssessmentStatus.ASSIGNED, AssessmentStatus.SCORING]
        due_soon = Q(
            reminded_at__isnull=True,
            due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
            due_on__gte=today,
        )
        overdue = Q(overdue_notified_at__isnull=True, due_on__lt=today, due_on__gte=today - window)
        ids = list(
            Assessment.objects.filter(status__in=open_statuses)
            .filter(due_soon | overdue)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            transaction.on_commit(partial(_reminders_send_later, ids, now.isoformat()))
    return ids


def _reminders_send_later(ids: Sequence[int], run_at: str) -> None:
    """Queue one task per assessment. With the broker down, the next run queues them again."""
    from ..tasks import send_assessment_reminder

    for assessment_id in ids:
        if not enqueue(send_assessment_reminder, assessment_id, run_at):
            return


def assessment_reminder_send(*, assessment_id: int, now: datetime) -> str:
    """Remind the assessor of a due date 2 days away or less, or tell the fund managers of
    an overdue assessment; each once, guarded by the row. Return what was sent: "reminded",
    "overdue" or ""."""
    from django.conf import settings

    today = timezone.localdate(now)
    window = timedelta(days=max(settings.DECLARATION_REMINDER_WINDOW_DAYS, 1))
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("application__round", "assessor", "assigned_by")
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None or not assessment.is_open:
            return ""
        application = assessment.application
        context = {
            "assessment": assessment,
            "application": application,
            "assessor": person_name(assessment.assessor),
            "due_on": formats.day_of(assessment.due_on),
            "list_url": absolute_url("admin:funding_assessment_changelist"),
            "application_url": absolute_url("admin:funding_application_change", application.pk),
        }
        if today - window <= assessment.due_on < today and assessment.overdue_notified_at is None:
            recipients = _fund_manager_emails(assessment)
            for email in recipients:
                email_queue(
                    to=email,
                    subject=(
                        f"Assessment of {application.reference} by "
                        f"{person_name(assessment.assessor)} is overdue"
                    ),
                    body=render_to_string("funding/email/assessment_overdue.txt", context),
                    idempotency_key=f"funding.assessment.overdue.{assessment.pk}.{email.lower()}",
                )
            assessment.overdue_notified_at = now
            assessment.save(update_fields=["overdue_notified_at"])
            return "overdue"
        if (
            today <= assessment.due_on <= today + timedelta(days=REMIND_DAYS_BEFORE)
            and assessment.reminded_at is None
        ):
            email_queue(
                to=assessment.assessor.email,
                subject=(
                    f"Reminder: your assessment of {application.reference} is due "
                    f"{formats.day_of(assessment.due_on)}"
                ),
                body=render_to_string("funding/email/assessment_reminder.txt", context),
                idempotency_key=f"funding.assessment.reminder.{assessment.pk}",
            )
            assessment.reminded_at = now
            assessment.save(update_fields=["reminded_at"])
            return "reminded"
    return ""


def _fund_manager_emails(assessment: Assessment) -> list[str]:
    """Return who to tell of an overdue assessment: whoever assigned it, or every fund
    manager when nobody did."""
    if assessment.assigned_by is not None and assessment.assigned_by.is_active:
        return [assessment.assigned_by.email]
    return sorted(
        User.objects.filter(
            is_active=True, is_staff=True, groups__name=groups.FUND_MANAGER
        ).values_list("email", flat=True)
    )
