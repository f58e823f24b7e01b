"""Staff screens for what follows the award: fund managers review progress reports (accept,
or return with comments), keep each project's milestones, see its reporting schedule, and
set its planned dates, which make or fit the schedule.

A report's page shows what was submitted last, the warning when the spend to date is more
than has been paid plus the next instalment, and every earlier version with the comments
made on it. Every change goes through a service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    action_form_page,
    confirmed_data,
    run_each,
)
from localdigital.admin_filters import NamedChoicesFilter, Narrowing
from localdigital.admin_pages import ReadOnlyRowsMixin
from localdigital.formats import time_on_day

from .. import formats
from ..models import Award, ProgressReport, ProjectMilestone, ReportStatus
from ..selectors.payments import report_instalments_due, spend_warning
from ..selectors.report_content import report_answers, spent_to_date
from ..selectors.reporting import report_is_overdue, report_period, report_versions_for_review
from ..services import report_review
from ..services.reporting import award_dates_set
from .common import ReadOnlyInline
from .forms.reports import DatesForm, ReturnForm

REPORT_CHANGE = "admin:funding_progressreport_change"
AWARD_CHANGE = "admin:funding_award_change"
OVERDUE = "overdue"
IN_REVIEW = "review"


class ProjectMilestoneInline(admin.TabularInline):
    """The project's milestones, from the plan in its application: each report says where
    every one stands."""

    model = ProjectMilestone
    extra = 1
    fields = ["title", "planned_on", "position"]
    verbose_name_plural = "milestones (each report says where they stand)"

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "planned_on":
            kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProgressReportInline(ReadOnlyInline):
    """The project's reporting schedule, each report linked to its review page."""

    model = ProgressReport
    fields = ["report_link", "period", "due_at", "status"]
    readonly_fields = ["report_link", "period", "due_at", "status"]
    verbose_name = "progress report"
    verbose_name_plural = "reporting schedule"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields

    @admin.display(description="report")
    def report_link(self, report: ProgressReport) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>', reverse(REPORT_CHANGE, args=[report.pk]), report.name
        )

    @admin.display(description="period")
    def period(self, report: ProgressReport) -> str:
        return report_period(report)


class AwardReportingMixin(admin.ModelAdmin):
    """The award's page: its milestones, its reporting schedule, and the action that sets
    its planned dates."""

    @admin.action(description="Set the planned dates…", permissions=["change"])
    def set_dates(self, request: HttpRequest, queryset: QuerySet[Award]) -> HttpResponse | None:
        """Ask for the planned start and end, then set them on each award; an accepted one
        gets its reporting schedule, or has it fitted to the new end."""
        awards = list(queryset.order_by("pk"))
        first = awards[0] if len(awards) == 1 else None
        form = DatesForm(
            confirmed_data(request),
            initial={"starts_on": first.planned_start_on, "ends_on": first.planned_end_on}
            if first is not None
            else {},
        )
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="set_dates",
                title="Set the planned dates",
                intro=(
                    "The planned start and end of these projects. An accepted project's "
                    "reports are made, or fitted to the new end, from its round's settings."
                ),
                submit="Set the dates",
                form=form,
                objects=[(award.pk, award.title) for award in awards],
            )
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            awards,
            lambda award: award_dates_set(
                award=award,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                set_by=staff,
            ),
            label=lambda award: award.title,
            describe=lambda award, change: (
                award.title
                + (f" (reports made: {', '.join(change.created)})" if change.created else "")
            ),
            done="Set the planned dates of {}.",
            refused="Not changed:",
        )
        return None


class ReportStateFilter(NamedChoicesFilter):
    title = "waiting"
    parameter_name = "waiting"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        return {
            IN_REVIEW: (
                "For review",
                Q(status__in=[ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED]),
            ),
            OVERDUE: ("Overdue", Q(status=ReportStatus.DRAFT, due_at__lte=timezone.now())),
        }


