"""Moderating an assessed application and recommending it to the panel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from funding.services.assessment import _require_fund_manager
from funding.services.assessment_scoring import assessments_are_complete
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from .. import formats
from ..errors import FundingError, TransitionNotAllowed
from ..models import (
    Application,
    ApplicationStatus,
    Decision,
    ModeratedScore,
    Recommendation,
)


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
