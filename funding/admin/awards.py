"""Staff screens for awards (funded projects): the list by round, lead, amount and status;
each award's page with its application, partners, milestones, reporting schedule, payment
schedule, progress updates and outputs; and the buttons that set its planned dates and
record that the work started and finished.

Awards are made by the announcement of a round's decisions and answered by the lead
organisation, so nobody adds, deletes or edits one here: staff keep its milestones and
instalments (``reports.py``, ``instalments.py``), saved through ``milestones_save`` and
``instalments_save``, and every change of state goes through a service.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from localdigital.accounts.models import User
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import ObjectActionsMixin, run_each
from localdigital.admin_pages import InlineServiceSaveMixin, ReadOnlyRowsMixin

from .. import formats
from ..models import (
    Award,
    AwardStatus,
    Instalment,
    ProgressUpdate,
    ProjectMilestone,
    ProjectOutput,
)
from ..services import awards as services
from ..services.instalments import instalments_save
from ..services.milestones import milestones_save
from .changes import ChangeRequestInline
from .common import ReadOnlyInline
from .instalments import InstalmentInline
from .portfolio import PortfolioMixin
from .reports import AwardReportingMixin, ProgressReportInline, ProjectMilestoneInline

AWARD_CHANGE = "admin:funding_award_change"
# The service that saves each inline staff type in, whose refusal is shown above it.
SERVICES: dict[type[models.Model], Callable[..., None]] = {
    ProjectMilestone: milestones_save,
    Instalment: instalments_save,
}


class ProgressUpdateInline(ReadOnlyInline):
    model = ProgressUpdate
    fields = ["posted_at", "title", "body", "posted_by"]
    related = ("posted_by",)
    verbose_name = "progress update"
    verbose_name_plural = "progress updates (posted by the project team)"


class ProjectOutputInline(ReadOnlyInline):
    model = ProjectOutput
    fields = ["title", "output_type", "url", "added_at"]
    verbose_name = "output"
    verbose_name_plural = "outputs (added by the project team)"


# The award's page, every field read-only, in three sections.
PROJECT_FIELDS = ("title", "application_link", "round_name", "lead_name", "partners", "public_link")
AWARD_FIELDS = (
    "amount_display",
    "awarded_on",
    "status",
    "conditions",
    "planned_start_on",
    "planned_end_on",
    "summary",
)
HISTORY_FIELDS = (
    "created_at",
    "responded_at",
    "responded_by",
    "decline_reason",
    "started_at",
    "completed_at",
)


@admin.register(Award)
class AwardAdmin(
    ReadOnlyRowsMixin,
    InlineServiceSaveMixin,
    PortfolioMixin,
    ObjectActionsMixin,
    AwardReportingMixin,
    admin.ModelAdmin,
):
    """Awards, the funded projects: by round, lead, amount and status.

    An award's page links to its application, lists the partners, and holds the payment
    schedule, where staff add dated instalments and mark each paid; its buttons record that
    the work started (accepted → active) and that it finished (active → completed). Every
    field of the award is read-only: only its milestones and instalments are saved here,
    through ``milestones_save`` and ``instalments_save``, whose refusal is shown above the
    milestones or the payment schedule, with what staff typed kept.
    """

    list_display = [
        "title",
        "round_name",
        "lead_name",
        "amount_display",
        "status",
        "awarded_on",
        "paid_display",
    ]
    list_filter = ["status", "application__round"]
    list_select_related = ["application__round", "application__lead_organisation"]
    search_fields = ["title", "application__reference", "application__lead_organisation__name"]
    search_help_text = "Search by title, application reference or lead organisation."
    ordering = ["-awarded_on", "title"]
    inlines = [
        ProjectMilestoneInline,
        ProgressReportInline,
        InstalmentInline,
        ChangeRequestInline,
        ProgressUpdateInline,
        ProjectOutputInline,
    ]
    actions = ["set_dates", "start_selected", "complete_selected"]
    fieldsets = [
        (None, {"fields": PROJECT_FIELDS}),
        ("The award", {"fields": AWARD_FIELDS}),
        ("History", {"fields": HISTORY_FIELDS}),
    ]
    readonly_fields = [*PROJECT_FIELDS, *AWARD_FIELDS, *HISTORY_FIELDS]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Award]:
        return (
            super()
            .get_queryset(request)
            .select_related("application__round", "application__lead_organisation")
            .annotate(
                paid_total=Sum(
                    "instalments__paid_amount", filter=Q(instalments__paid_at__isnull=False)
                ),
                instalment_count=Count("instalments"),
            )
        )

    # Columns and fields

    @admin.display(description="round", ordering="application__round__number")
    def round_name(self, award: Award) -> str:
        return award.application.round.name

    @admin.display(description="lead organisation", ordering="application__lead_organisation__name")
    def lead_name(self, award: Award) -> str:
        return award.application.lead_organisation.name

    @admin.display(description="amount awarded", ordering="amount")
    def amount_display(self, award: Award) -> str:
        return formats.money(award.amount)

    @admin.display(description="paid so far")
    def paid_display(self, award: Award) -> str:
        paid = getattr(award, "paid_total", None) or Decimal(0)
        return formats.money(paid)

    @admin.display(description="application")
    def application_link(self, award: Award) -> SafeString:
        application = award.application
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:funding_application_change", args=[application.pk]),
            application.reference,
        )

    @admin.display(description="partner organisations")
    def partners(self, award: Award) -> SafeString | str:
        partners = list(
            award.application.partners.select_related("organisation").order_by("organisation__name")
        )
        if not partners:
            return "None"
        return format_html_join(", ", "{}", ((p.organisation.name,) for p in partners))

    @admin.display(description="public page")
    def public_link(self, award: Award) -> SafeString | str:
        if not award.is_public:
            return "None: the offer was declined"
        try:
            url = reverse("funding:project-detail", args=[award.slug])
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">{}</a>', url, url)

    # The award's page and its buttons

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Save the milestones through ``milestones_save`` and the payment schedule through
        ``instalments_save``, each of which checks its rules and audits what was added,
        changed or removed in one event; the other inlines are read-only."""
        form.save_m2m()
        staff = request_staff_user(request)
        for formset in formsets:
            service = SERVICES.get(formset.model)
            if service is None:
                # A read-only inline: it has nothing to save.
                self.save_formset(request, form, formset, change=change)
                continue
            saved = formset.save(commit=False)
            self.inline_save(
                request,
                formset,
                partial(
                    service,
                    award=form.instance,
                    saved=saved,
                    deleted=formset.deleted_objects,
                    by=staff,
                ),
            )

    object_actions_heading = "Work on this award"

    def object_action_choices(self, request: HttpRequest, award: Award) -> list[tuple[str, str]]:
        buttons = []
        if award.status in (AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.ACTIVE):
            buttons.append(("set_dates", "Set the planned dates…"))
        if award.status == AwardStatus.ACCEPTED:
            buttons.append(("start_selected", "Record that work started"))
        if award.status == AwardStatus.ACTIVE:
            buttons.append(("complete_selected", "Record that it finished"))
        return buttons

    @admin.action(description="Record that work started", permissions=["change"])
    def start_selected(self, request: HttpRequest, queryset: QuerySet[Award]) -> Any:
        self._each_award(
            request,
            queryset,
            lambda award, staff: services.award_start(award=award, started_by=staff),
            done="Recorded that work started on {}.",
        )

    @admin.action(description="Record that it finished", permissions=["change"])
    def complete_selected(self, request: HttpRequest, queryset: QuerySet[Award]) -> Any:
        self._each_award(
            request,
            queryset,
            lambda award, staff: services.award_complete(award=award, completed_by=staff),
            done="Recorded that {} finished.",
        )

    def _each_award(
        self,
        request: HttpRequest,
        queryset: QuerySet[Award],
        step: Callable[[Award, User], object],
        *,
        done: str,
    ) -> None:
        """Take ``step`` on each award selected, as the member of staff, saying which."""
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            list(queryset.order_by("pk")),
            lambda award: step(award, staff),
            label=lambda award: award.title,
            done=done,
            refused="Not changed:",
        )
