"""Reads for assessment in the admin: which applications an assessor may see, weighted
scores, the scoring and moderation sheets, and the ranking of a round.

A weighted score is the sum of weight * score / scale maximum over the round's criteria: out of
100, since the weights add up to 100. It is computed in Python for one sheet
(``weighted_score``) and in SQL for lists (``weighted_points``); both divide exactly, never
as whole numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from localdigital.accounts import groups
from localdigital.accounts.models import User

from ..models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Decision,
    DecisionOutcome,
    ModeratedScore,
    Recommendation,
    Round,
)

OPEN_STATUSES = (AssessmentStatus.ASSIGNED, AssessmentStatus.SCORING)
# Recommendations whose amounts count towards the round's budget in the ranking.
FUNDED_RECOMMENDATIONS = (Recommendation.FUND, Recommendation.FUND_WITH_CONDITIONS)
_NUMERIC = DecimalField(max_digits=20, decimal_places=10)


# Weighted scores


def weighted_score(scores: Iterable[tuple[int, int, int]]) -> Decimal:
    """Return the sum of weight * score / scale maximum of ``(weight, scale_max, score)`` triples:
    out of 100 for a whole assessment of a round whose weights add up to 100."""
    return sum(
        (Decimal(weight) * score / scale_max for weight, scale_max, score in scores), Decimal(0)
    )


def weighted_points(prefix: str = "") -> ExpressionWrapper:
    """Return the SQL for one score's share of the weighted score, weight * score / scale
    maximum, in exact (numeric) division; ``prefix`` leads from the rows queried to the
    score, such as ``"scores__"`` from an assessment."""
    return ExpressionWrapper(
        Cast(F(f"{prefix}score"), _NUMERIC)
        * F(f"{prefix}criterion__weight")
        / F(f"{prefix}criterion__scale_max"),
        output_field=_NUMERIC,
    )


def score_display(value: Decimal | None) -> str:
    """Return a weighted score as staff read it, to one decimal place: "62.5"; "-" for none."""
    if value is None:
        return "-"
    return str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# Who sees what


def assessors() -> QuerySet[User]:
    """Return the active staff in the Assessor group, by name, each with the number of
    assessments they still have open (``open_count``): those a fund manager can assign."""
    return (
        User.objects.filter(is_active=True, is_staff=True, groups__name=groups.ASSESSOR)
        .annotate(
            open_count=Count(
                "assessments", filter=Q(assessments__status__in=OPEN_STATUSES), distinct=True
            )
        )
        .order_by("full_name", "email")
    )


def _own(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(application=OuterRef("pk"), assessor=user)


def applications_open_to_assessor(
    queryset: QuerySet[Application], *, user: User
) -> QuerySet[Application]:
    """Return the applications of ``queryset`` that ``user`` is assigned to assess and has
    not declared a conflict with, each with their assessment's id, status and due date
    (``own_assessment_id``, ``own_status``, ``own_due_on``)."""
    own = _own(user)
    return queryset.filter(Exists(own.exclude(status=AssessmentStatus.CONFLICTED))).annotate(
        own_assessment_id=Subquery(own.values("pk")[:1]),
        own_status=Subquery(own.values("status")[:1]),
        own_due_on=Subquery(own.values("due_on")[:1]),
    )


def application_is_open_to_assessor(*, application: Application, user: User) -> bool:
    """Return whether ``user`` is assigned the application and has not declared a conflict."""
    return (
        Assessment.objects.filter(application=application, assessor=user)
        .exclude(status=AssessmentStatus.CONFLICTED)
        .exists()
    )


def _assessment_count(**filters: object) -> Coalesce:
    counted = (
        Assessment.objects.filter(application=OuterRef("pk"), **filters)
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def applications_with_progress(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Return ``queryset`` with each application's assessments counted by state
    (``assessments_submitted``, ``assessments_open``, ``assessments_conflicted``), whether it
    is moderated (``is_moderated``) and its decision, in the same query."""
    return queryset.select_related("decision").annotate(
        assessments_submitted=_assessment_count(status=AssessmentStatus.SUBMITTED),
        assessments_open=_assessment_count(status__in=OPEN_STATUSES),
        assessments_conflicted=_assessment_count(status=AssessmentStatus.CONFLICTED),
        is_moderated=Exists(ModeratedScore.objects.filter(application=OuterRef("pk"))),
    )


