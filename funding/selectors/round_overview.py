"""A round at a glance, for staff: its dates and status, its budget against what it has
awarded, and how many of its expressions of interest, applications and assessments are at
each stage, in a fixed number of queries however many there are.

The stages the work queue counts are counted with its selectors (``work_queue``), so
that the overview, the work queue and the lists they link to agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, TextChoices

from .. import formats
from ..models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    EoiCluster,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)
from . import work_queue
from .assessment import applications_with_progress
from .awards import RoundAwardTotals, round_award_totals
from .rounds import TimelineStep, round_timeline


def _counts_by_status(queryset: QuerySet[Any], statuses: Iterable[TextChoices]) -> dict[str, int]:
    """Return how many rows of ``queryset`` are in each of ``statuses``, in one query."""
    return queryset.aggregate(
        **{status.value: Count("pk", filter=Q(status=status.value)) for status in statuses}
    )


@dataclass(frozen=True)
class ApplicationStages:
    """How far the round's submitted applications have gone."""

    needing_assessors: int
    being_assessed: int
    ready_to_moderate: int
    waiting_for_decision: int
    decided: int
    approved: int
    rejected: int


@dataclass(frozen=True)
class RoundOverview:
    """What the round's overview page shows."""

    round: Round
    status_label: str
    timeline: list[TimelineStep]
    decisions_approved: str
    announced: str
    totals: RoundAwardTotals
    eois: dict[str, int]
    eois_to_cluster: int
    clusters: int
    applications: dict[str, int]
    stages: ApplicationStages
    assessments: dict[str, int]
    assessments_overdue: int

    @property
    def has_eoi_stage(self) -> bool:
        return self.round.has_eoi_stage

    @property
    def eoi_total(self) -> int:
        return sum(self.eois.values())

    @property
    def application_total(self) -> int:
        return sum(self.applications.values())

    @property
    def assessment_total(self) -> int:
        return sum(self.assessments.values())


def _moment(moment: datetime | None, *, none: str) -> str:
    """Return a moment as GOV.UK writes it, "9:30am on Monday 14 October 2019", or ``none``."""
    return none if moment is None else formats.date_and_time(moment)


def round_overview(*, round: Round, now: datetime, today: date) -> RoundOverview:
    """Return the round's overview at ``now``."""
    applications = applications_with_progress(Application.objects.filter(round=round))
    eois = ExpressionOfInterest.objects.filter(round=round)
    assessments = Assessment.objects.filter(application__round=round)
    decided = work_queue.applications_decided(Application.objects.filter(round=round)).aggregate(
        approved=Count("pk", filter=Q(decision__outcome="approved")),
        rejected=Count("pk", filter=Q(decision__outcome="rejected")),
    )
    return RoundOverview(
        round=round,
        status_label=round.status_at(now).label,
        timeline=round_timeline(round, now=now),
        decisions_approved=_moment(round.decisions_approved_at, none="Not yet recorded"),
        announced=_moment(round.announced_at, none="Not yet announced"),
        totals=round_award_totals(round=round),
        eois=_counts_by_status(eois, EoiStatus),
        eois_to_cluster=work_queue.eois_to_cluster(eois).count(),
        clusters=EoiCluster.objects.filter(round=round).count(),
        applications=_counts_by_status(Application.objects.filter(round=round), ApplicationStatus),
        stages=ApplicationStages(
            needing_assessors=work_queue.applications_needing_assessors(applications).count(),
            being_assessed=work_queue.applications_being_assessed(applications).count(),
            ready_to_moderate=work_queue.applications_ready_to_moderate(applications).count(),
            waiting_for_decision=work_queue.applications_waiting_for_decision(applications).count(),
            decided=decided["approved"] + decided["rejected"],
            approved=decided["approved"],
            rejected=decided["rejected"],
        ),
        assessments=_counts_by_status(assessments, AssessmentStatus),
        assessments_overdue=work_queue.assessments_overdue(assessments, today=today).count(),
    )
