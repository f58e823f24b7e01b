"""Staff screens for applications and deadline reminders, for reading.

An application is its applicants' until they submit it; here staff follow them: the
answers, the partners and whether each has confirmed, the budget, and who changed what.
Nobody adds, changes or deletes one here. After submission come assessment and decisions:
fund managers assign assessors from the list (an action), and each application's page shows
its assessments, conflicts, moderation and decision, with the pages that record them
(``assessment.py``, ``decisions.py``). An assessor sees only the applications they are
assigned and have declared no conflict with; any other is refused (403).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from funding.admin.applications_inlines import (
    BudgetLineInline,
    ChangeInline,
    PartnerInline,
    SectionInline,
)
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import ObjectActionsMixin
from localdigital.admin_pages import ViewOnlyMixin

from .. import formats
from ..models import (
    Application,
    ApplicationStatus,
    DeadlineReminder,
    OutputType,
    Section,
)
from ..selectors import assessment as assessment_selectors
from ..selectors import staff as selectors
from ..selectors import work_queue
from .assessment import next_step
from .assessment_assign import AssignAssessorsMixin
from .decisions import ApplicationDecisionMixin, application_decision_context
from .moderation import ApplicationModerationMixin, application_assessment_context
from .roles import sees_all


class AssessmentProgressFilter(admin.SimpleListFilter):
    """Where each application's assessment is: for fund managers to find what needs them.

    The stages the work queue counts are filtered by the same selectors it counts with.
    """

    title = "assessment"
    parameter_name = "assessment"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("unassigned", "Needs assessors"),
            ("conflict", "A conflict declared"),
            ("open", "Being assessed"),
            ("complete", "Assessments all in"),
            ("to_moderate", "Ready to moderate"),
            ("moderated", "Moderated"),
            ("to_decide", "Moderated, waiting for a decision"),
            ("undecided", "No decision yet"),
            ("decided", "Decided"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        # The counts are the list's annotations (``applications_with_progress``).
        value = self.value()
        submitted = queryset.filter(status=ApplicationStatus.SUBMITTED)
        wanted = F("round__assessors_per_application")
        if value == "unassigned":
            return work_queue.applications_needing_assessors(queryset)
        if value == "conflict":
            return submitted.filter(assessments_conflicted__gt=0)
        if value == "open":
            return work_queue.applications_being_assessed(queryset)
        if value == "complete":
            return submitted.filter(assessments_open=0, assessments_submitted__gte=wanted)
        if value == "to_moderate":
            return work_queue.applications_ready_to_moderate(queryset)
        if value == "moderated":
            return submitted.filter(is_moderated=True)
        if value == "to_decide":
            return work_queue.applications_waiting_for_decision(queryset)
        if value == "undecided":
            return submitted.filter(Q(decision__isnull=True) | Q(decision__outcome=""))
        if value == "decided":
            return work_queue.applications_decided(queryset)
        return queryset


@admin.register(Application)
class ApplicationAdmin(
    ObjectActionsMixin,
    AssignAssessorsMixin,
    ApplicationModerationMixin,
    ApplicationDecisionMixin,
    ViewOnlyMixin,
    admin.ModelAdmin,
):
    """Applications to every round, for reading: their answers, partners, budget and
    history, and after submission their assessment and decision.

    Fund managers see every application, assign assessors and follow each one's assessment,
    moderation and decision; an assessor sees only those they are assigned and have not
    declared a conflict with, each with their next step.
    """

    list_display_links = ["reference", "title_display"]
    actions = ["assign_assessors"]
    search_fields = ["reference", "title", "lead_organisation__name"]
    search_help_text = "Search by reference, title or lead organisation."
    ordering = ["-created_at", "-pk"]
    inlines = [SectionInline, PartnerInline, BudgetLineInline, ChangeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "round",
                    "status",
                    "lead_organisation",
                    "from_eois",
                    "created_by",
                ]
            },
        ),
        (Section.PROBLEM.label, {"fields": ["title", "problem", "evidence"]}),
        (Section.USERS.label, {"fields": ["users_and_needs"]}),
        (Section.APPROACH.label, {"fields": ["approach", "phase"]}),
        (Section.OUTPUTS.label, {"fields": ["outputs", "output_types_display", "reuse"]}),
        (Section.TEAM.label, {"fields": ["team"]}),
        (Section.BUDGET.label, {"fields": ["requested_amount_display", "budget_total"]}),
        (
            Section.STAKEHOLDER.label,
            {"fields": ["stakeholder_name", "stakeholder_job_title", "stakeholder_email"]},
        ),
        (
            "History",
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "submitted_at",
                    "submitted_by",
                    "withdrawn_at",
                    "withdrawn_by",
                    "withdrawal_reason",
                ]
            },
        ),
    ]

    MANAGER_COLUMNS = (
        "reference",
        "title_display",
        "round",
        "lead_organisation_name",
        "status",
        "requested_amount_display",
        "partners_confirmed",
        "submitted_at",
        "assessment_progress",
        "moderation_display",
        "decision_display",
    )
    ASSESSOR_COLUMNS = (
        "reference",
        "title_display",
        "round",
        "lead_organisation_name",
        "requested_amount_display",
        "own_due_display",
        "own_step_link",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        queryset = selectors.applications_for_admin()
        if sees_all(request):
            return assessment_selectors.applications_with_progress(queryset)
        return assessment_selectors.applications_open_to_assessor(
            queryset, user=request_staff_user(request)
        )

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Application | None:
        # Looked for among them all, so that one not assigned to an assessor is refused
        # (``has_view_permission``) rather than said not to exist.
        try:
            return selectors.applications_for_admin().get(pk=int(object_id))
        except (Application.DoesNotExist, ValueError):
            return None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        if obj is None or sees_all(request):
            return True
        return assessment_selectors.application_is_open_to_assessor(
            application=obj, user=request_staff_user(request)
        )

    def get_list_display(self, request: HttpRequest) -> Any:
        return self.MANAGER_COLUMNS if sees_all(request) else self.ASSESSOR_COLUMNS

    def get_list_filter(self, request: HttpRequest) -> Any:
        if sees_all(request):
            return ["status", AssessmentProgressFilter, "round", "phase"]
        return ["round", "phase"]

    def change_page_context(self, request: HttpRequest, application: Application) -> dict[str, Any]:
        if not self.has_view_permission(request, application):
            return {}
        return {
            **application_assessment_context(request, application),
            **application_decision_context(request, application),
        }

    # Columns of assessment

    @admin.display(description="assessments")
    def assessment_progress(self, application: Application) -> SafeString | str:
        if application.status != ApplicationStatus.SUBMITTED:
            return "-"
        submitted = getattr(application, "assessments_submitted", 0)
        open_ = getattr(application, "assessments_open", 0)
        conflicted = getattr(application, "assessments_conflicted", 0)
        wanted = application.round.assessors_per_application
        if not submitted and not open_:
            progress = "Not assigned"
        else:
            progress = f"{submitted} of {wanted} submitted"
            if submitted + open_ < wanted:
                progress += f", {wanted - submitted - open_} to assign"
        if conflicted:
            return format_html(
                "{}; <strong>{} conflict{} declared</strong>",
                progress,
                conflicted,
                "" if conflicted == 1 else "s",
            )
        return progress

    @admin.display(description="moderated", boolean=True)
    def moderation_display(self, application: Application) -> bool:
        return bool(getattr(application, "is_moderated", False))

    @admin.display(description="decision", ordering="decision__outcome")
    def decision_display(self, application: Application) -> str:
        decision = getattr(application, "decision", None)
        if decision is None:
            return "-"
        if decision.outcome:
            amount = formats.money(decision.award_amount)
            return decision.get_outcome_display() + (f", {amount}" if amount else "")
        if decision.recommendation:
            return f"Recommended: {decision.get_recommendation_display().lower()}"
        return "-"

    @admin.display(description="your assessment is due", ordering="own_due_on")
    def own_due_display(self, application: Application) -> str:
        due = getattr(application, "own_due_on", None)
        return formats.day(due) if due else "-"

    @admin.display(description="your next step")
    def own_step_link(self, application: Application) -> SafeString | str:
        label, url = next_step(
            getattr(application, "own_assessment_id", 0), getattr(application, "own_status", "")
        )
        if not url:
            return "-"
        return format_html(
            '<a href="{}" aria-label="{}: {}">{}</a>', url, label, application.reference, label
        )

    @admin.display(description="title", ordering="title")
    def title_display(self, application: Application) -> str:
        return application.title or "Untitled"

    @admin.display(description="lead organisation", ordering="lead_organisation__name")
    def lead_organisation_name(self, application: Application) -> str:
        return application.lead_organisation.name

    @admin.display(description="amount requested", ordering="requested_amount")
    def requested_amount_display(self, application: Application) -> str:
        return formats.money(application.requested_amount) or "-"

    @admin.display(description="partners confirmed", ordering="partner_count")
    def partners_confirmed(self, application: Application) -> str:
        total = getattr(application, "partner_count", 0)
        confirmed = getattr(application, "confirmed_partner_count", 0)
        return f"{confirmed} of {total}" if total else "No partners"

    @admin.display(description="kinds of output")
    def output_types_display(self, application: Application) -> str:
        return ", ".join(OutputType(value).label for value in application.output_types) or "-"

    @admin.display(description="budget lines add up to")
    def budget_total(self, application: Application) -> str:
        lines = list(application.budget_lines.all())
        if not lines:
            return "No budget lines yet"
        total = sum((line.amount for line in lines), Decimal(0))
        if application.requested_amount is not None and total != application.requested_amount:
            return f"{formats.money(total)}: not the amount requested"
        return formats.money(total)

    @admin.display(description="from expressions of interest")
    def from_eois(self, application: Application) -> SafeString | str:
        eois = list(application.eois.order_by("reference"))
        if not eois:
            return "-"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:funding_expressionofinterest_change", args=[eoi.pk]), eoi.reference)
                for eoi in eois
            ),
        )


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """The deadline reminders sent, one per bid, offset and person, for reading: the rows
    that stop a reminder going twice."""

    list_display = ["sent_at", "bid", "offset_days", "recipient"]
    list_filter = ["offset_days"]
    list_select_related = ["eoi", "application", "recipient"]
    search_fields = ["eoi__reference", "application__reference", "recipient__email"]
    search_help_text = "Search by the bid's reference or the recipient's email."
    ordering = ["-sent_at", "-pk"]
    fields = ("eoi", "application", "offset_days", "recipient", "sent_at")
    readonly_fields = fields

    @admin.display(description="bid")
    def bid(self, reminder: DeadlineReminder) -> str:
        bid = reminder.eoi or reminder.application
        return bid.reference if bid is not None else "-"
