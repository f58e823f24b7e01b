"""Staff screens for change requests: fund managers see those waiting for a decision
first, read what each asks and why, and approve it (which makes the change: a new end date
fits the reports not yet submitted, money moves between budget lines, a milestone changes)
or reject it, each with a note to the team. Every decision goes through a service and is
audited; each award's page lists its changes, its history of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    action_form_page,
    confirmed_data,
    run_each,
)
from localdigital.admin_pages import ReadOnlyRowsMixin

from .. import formats
from ..models import ChangeRequest, ChangeStatus
from ..selectors.changes import change_asked
from ..services import changes as services
from .common import ReadOnlyInline
from .forms.changes import ApproveNoteForm, RejectNoteForm

AWARD_CHANGE = "admin:funding_award_change"
CHANGE_CHANGE = "admin:funding_changerequest_change"
# What a change request's page shows, none of it editable.
SHOWN = (
    "project",
    "kind",
    "asked",
    "reason",
    "requested_display",
    "requester",
    "status",
    "decision",
)
RELATED = ("award", "from_line", "to_line", "milestone", "requested_by", "decided_by")


class ChangeRequestInline(ReadOnlyInline):
    """The project's changes, asked for and decided: its history of changes."""

    model = ChangeRequest
    fields = ["change_link", "asked", "status", "decision_note"]
    readonly_fields = ["change_link", "asked", "status", "decision_note"]
    related = RELATED
    verbose_name = "change request"
    verbose_name_plural = "changes asked for"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields

    @admin.display(description="asked on")
    def change_link(self, change: ChangeRequest) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse(CHANGE_CHANGE, args=[change.pk]),
            formats.day(change.requested_at),
        )

    @admin.display(description="change")
    def asked(self, change: ChangeRequest) -> str:
        return change_asked(change)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyRowsMixin, ObjectActionsMixin, admin.ModelAdmin):
    """Change requests of funded projects, those waiting for a decision first. The team
    asks from its account; nobody adds, deletes or edits one here."""

    list_display = ["requested_display", "project", "kind", "asked", "status"]
    list_display_links = ["requested_display"]
    list_filter = ["status", "kind", "award__application__round"]
    list_select_related = RELATED
    search_fields = ["award__title", "award__application__lead_organisation__name"]
    search_help_text = "Search by project title or lead organisation."
    actions = ["approve_selected", "reject_selected"]
    fields = SHOWN
    readonly_fields = SHOWN

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChangeRequest]:
        # Waiting first, then the newest.
        return (
            super()
            .get_queryset(request)
            .select_related(*RELATED)
            .order_by("status", "-requested_at", "-pk")
        )

    @admin.display(description="asked on", ordering="requested_at")
    def requested_display(self, change: ChangeRequest) -> str:
        return formats.date_and_time(change.requested_at)

    @admin.display(description="asked by")
    def requester(self, change: ChangeRequest) -> str:
        return change.requested_by.email if change.requested_by else "-"

    @admin.display(description="project", ordering="award__title")
    def project(self, change: ChangeRequest) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>', reverse(AWARD_CHANGE, args=[change.award_id]), change.award.title
        )

    @admin.display(description="change")
    def asked(self, change: ChangeRequest) -> str:
        return change_asked(change)

    @admin.display(description="decision")
    def decision(self, change: ChangeRequest) -> str:
        if change.decided_at is None:
            return "Waiting for a decision"
        by = change.decided_by.email if change.decided_by else "someone"
        note = f": {change.decision_note}" if change.decision_note else ""
        return f"{change.get_status_display()} on {formats.day(change.decided_at)} by {by}{note}"

    object_actions_heading = "Decide this change"

    def object_action_choices(
        self, request: HttpRequest, change: ChangeRequest
    ) -> list[tuple[str, str]]:
        if change.status != ChangeStatus.PENDING:
            return []
        return [("approve_selected", "Approve…"), ("reject_selected", "Reject…")]

    # Actions

    @staticmethod
    def _label(change: ChangeRequest) -> str:
        return f"{change.get_kind_display()} for {change.award.title}"

    @staticmethod
    def _request(change: ChangeRequest) -> str:
        """Name the request within a sentence: "the request to change the end date for …"."""
        kind = change.get_kind_display()
        return f"the request to {kind[:1].lower()}{kind[1:]} for {change.award.title}"

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[ChangeRequest],
        *,
        action: str,
        approve: bool,
    ) -> HttpResponse | None:
        changes = list(queryset.order_by("requested_at", "pk"))
        form = (ApproveNoteForm if approve else RejectNoteForm)(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action=action,
                title=f"{'Approve' if approve else 'Reject'} the "
                f"{'changes' if len(changes) > 1 else 'change'}",
                intro=(
                    f"Approving makes {'each' if len(changes) > 1 else 'the'} change to its "
                    "project: a new end date fits the reports not yet submitted, money moves "
                    "between the budget lines, a milestone changes."
                    if approve
                    else "The teams read your note on their project's changes page."
                    if len(changes) > 1
                    else "The team reads your note on its project's changes page."
                ),
                submit="Approve" if approve else "Reject",
                form=form,
                objects=[(change.pk, self._label(change)) for change in changes],
            )
        staff = request_staff_user(request)
        note = form.cleaned_data["note"]
        run_each(
            self,
            request,
            changes,
            (
                (
                    lambda change: services.change_request_approve(
                        change=change, decided_by=staff, note=note
                    )
                )
                if approve
                else (
                    lambda change: services.change_request_reject(
                        change=change, decided_by=staff, note=note
                    )
                )
            ),
            label=self._label,
            describe=lambda change, _result: self._request(change),
            done="Approved {}." if approve else "Rejected {}.",
            refused="Not approved:" if approve else "Not rejected:",
        )
        return None

    @admin.action(description="Approve the changes…", permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[ChangeRequest]) -> Any:
        return self._decide(request, queryset, action="approve_selected", approve=True)

    @admin.action(description="Reject the changes…", permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[ChangeRequest]) -> Any:
        return self._decide(request, queryset, action="reject_selected", approve=False)
