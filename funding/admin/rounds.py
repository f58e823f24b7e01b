"""Staff screens for funds and rounds: a round's dates, rules, phase caps, assessment
criteria, published questions and reminders, configured rather than coded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import ObjectActionsMixin, refusal_response
from localdigital.admin_pages import ServiceSaveMixin
from localdigital.errors import DomainError
from localdigital.public_cache import PublicContentAdminMixin

from .. import formats
from ..models import (
    REPORTING_FIELDS,
    ROUND_DATE_FIELDS,
    Criterion,
    Fund,
    PhaseCap,
    Round,
    RoundQuestion,
)
from ..services import funds as fund_services
from ..services import rounds as services
from ..services.funds import FUND_FIELDS
from ..services.rounds import ROUND_FIELDS
from .decisions_round import RoundDecisionsMixin
from .filters import RoundDecisionsFilter
from .forms.rounds import CriterionFormSet, RoundForm, RoundQuestionForm
from .overview import RoundOverviewMixin, overview_url


@admin.register(Fund)
class FundAdmin(ServiceSaveMixin, PublicContentAdminMixin, admin.ModelAdmin):
    """Funds, such as the Local Digital Fund, and how many rounds each has run.

    A fund is made, changed and deleted through ``funding.services.funds``, audited. One
    that has run a round is not deleted: the delete page names its rounds, and a round added
    since the page opened is refused by the service, said on the page staff came from.
    """

    public_areas = ("funding",)

    list_display = ["name", "slug", "round_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fund]:
        return super().get_queryset(request).annotate(round_count=Count("rounds"))

    @admin.display(description="rounds", ordering="round_count")
    def round_count(self, fund: Fund) -> int:
        return getattr(fund, "round_count", 0)

    def save_through_service(
        self, request: HttpRequest, obj: Fund, form: Any, change: bool
    ) -> Fund:
        """Save the fund through ``fund_create`` or ``fund_update``, which audit what was set
        or what changed."""
        values = {name: getattr(obj, name) for name in FUND_FIELDS if name in form.fields}
        staff = request_staff_user(request)
        if not change:
            return fund_services.fund_create(values=values, created_by=staff)
        return fund_services.fund_update(fund_id=obj.pk, values=values, updated_by=staff)

    def delete_model(self, request: HttpRequest, obj: Fund) -> None:
        fund_services.funds_delete(fund_ids=[obj.pk], deleted_by=request_staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Fund]) -> None:
        fund_services.funds_delete(
            fund_ids=list(queryset.values_list("pk", flat=True)),
            deleted_by=request_staff_user(request),
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as error:
            return refusal_response(request, error)


class PhaseCapInline(admin.TabularInline):
    """The phases the round funds, each with the most one project may be awarded."""

    model = PhaseCap
    extra = 1


class CriterionInline(admin.TabularInline):
    """The criteria applications are assessed against, with their weights."""

    model = Criterion
    formset = CriterionFormSet
    extra = 1
    fields = ["name", "guidance", "weight", "scale_max", "position"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "guidance":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RoundQuestionInline(admin.StackedInline):
    """Questions asked about the round, with staff's answers; public once published."""

    model = RoundQuestion
    form = RoundQuestionForm
    extra = 1
    fields = ["question", "answer", "is_published", "published_at", "position"]
    readonly_fields = ["published_at"]


@admin.register(Round)
class RoundAdmin(
    ObjectActionsMixin,
    ServiceSaveMixin,
    PublicContentAdminMixin,
    RoundOverviewMixin,
    RoundDecisionsMixin,
    admin.ModelAdmin,
):
    """Rounds, with their status as derived from their dates.

    A round's page sets its dates (in order), rules, phase caps, criteria (weights adding
    up to 100), questions and answers (published with a time), reminder offsets and how its
    projects report. It links to the round's overview and ranking, and records the
    Minister's approval of its decisions, after which the announcement time is locked.
    """

    public_areas = ("funding",)
    form = RoundForm
    inlines = [PhaseCapInline, CriterionInline, RoundQuestionInline]
    list_display = [
        "name",
        "overview_link",
        "status",
        *ROUND_DATE_FIELDS,
        "budget_display",
        "is_published",
    ]
    list_filter = ["fund", "is_published", RoundDecisionsFilter]
    list_select_related = ["fund"]
    search_fields = ["name", "slug"]
    ordering = ["-number"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "status",
        "decisions_approved_at",
        "decisions_approved_by",
        "announced_at",
        "created_at",
        "updated_at",
    ]
    actions = ["approve_decisions"]
    fieldsets = [
        (None, {"fields": ["fund", "number", "name", "slug", "summary", "budget", "is_published"]}),
        (
            "Dates and times (UK time)",
            {
                "fields": [
                    "status",
                    *ROUND_DATE_FIELDS,
                    "date_precision",
                ]
            },
        ),
        (
            "Rules",
            {
                "fields": [
                    "min_participants",
                    "participants_must_be_signatories",
                    "max_led_applications",
                    "restricted_to_round",
                ]
            },
        ),
        ("Assessment", {"fields": ["assessors_per_application"]}),
        ("Reminders", {"fields": ["reminder_offsets_days"]}),
        ("Progress reports of the projects it funds", {"fields": list(REPORTING_FIELDS)}),
        (
            "Decisions",
            {"fields": ["decisions_approved_at", "decisions_approved_by", "announced_at"]},
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Round | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.decisions_approved_at is not None:
            # The announcement time is locked once the Minister has approved the decisions.
            fields.append("decisions_announced_at")
        return fields

    def change_page_context(self, request: HttpRequest, round: Round) -> dict[str, Any]:
        return {
            **self.round_decisions_context(request, round),
            "overview_url": overview_url(round),
        }

    @admin.display(description="status")
    def status(self, round: Round) -> str:
        if round.pk is None:
            return "-"
        return round.status_at(timezone.now()).label

    @admin.display(description="budget", ordering="budget")
    def budget_display(self, round: Round) -> str:
        return formats.money(round.budget)

    def save_through_service(
        self, request: HttpRequest, obj: Round, form: Any, change: bool
    ) -> Round:
        """Save the round through ``round_create`` or ``round_update``, which audit what was
        set or what changed."""
        values = {name: getattr(obj, name) for name in ROUND_FIELDS if name in form.fields}
        if not change:
            return services.round_create(values=values, created_by=request_staff_user(request))
        return services.round_update(
            round_id=obj.pk, values=values, updated_by=request_staff_user(request)
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Save the round's phases' caps, criteria and questions through one call of
        ``round_parts_save``, which audits each part added, changed or removed in one event."""
        form.save_m2m()
        saved, deleted = [], []
        for formset in formsets:
            saved += formset.save(commit=False)
            deleted += formset.deleted_objects
        services.round_parts_save(
            round=form.instance, saved=saved, deleted=deleted, by=request_staff_user(request)
        )
        for formset in formsets:
            formset.save_m2m()