def assessments_with_scores(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Return ``queryset`` with each assessment's weighted score of what is scored so far
    (``weighted``) and the number of criteria scored (``scored_count``)."""
    return queryset.annotate(
        weighted=Sum(weighted_points("scores__")), scored_count=Count("scores", distinct=True)
    )


def application_assessments(*, application: Application) -> list[Assessment]:
    """Return the application's assessments, conflicted ones included, with their assessors,
    weighted scores and numbers of criteria scored, by when they were assigned."""
    return list(
        assessments_with_scores(
            Assessment.objects.filter(application=application).select_related(
                "assessor", "assigned_by"
            )
        ).order_by("assigned_at", "pk")
    )


# The scoring sheet


# The moderation sheet


# The ranking


@dataclass(frozen=True)
class RankedApplication:
    """One row of a round's ranking."""

    rank: int
    application_id: int
    reference: str
    title: str
    lead: str
    phase: str
    requested_amount: Decimal | None
    moderated: Decimal | None
    assessors_mean: Decimal | None
    assessments_submitted: int
    recommendation: str
    recommended_amount: Decimal | None
    recommendation_note: str
    running_total: Decimal
    is_over_budget: bool
    outcome: str
    award_amount: Decimal | None

    @property
    def score(self) -> Decimal | None:
        """Return what the row is ranked by: the moderated score, else the assessors' mean."""
        return self.moderated if self.moderated is not None else self.assessors_mean

    @property
    def is_moderated(self) -> bool:
        return self.moderated is not None

    @property
    def counts_towards_budget(self) -> bool:
        return self.recommendation in FUNDED_RECOMMENDATIONS

    @property
    def recommendation_label(self) -> str:
        return Recommendation(self.recommendation).label if self.recommendation else ""

    @property
    def outcome_label(self) -> str:
        return DecisionOutcome(self.outcome).label if self.outcome else ""


@dataclass(frozen=True)
class Ranking:
    round: Round
    rows: list[RankedApplication]

    @property
    def recommended_total(self) -> Decimal:
        return self.rows[-1].running_total if self.rows else Decimal(0)

    @property
    def remaining(self) -> Decimal:
        """Return the budget less the amounts recommended (negative when over budget)."""
        return self.round.budget - self.recommended_total

    @property
    def moderated_count(self) -> int:
        return sum(row.is_moderated for row in self.rows)


def _rank_key(
    item: tuple[Any, Decimal | None, Decimal | None, int],
) -> tuple[int, Decimal, str]:
    row, moderated, mean, _ = item
    if moderated is not None:
        return (0, -moderated, row["reference"])
    if mean is not None:
        return (1, -mean, row["reference"])
    return (2, Decimal(0), row["reference"])


def round_ranking(*, round: Round) -> Ranking:
    """Return the round's submitted applications, best first, with a running total of the
    amounts recommended for funding against the round's budget.

    Moderated applications come first, by weighted moderated score; then those not yet
    moderated, by the mean of their submitted assessments' weighted scores; then those with
    no submitted assessment; ties go by reference. Four queries, however many applications:
    the applications with their decisions, the moderated and the assessors' weighted points
    summed per application, and the number of criteria.
    """
    submitted = Q(status=ApplicationStatus.SUBMITTED)
    applications: list[Any] = list(
        Application.objects.filter(submitted, round=round)
        .order_by()
        .values(
            "pk",
            "reference",
            "title",
            "phase",
            "requested_amount",
            "lead_organisation__name",
            "decision__recommendation",
            "decision__recommended_amount",
            "decision__recommendation_note",
            "decision__outcome",
            "decision__award_amount",
        )
    )
    criteria_count = Criterion.objects.filter(round=round).count()
    moderated = {
        row["application_id"]: row["points"]
        for row in ModeratedScore.objects.filter(
            application__round=round, application__status=ApplicationStatus.SUBMITTED
        )
        .order_by()
        .values("application_id")
        .annotate(points=Sum(weighted_points()), n=Count("pk"))
        .filter(n=criteria_count)
    }
    assessed = {
        row["assessment__application_id"]: (row["points"], row["assessments"])
        for row in CriterionScore.objects.filter(
            assessment__application__round=round,
            assessment__application__status=ApplicationStatus.SUBMITTED,
            assessment__status=AssessmentStatus.SUBMITTED,
        )
        .order_by()
        .values("assessment__application_id")
        .annotate(points=Sum(weighted_points()), assessments=Count("assessment_id", distinct=True))
    }
    scored = []
    for row in applications:
        points, count = assessed.get(row["pk"], (None, 0))
        mean = points / count if points is not None and count else None
        scored.append((row, moderated.get(row["pk"]), mean, count))
    scored.sort(key=_rank_key)
    rows = []
    total = Decimal(0)
    for rank, (row, moderated_points, mean, count) in enumerate(scored, start=1):
        recommendation = row["decision__recommendation"] or ""
        amount = row["decision__recommended_amount"]
        if recommendation in FUNDED_RECOMMENDATIONS and amount is not None:
            total += amount
        rows.append(
            RankedApplication(
                rank=rank,
                application_id=row["pk"],
                reference=row["reference"],
                title=row["title"] or "Untitled",
                lead=row["lead_organisation__name"],
                phase=row["phase"],
                requested_amount=row["requested_amount"],
                moderated=moderated_points,
                assessors_mean=mean,
                assessments_submitted=count,
                recommendation=recommendation,
                recommended_amount=amount,
                recommendation_note=row["decision__recommendation_note"] or "",
                running_total=total,
                is_over_budget=total > round.budget,
                outcome=row["decision__outcome"] or "",
                award_amount=row["decision__award_amount"],
            )
        )
    return Ranking(round=round, rows=rows)


def application_decision(*, application: Application) -> Decision | None:
    """Return the application's recommendation and decision, if any has been recorded."""
    return (
        Decision.objects.filter(application=application)
        .select_related("recommended_by", "decided_by")
        .first()
    )


def round_decision_counts(*, round: Round) -> dict[str, int]:
    """Return how many of the round's submitted applications are decided, and how many
    there are: ``{"submitted": n, "decided": m, "approved": a, "rejected": r}``."""
    return Application.objects.filter(round=round, status=ApplicationStatus.SUBMITTED).aggregate(
        submitted=Count("pk"),
        decided=Count("pk", filter=Q(decision__outcome__in=DecisionOutcome.values)),
        approved=Count("pk", filter=Q(decision__outcome=DecisionOutcome.APPROVED)),
        rejected=Count("pk", filter=Q(decision__outcome=DecisionOutcome.REJECTED)),
    )
