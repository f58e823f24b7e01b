"""The inlines of an application's admin page, for reading: its sections, partners, budget
lines and changes."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, QuerySet, When
from django.http import HttpRequest

from .. import formats
from ..models import (
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    BudgetLine,
    Section,
)
from .common import ReadOnlyInline


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
