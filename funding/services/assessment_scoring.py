"""Scoring an application: declaring a conflict, saving scores and submitting an assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from ..errors import FundingError, NotPermitted, TransitionNotAllowed
from ..models import (
    Application,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
)
from .common import person_name


@dataclass(frozen=True)
class ScoreValue:
    """One criterion's score and justification, as a form gives it."""

    score: int | None
    justification: str


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