def _emailed(reports: list[ProgressReport]) -> str:
    return "The team has been emailed." if len(reports) == 1 else "The teams have been emailed."


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyRowsMixin, ObjectActionsMixin, admin.ModelAdmin):
    """Progress reports of funded projects, those waiting for review first.

    A report's page shows what the team submitted last (every earlier version with the
    comments made on it below) and its buttons accept it or return it with comments.
    Reports are made by the schedule and written by the team: nobody adds, deletes or edits
    one here.
    """

    list_display = [
        "report_name",
        "project",
        "round_name",
        "due_display",
        "status_display",
        "overall_status",
    ]
    list_filter = [ReportStateFilter, "status", "award__application__round"]
    list_select_related = ["award__application__round"]
    search_fields = ["award__title", "award__application__lead_organisation__name"]
    search_help_text = "Search by project title or lead organisation."
    ordering = ["due_at", "pk"]
    actions = ["accept_selected", "return_selected"]
    fields = ["project", "report_name", "period", "due_display", "status_display"]
    readonly_fields = ["project", "report_name", "period", "due_display", "status_display"]

    @admin.display(description="report", ordering="due_at")
    def report_name(self, report: ProgressReport) -> str:
        return report.name

    @admin.display(description="project", ordering="award__title")
    def project(self, report: ProgressReport) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>', reverse(AWARD_CHANGE, args=[report.award_id]), report.award.title
        )

    @admin.display(description="round")
    def round_name(self, report: ProgressReport) -> str:
        return report.award.application.round.name

    @admin.display(description="period")
    def period(self, report: ProgressReport) -> str:
        return report_period(report)

    @admin.display(description="due", ordering="due_at")
    def due_display(self, report: ProgressReport) -> str:
        return formats.date_and_time(report.due_at)

    @admin.display(description="status", ordering="status")
    def status_display(self, report: ProgressReport) -> str:
        if report_is_overdue(report, timezone.now()):
            return "Overdue: not submitted"
        return report.get_status_display()

    object_actions_heading = "Review this report"

    def object_action_choices(
        self, request: HttpRequest, report: ProgressReport
    ) -> list[tuple[str, str]]:
        if not report.is_in_review:
            return []
        return [
            ("accept_selected", "Accept the report"),
            ("return_selected", "Return with comments…"),
        ]

    def change_page_context(self, request: HttpRequest, report: ProgressReport) -> dict[str, Any]:
        if not self.has_view_or_change_permission(request, report):
            return {}
        versions = report_versions_for_review(report=report)
        latest = versions[0] if versions else None
        return {
            "latest": latest,
            "answers": report_answers(latest.content) if latest is not None else [],
            "warning": spend_warning(
                award=report.award, spent_to_date=spent_to_date(latest.content)
            )
            if latest is not None
            else "",
            "versions": [
                {
                    "number": version.number,
                    "submitted": time_on_day(version.submitted_at),
                    "by": version.submitted_by.email if version.submitted_by else "",
                    "outcome": version.get_outcome_display() or "Waiting for review",
                    "comment": version.comment,
                    "answers": report_answers(version.content),
                }
                for version in versions[1:]
            ],
        }

    # Actions

    def _selected(self, queryset: QuerySet[ProgressReport]) -> list[ProgressReport]:
        return list(queryset.select_related("award").order_by("due_at", "pk"))

    @staticmethod
    def _label(report: ProgressReport) -> str:
        return f"{report.name_in_text} of {report.award.title}"

    def _accepted(self, report: ProgressReport) -> str:
        """Name the accepted report and the instalments its acceptance made due, if any."""
        due = report_instalments_due(report=report)
        if not due:
            return self._label(report)
        amounts = ", ".join(formats.money(instalment.amount) for instalment in due)
        its = "its instalment" if len(due) == 1 else "its instalments"
        return f"{self._label(report)} ({its} of {amounts} now due for payment)"

    @admin.action(description="Accept the reports", permissions=["change"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[ProgressReport]) -> Any:
        staff = request_staff_user(request)
        reports = self._selected(queryset)
        run_each(
            self,
            request,
            reports,
            lambda report: report_review.report_accept(report=report, accepted_by=staff),
            label=self._label,
            describe=lambda report, _version: self._accepted(report),
            done="Accepted {}. " + _emailed(reports),
            refused="Not accepted:",
        )
        return None

    @admin.action(description="Return with comments…", permissions=["change"])
    def return_selected(self, request: HttpRequest, queryset: QuerySet[ProgressReport]) -> Any:
        """Ask for comments on a page of their own, then return each report with them."""
        reports = self._selected(queryset)
        form = ReturnForm(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="return_selected",
                title="Return with comments",
                intro=(
                    "These reports go back to their teams, who are emailed your comments."
                    if len(reports) > 1
                    else "This report goes back to its team, who are emailed your comments."
                ),
                submit="Return the reports" if len(reports) > 1 else "Return the report",
                form=form,
                objects=[(report.pk, self._label(report)) for report in reports],
            )
        staff = request_staff_user(request)
        comment = form.cleaned_data["comment"]
        run_each(
            self,
            request,
            reports,
            lambda report: report_review.report_return(
                report=report, comment=comment, returned_by=staff
            ),
            label=self._label,
            done="Returned {} with your comments. " + _emailed(reports),
            refused="Not returned:",
        )
        return None
