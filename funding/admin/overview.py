"""A round's overview in the admin: its dates, status and budget against what it has
awarded, how many of its bids are at each stage, and links to each of its lists, filtered
to the round. For fund managers (and superusers): whoever may view rounds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from localdigital.admin_pages import admin_page

from .. import formats
from ..models import ApplicationStatus, AssessmentStatus, EoiStatus, Round
from ..selectors.round_overview import RoundOverview, round_overview

OVERVIEW = "admin:funding_round_overview"


@dataclass(frozen=True)
class StageRow:
    """One stage of an overview's table: how many are at it, and the list of them."""

    label: str
    count: int
    url: str


def _list_url(name: str, **params: object) -> str:
    return reverse(f"admin:funding_{name}_changelist") + "?" + urlencode(params)


def overview_url(round: Round) -> str:
    """Return the address of the round's overview."""
    return reverse(OVERVIEW, args=[round.pk])


def _status_rows(
    name: str, counts: dict[str, int], statuses: Iterable[Any], **params: object
) -> list[StageRow]:
    return [
        StageRow(status.label, counts[status.value], _list_url(name, **params, status=status.value))
        for status in statuses
    ]


def _eoi_rows(overview: RoundOverview) -> list[StageRow]:
    if not overview.has_eoi_stage:
        return []
    return _status_rows("expressionofinterest", overview.eois, EoiStatus, round=overview.round.pk)


def _eoi_subsets(overview: RoundOverview) -> list[StageRow]:
    if not overview.has_eoi_stage:
        return []
    round_id = overview.round.pk
    return [
        StageRow(
            "Submitted expressions of interest not yet in a cluster",
            overview.eois_to_cluster,
            _list_url("expressionofinterest", round=round_id, status="submitted", cluster="none"),
        ),
        StageRow(
            "Clusters of expressions of interest",
            overview.clusters,
            _list_url("eoicluster", round__id__exact=round_id),
        ),
    ]


def _application_rows(overview: RoundOverview) -> list[StageRow]:
    round_id = overview.round.pk
    return [
        StageRow(
            status.label,
            overview.applications[status.value],
            _list_url("application", round__id__exact=round_id, status__exact=status.value),
        )
        for status in ApplicationStatus
    ]


def _stage_rows(overview: RoundOverview) -> list[StageRow]:
    round_id = overview.round.pk
    stages = overview.stages

    def stage(label: str, count: int, lookup: str) -> StageRow:
        return StageRow(
            label, count, _list_url("application", round__id__exact=round_id, assessment=lookup)
        )

    return [
        stage("Needing assessors", stages.needing_assessors, "unassigned"),
        stage("Being assessed", stages.being_assessed, "open"),
        stage("Ready to moderate", stages.ready_to_moderate, "to_moderate"),
        stage("Moderated, waiting for a decision", stages.waiting_for_decision, "to_decide"),
        stage(
            f"Decided: {stages.approved} approved, {stages.rejected} rejected",
            stages.decided,
            "decided",
        ),
    ]


def _assessment_rows(overview: RoundOverview) -> list[StageRow]:
    round_id = overview.round.pk
    return [
        StageRow(
            status.label,
            overview.assessments[status.value],
            _list_url(
                "assessment", application__round__id__exact=round_id, status__exact=status.value
            ),
        )
        for status in AssessmentStatus
    ]


def _assessment_subsets(overview: RoundOverview) -> list[StageRow]:
    return [
        StageRow(
            "Overdue assessments",
            overview.assessments_overdue,
            _list_url("assessment", application__round__id__exact=overview.round.pk, due="overdue"),
        )
    ]


def _round_links(round: Round) -> list[tuple[str, str]]:
    """Return each list of the round's, filtered to it, and its pages, with link text that
    names the round."""
    name = round.name
    links = []
    if round.has_eoi_stage:
        links += [
            (
                f"Expressions of interest in {name}",
                _list_url("expressionofinterest", round=round.pk, status="all"),
            ),
            (f"Clusters in {name}", _list_url("eoicluster", round__id__exact=round.pk)),
        ]
    return [
        *links,
        (f"Applications to {name}", _list_url("application", round__id__exact=round.pk)),
        (
            f"Assessments in {name}",
            _list_url("assessment", application__round__id__exact=round.pk),
        ),
        (f"Ranking of {name}", reverse("admin:funding_round_ranking", args=[round.pk])),
        (
            f"Decisions in {name}",
            _list_url("application", round__id__exact=round.pk, assessment="decided"),
        ),
        (f"Awards in {name}", _list_url("award", application__round__id__exact=round.pk)),
        (f"Settings of {name}", reverse("admin:funding_round_change", args=[round.pk])),
    ]


class RoundOverviewMixin(admin.ModelAdmin):
    """What the round admin does for its overview: the page, and links to it from the
    list and the round's page."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_page(
                self,
                "<int:round_id>/overview/",
                self.overview_view,
                "funding_round_overview",
                allowed=self.has_view_permission,
            ),
            *super().get_urls(),
        ]

    def overview_view(self, request: HttpRequest, round_id: int) -> HttpResponse:
        """Show the round at a glance, with links to each of its lists."""
        round = Round.objects.select_related("fund").filter(pk=round_id).first()
        if round is None:
            raise Http404
        overview = round_overview(round=round, now=timezone.now(), today=timezone.localdate())
        totals = overview.totals
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{round.name}: overview",
            "round": round,
            "overview": overview,
            "crumbs": [(reverse("admin:funding_round_change", args=[round.pk]), round.name)],
            "budget": formats.money(totals.budget),
            "awarded": formats.money(totals.awarded),
            "declined": formats.money(totals.declined),
            "unallocated": formats.money(abs(totals.unallocated)),
            "is_over_budget": totals.unallocated < 0,
            "eoi_rows": _eoi_rows(overview),
            "eoi_subsets": _eoi_subsets(overview),
            "application_rows": _application_rows(overview),
            "stage_rows": _stage_rows(overview),
            "assessment_rows": _assessment_rows(overview),
            "assessment_subsets": _assessment_subsets(overview),
            "links": _round_links(round),
        }
        return TemplateResponse(request, "admin/funding/round/overview.html", context)

    @admin.display(description="overview")
    def overview_link(self, round: Round) -> SafeString:
        return format_html(
            '<a href="{}">Overview<span class="visually-hidden"> of {}</span></a>',
            overview_url(round),
            round.name,
        )
