"""The filters of the list of expressions of interest: status (submitted unless staff
choose otherwise), round and cluster."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ..models import EoiCluster, EoiStatus
from ..selectors import staff as selectors

SUBMITTED = EoiStatus.SUBMITTED.value
ALL = "all"
NOT_CLUSTERED = "none"
CLUSTERED = "any"


class EoiStatusFilter(admin.SimpleListFilter):
    """Status, showing the submitted EOIs (those waiting for staff) unless staff choose
    otherwise: drafts are the applicant's work in progress, shown only when asked for."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (SUBMITTED, "Submitted"),
            (EoiStatus.INVITED.value, EoiStatus.INVITED.label),
            (EoiStatus.DECLINED.value, EoiStatus.DECLINED.label),
            (EoiStatus.WITHDRAWN.value, EoiStatus.WITHDRAWN.label),
            (EoiStatus.DRAFT.value, "Drafts, not yet submitted"),
            (ALL, "All"),
        ]

    def value(self) -> str:
        value = super().value()
        return value if value in {lookup for lookup, _ in self.lookup_choices} else SUBMITTED

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == ALL:
            return queryset
        return queryset.filter(status=self.value())


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
