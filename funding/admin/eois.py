"""Staff screens for expressions of interest (EOIs): the list to cluster them from, each
EOI's page with the most similar EOIs of its round, and the actions that cluster, invite
and decline them.

The answers are the applicant's, so an EOI's page is read-only, and nobody adds or deletes
an EOI here. Every change is an action that calls a clustering service, so it is audited
and the applicants concerned are emailed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    action_form_page,
    confirmed_data,
    run_each,
)
from localdigital.errors import DomainError

from ..models import EoiChange, EoiCluster, EoiPartner, ExpressionOfInterest
from ..selectors import staff as selectors
from ..selectors.similarity import eois_similar_to
from ..services import clustering as services
from .common import ReadOnlyInline, eois_named
from .filters import ClusterFilter, EoiStatusFilter, RoundFilter
from .forms.eois import ClusterChoiceForm, DeclineForm

SIMILAR_SHOWN = 5
EOI_CHANGE = "admin:funding_expressionofinterest_change"


def eoi_described(eoi: ExpressionOfInterest) -> str:
    """Return how an intermediate page lists an EOI: reference, title, lead and status."""
    return (
        f"{eoi.reference}: {eoi.title or 'Untitled'} ({eoi.lead_organisation.name}, "
        f"{eoi.get_status_display().lower()})"
    )


class EoiPartnerInline(ReadOnlyInline):
    model = EoiPartner
    fields = ["organisation", "added_at", "added_by"]
    related = ("organisation", "added_by")
    verbose_name = "partner organisation"
    verbose_name_plural = "partner organisations"


class EoiChangeInline(ReadOnlyInline):
    model = EoiChange
    fields = ["changed_at", "changed_by", "description"]
    related = ("changed_by",)
    verbose_name = "change"
    verbose_name_plural = "history of the draft"


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(ObjectActionsMixin, admin.ModelAdmin):
    """Expressions of interest, submitted ones first, to cluster, invite or decline.

    The list filters by round, status (submitted unless staff choose otherwise), cluster and
    phase. An EOI's page is read-only, lists the most similar EOIs of its round, and offers
    the actions its state allows.
    """

    list_display = [
        "reference",
        "title_display",
        "lead_organisation_name",
        "partner_count",
        "phase",
        "cluster_name",
        "status",
        "submitted_at",
        "round",
    ]
    list_display_links = ["reference", "title_display"]
    list_filter = [EoiStatusFilter, RoundFilter, ClusterFilter, "phase"]
    search_fields = ["reference", "title", "lead_organisation__name"]
    search_help_text = "Search by reference, title or lead organisation."
    ordering = ["-submitted_at", "-pk"]
    inlines = [EoiPartnerInline, EoiChangeInline]
    fieldsets = [
        (None, {"fields": ["reference", "round", "status", "cluster", "application"]}),
        (
            "The expression of interest",
            {"fields": ["title", "problem", "phase", "estimated_cost", "lead_organisation"]},
        ),
        (
            "History",
            {
                "fields": [
                    "created_by",
                    "created_at",
                    "submitted_at",
                    "submitted_by",
                    "invited_at",
                    "invited_by",
                    "declined_at",
                    "declined_by",
                    "decline_feedback",
                    "withdrawn_at",
                    "withdrawn_by",
                ]
            },
        ),
    ]
    actions = ["add_to_cluster", "remove_from_cluster", "invite_selected", "decline_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExpressionOfInterest]:
        return selectors.eois_for_admin()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ExpressionOfInterest | None = None
    ) -> bool:
        # Staff change EOIs only through the actions; the answers are the applicant's.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: ExpressionOfInterest | None = None
    ) -> bool:
        return False

    # Columns

    @admin.display(description="title", ordering="title")
    def title_display(self, eoi: ExpressionOfInterest) -> str:
        return eoi.title or "Untitled"

    @admin.display(description="lead organisation", ordering="lead_organisation__name")
    def lead_organisation_name(self, eoi: ExpressionOfInterest) -> str:
        return eoi.lead_organisation.name

    @admin.display(description="partners", ordering="partner_count")
    def partner_count(self, eoi: ExpressionOfInterest) -> int:
        return getattr(eoi, "partner_count", 0)

    @admin.display(description="cluster", ordering="cluster__name")
    def cluster_name(self, eoi: ExpressionOfInterest) -> str:
        return eoi.cluster.name if eoi.cluster else "-"

    # The EOI's page

    object_actions_heading = "Work on this expression of interest"

    def change_page_context(
        self, request: HttpRequest, eoi: ExpressionOfInterest
    ) -> dict[str, Any]:
        return {"similar": self._similar(eoi)}

    def object_action_choices(
        self, request: HttpRequest, eoi: ExpressionOfInterest
    ) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        open_for_staff = eoi.status in services.OPEN_FOR_STAFF
        if open_for_staff:
            found.append(("add_to_cluster", "Add to a cluster…"))
        if eoi.cluster_id is not None:
            found.append(("remove_from_cluster", "Remove from cluster"))
        if open_for_staff:
            found.append(("invite_selected", "Invite to full application"))
            found.append(("decline_selected", "Decline with feedback…"))
        return found

    @staticmethod
    def _similar(eoi: ExpressionOfInterest) -> list[dict[str, Any]]:
        """Return the most similar EOIs of the round, best first, as the page lists them."""
        return [
            {
                "url": reverse(EOI_CHANGE, args=[similar.eoi.pk]),
                "reference": similar.eoi.reference,
                "title": similar.eoi.title or "Untitled",
                "lead": similar.eoi.lead_organisation.name,
                "status": similar.eoi.get_status_display(),
                "cluster": similar.eoi.cluster.name if similar.eoi.cluster else "",
                "cluster_url": (
                    reverse("admin:funding_eoicluster_change", args=[similar.eoi.cluster_id])
                    if similar.eoi.cluster_id
                    else ""
                ),
                "same_cluster": (
                    eoi.cluster_id is not None and similar.eoi.cluster_id == eoi.cluster_id
                ),
                "percent": similar.percent,
            }
            for similar in eois_similar_to(eoi=eoi, limit=SIMILAR_SHOWN)
        ]

    # Actions

    def _selected(self, queryset: QuerySet[ExpressionOfInterest]) -> list[ExpressionOfInterest]:
        return list(queryset.select_related("round", "lead_organisation").order_by("pk"))

    @admin.action(description="Add to a cluster…", permissions=["change"])
    def add_to_cluster(
        self, request: HttpRequest, queryset: QuerySet[ExpressionOfInterest]
    ) -> HttpResponse | None:
        """Put the EOIs in a cluster of their round: one chosen, or a new one named."""
        eois = self._selected(queryset)
        rounds = {eoi.round_id: eoi.round for eoi in eois}
        if len(rounds) != 1:
            self.message_user(
                request,
                "Nothing was changed. Choose expressions of interest of one round: a cluster "
                "holds expressions of interest of one round.",
                messages.ERROR,
            )
            return None
        (round,) = rounds.values()
        form = ClusterChoiceForm(confirmed_data(request), round=round)
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="add_to_cluster",
                title="Add to a cluster",
                intro=(
                    f"Put these expressions of interest in a cluster of {round.name}. An "
                    "expression of interest in another cluster moves to this one."
                ),
                submit="Add to the cluster",
                form=form,
                objects=[(eoi.pk, eoi_described(eoi)) for eoi in eois],
            )
        staff = request_staff_user(request)
        cluster: EoiCluster | None = form.cleaned_data.get("cluster")
        try:
            # A new cluster is kept only if the EOIs go into it.
            with transaction.atomic():
                if cluster is None:
                    cluster = services.cluster_create(
                        round=round, name=form.cleaned_data["new_name"], created_by=staff
                    )
                moved = services.eois_cluster_assign(eois=eois, cluster=cluster, assigned_by=staff)
        except DomainError as error:
            self.message_user(request, f"Nothing was changed. {error}", messages.ERROR)
            return None
        if moved:
            self.message_user(
                request, f"Added {eois_named(moved)} to “{cluster.name}”.", messages.SUCCESS
            )
        else:
            self.message_user(
                request,
                f"Nothing was changed: the expressions of interest were already in "
                f"“{cluster.name}”.",
                messages.WARNING,
            )
        return None

    @admin.action(description="Remove from cluster", permissions=["change"])
    def remove_from_cluster(
        self, request: HttpRequest, queryset: QuerySet[ExpressionOfInterest]
    ) -> HttpResponse | None:
        eois = self._selected(queryset)
        try:
            removed = services.eois_cluster_remove(
                eois=eois, removed_by=request_staff_user(request)
            )
        except DomainError as error:
            self.message_user(request, f"Nothing was changed. {error}", messages.ERROR)
            return None
        if removed:
            self.message_user(
                request, f"Took {eois_named(removed)} out of their cluster.", messages.SUCCESS
            )
        else:
            self.message_user(
                request,
                "Nothing was changed: none of the expressions of interest was in a cluster.",
                messages.WARNING,
            )
        return None

    @admin.action(description="Invite to full application, one by one", permissions=["change"])
    def invite_selected(
        self, request: HttpRequest, queryset: QuerySet[ExpressionOfInterest]
    ) -> HttpResponse | None:
        """Invite each EOI to an application of its own; its writer is emailed."""
        staff = request_staff_user(request)
        eois = self._selected(queryset)
        run_each(
            self,
            request,
            eois,
            lambda eoi: services.eoi_invite(eoi=eoi, invited_by=staff),
            label=lambda eoi: eoi.reference,
            describe=lambda eoi, application: (
                f"{eoi.reference} (application {application.reference})"
            ),
            done=(
                "Invited to full application: {}. Each writer has been emailed a link to "
                "their draft application."
            ),
            refused="Not invited:",
        )
        return None

    @admin.action(description="Decline with feedback…", permissions=["change"])
    def decline_selected(
        self, request: HttpRequest, queryset: QuerySet[ExpressionOfInterest]
    ) -> HttpResponse | None:
        """Ask for feedback on a page of its own, then decline each EOI with it."""
        eois = self._selected(queryset)
        form = DeclineForm(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="decline_selected",
                title="Decline with feedback",
                intro=(
                    "These expressions of interest are not taken forward to full application. "
                    "Their writers are emailed your feedback."
                ),
                submit="Decline",
                form=form,
                objects=[(eoi.pk, eoi_described(eoi)) for eoi in eois],
            )
        staff = request_staff_user(request)
        feedback = form.cleaned_data["feedback"]
        run_each(
            self,
            request,
            eois,
            lambda eoi: services.eoi_decline(eoi=eoi, feedback=feedback, declined_by=staff),
            label=lambda eoi: eoi.reference,
            done="Declined {}. Each writer has been emailed your feedback.",
            refused="Not declined:",
        )
        return None
