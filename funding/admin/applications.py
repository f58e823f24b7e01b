"""Staff screens for applications and deadline reminders, for reading.

An application is its applicants' until they submit it, and assessment (part 2 of the Fund)
comes after; here staff follow them: the answers, the partners and whether each has
confirmed, the budget, and who changed what. Nobody adds, changes or deletes one here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import Case, QuerySet, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from .. import formats
from ..models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    BudgetLine,
    DeadlineReminder,
    OutputType,
    Section,
)
from ..selectors import staff as selectors
from .common import ReadOnlyInline


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and pages for reading: nobody adds, changes or deletes here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SectionInline(ReadOnlyInline):
    model = ApplicationSection
    fields = ["section", "is_completed", "version", "updated_at", "updated_by"]
    related = ("updated_by",)
    verbose_name = "section"
    verbose_name_plural = "sections"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApplicationSection]:
        # In the task list's order, as the applicants see them.
        order = Case(
            *(When(section=section, then=index) for index, section in enumerate(Section)),
            default=len(Section),
        )
        return super().get_queryset(request).order_by(order)


class PartnerInline(ReadOnlyInline):
    model = ApplicationPartner
    fields = ["organisation", "role", "contact_name", "contact_email", "confirmation"]
    related = ("organisation",)
    verbose_name = "partner organisation"
    verbose_name_plural = "partner organisations"

    @admin.display(description="confirmation")
    def confirmation(self, partner: ApplicationPartner) -> str:
        if partner.confirmed_at is not None:
            return f"Confirmed on {formats.day(partner.confirmed_at)}"
        if partner.confirmation_requested_at is not None:
            return f"Asked on {formats.day(partner.confirmation_requested_at)}, not confirmed yet"
        return "Not asked yet: no contact given"


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ["description", "amount_display"]
    verbose_name = "budget line"
    verbose_name_plural = "budget"

    @admin.display(description="amount")
    def amount_display(self, line: BudgetLine) -> str:
        return formats.money(line.amount)


class ChangeInline(ReadOnlyInline):
    model = ApplicationChange
    fields = ["changed_at", "changed_by", "section", "description"]
    related = ("changed_by",)
    verbose_name = "change"
    verbose_name_plural = "history"


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Applications to every round, for reading: their answers, partners, budget and history."""

    list_display = [
        "reference",
        "title_display",
        "round",
        "lead_organisation_name",
        "status",
        "requested_amount_display",
        "partners_confirmed",
        "submitted_at",
    ]
    list_display_links = ["reference", "title_display"]
    list_filter = ["status", "round", "phase"]
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return selectors.applications_for_admin()

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
class DeadlineReminderAdmin(ReadOnlyAdmin):
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
