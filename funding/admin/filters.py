"""The filters of the Fund's lists: of expressions of interest, status (submitted unless
staff choose otherwise), round and cluster; of assessments, when they are due and whose they
are; of rounds, where their decisions are.

The filters that the work queue links to call the selectors it counts with
(``selectors.work_queue``), so that its counts and the lists agree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from localdigital.admin_filters import ALL, NamedChoicesFilter, Narrowing, WaitingStatusFilter

from ..models import EoiCluster, EoiStatus
from ..selectors import staff as selectors
from ..selectors import work_queue

SUBMITTED = EoiStatus.SUBMITTED.value
NOT_CLUSTERED = "none"
CLUSTERED = "any"


class EoiStatusFilter(WaitingStatusFilter):
    """Status, showing the submitted EOIs (those waiting for staff) unless staff choose
    otherwise: drafts are the applicant's work in progress, shown only when asked for."""

    waiting = SUBMITTED

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (SUBMITTED, "Submitted"),
            (EoiStatus.INVITED.value, EoiStatus.INVITED.label),
            (EoiStatus.DECLINED.value, EoiStatus.DECLINED.label),
            (EoiStatus.WITHDRAWN.value, EoiStatus.WITHDRAWN.label),
            (EoiStatus.DRAFT.value, "Drafts, not yet submitted"),
            (ALL, "All"),
        ]


class RoundFilter(admin.SimpleListFilter):
    """The rounds with an EOI stage."""

    title = "round"
    parameter_name = "round"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(round.pk), round.name) for round in selectors.rounds_with_eoi_stage()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(round_id=int(value))
        return queryset


class ClusterFilter(admin.SimpleListFilter):
    """In no cluster, in any, or in one: the clusters of the round chosen, or of every
    round, named with their round."""

    title = "cluster"
    parameter_name = "cluster"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        clusters = EoiCluster.objects.select_related("round").order_by("-round__number", "name")
        round_id = request.GET.get(RoundFilter.parameter_name, "")
        if round_id.isdigit():
            clusters = clusters.filter(round_id=int(round_id))
            named = [(str(cluster.pk), cluster.name) for cluster in clusters]
        else:
            named = [(str(c.pk), f"{c.name} ({c.round.name})") for c in clusters]
        return [(NOT_CLUSTERED, "Not in a cluster"), (CLUSTERED, "In a cluster"), *named]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == NOT_CLUSTERED:
            return queryset.filter(cluster__isnull=True)
        if value == CLUSTERED:
            return queryset.filter(cluster__isnull=False)
        if value and value.isdigit():
            return queryset.filter(cluster_id=int(value))
        return queryset


class AssessmentDueFilter(NamedChoicesFilter):
    """When the open assessments are due: overdue, due soon, or all still to do."""

    title = "due"
    parameter_name = "due"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        today = timezone.localdate()
        return {
            "open": ("Still to do", work_queue.assessments_open),
            "overdue": (
                "Overdue",
                lambda rows: work_queue.assessments_overdue(rows, today=today),
            ),
            "soon": (
                f"Due in the next {work_queue.DUE_SOON_DAYS} days",
                lambda rows: work_queue.assessments_due_soon(rows, today=today),
            ),
        }


class AssessorFilter(admin.SimpleListFilter):
    """The assessments assigned to the person looking: a fund manager who also assesses
    finds their own among everyone's."""

    title = "assessor"
    parameter_name = "assessor"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("you", "Assigned to you")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "you":
            return queryset.filter(assessor_id=request.user.pk)
        return queryset


class RoundDecisionsFilter(admin.SimpleListFilter):
    """Where the round's decisions are: waiting for the Minister's approval to be
    recorded, or approved and waiting for their announcement."""

    title = "decisions"
    parameter_name = "decisions"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("to_approve", "All decided, waiting for approval"),
            ("to_announce", "Approved, waiting for the announcement"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "to_approve":
            return work_queue.rounds_waiting_for_approval(queryset)
        if self.value() == "to_announce":
            return work_queue.rounds_waiting_for_announcement(queryset)
        return queryset
