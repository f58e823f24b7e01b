"""Staff screens for funds and rounds: a round's dates, rules, phase caps, assessment
criteria, published questions and reminders, configured rather than coded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from localdigital.public_cache import PublicContentAdminMixin

from .. import formats
from ..models import (
    REPORTING_FIELDS,
    ROUND_DATE_FIELDS,
    Criterion,
    DatePrecision,
    Fund,
    PhaseCap,
    Round,
    RoundQuestion,
)
from .decisions import RoundDecisionsMixin
from .filters import RoundDecisionsFilter
from .overview import RoundOverviewMixin, overview_url

# Reminders go at most this many days before a close: further out, nobody is drafting yet.
MAX_REMINDER_OFFSET_DAYS = 365
CRITERIA_WEIGHT_TOTAL = 100


@admin.register(Fund)
class FundAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    """Funds, such as the Local Digital Fund, and how many rounds each has run."""

    public_areas = ("funding",)

    list_display = ["name", "slug", "round_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fund]:
        return super().get_queryset(request).annotate(round_count=Count("rounds"))

    @admin.display(description="rounds", ordering="round_count")
    def round_count(self, fund: Fund) -> int:
        return getattr(fund, "round_count", 0)


class ReminderOffsetsField(forms.CharField):
    """Days before each close, typed as whole numbers separated by commas, such as "7,1"."""

    invalid = "Enter days as whole numbers separated by commas, such as 7,1"

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ",".join(str(day) for day in value)
        return value

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        days: set[int] = set()
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise ValidationError(f"“{part}” is not a whole number. {self.invalid}.")
            day = int(part)
            if not 1 <= day <= MAX_REMINDER_OFFSET_DAYS:
                raise ValidationError(
                    f"Each reminder goes from 1 to {MAX_REMINDER_OFFSET_DAYS} days before the "
                    f"close; {day} is not."
                )
            days.add(day)
        return sorted(days, reverse=True)


class RoundForm(forms.ModelForm):
    """A round, with its dates checked in order and each problem named beside its date."""

    reminder_offsets_days = ReminderOffsetsField(
        label="Reminder offsets (days)",
        required=False,
        help_text=(
            "Days before each close on which the writers of unsubmitted bids are reminded, "
            "separated by commas, such as 7,1. Leave empty to send no reminders."
        ),
    )

    class Meta:
        model = Round
        fields = [
            "fund",
            "number",
            "name",
            "slug",
            "summary",
            "budget",
            "is_published",
            *ROUND_DATE_FIELDS,
            "date_precision",
            "min_participants",
            "participants_must_be_signatories",
            "max_led_applications",
            "restricted_to_round",
            "assessors_per_application",
            "reminder_offsets_days",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "date_precision": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A round cannot be only for projects funded in itself.
        if "restricted_to_round" in self.fields and self.instance.pk is not None:
            field = self.fields["restricted_to_round"]
            field.queryset = field.queryset.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]

    def clean_date_precision(self) -> dict[str, str]:
        value = self.cleaned_data.get("date_precision") or {}
        allowed = {DatePrecision.WEEK.value, DatePrecision.MONTH.value, DatePrecision.EXACT.value}
        if not isinstance(value, dict) or any(
            key not in ROUND_DATE_FIELDS or item not in allowed for key, item in value.items()
        ):
            raise ValidationError(
                "Name the round's dates ("
                + ", ".join(ROUND_DATE_FIELDS)
                + ') and give each "week" or "month", such as {"decisions_announced_at": "week"}.'
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_dates(data)
        fund, number = data.get("fund"), data.get("number")
        if fund is not None and number is not None:
            taken = Round.objects.filter(fund=fund, number=number).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("number", f"{fund} already has a round {number}.")
        return data

    def _clean_dates(self, data: dict[str, Any]) -> None:
        """Name the date out of order, with what it must be, rather than the whole round.

        The model's constraints hold the same rules; a date with an error here is left out
        of their check, so each problem is told once.
        """
        eoi_opens = data.get("eoi_opens_at")
        eoi_closes = data.get("eoi_closes_at")
        opens = data.get("applications_open_at")
        closes = data.get("applications_close_at")
        # Once the decisions are approved, the announcement time is locked (not in the form).
        announcement_locked = "decisions_announced_at" not in self.fields
        decisions = (
            self.instance.decisions_announced_at
            if announcement_locked
            else data.get("decisions_announced_at")
        )
        errors = self.errors
        if eoi_opens is None and eoi_closes is not None and "eoi_opens_at" not in errors:
            self.add_error(
                "eoi_opens_at",
                "Enter when expressions of interest open, or leave both of their dates empty "
                "for a round with no EOI stage.",
            )
        elif eoi_closes is None and eoi_opens is not None and "eoi_closes_at" not in errors:
            self.add_error(
                "eoi_closes_at",
                "Enter when expressions of interest close, or leave both of their dates empty "
                "for a round with no EOI stage.",
            )
        elif eoi_opens is not None and eoi_closes is not None and eoi_closes <= eoi_opens:
            self.add_error("eoi_closes_at", "Expressions of interest must close after they open.")
        elif eoi_closes is not None and opens is not None and opens < eoi_closes:
            self.add_error(
                "applications_open_at",
                "Applications must open when expressions of interest close, or later.",
            )
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("applications_close_at", "Applications must close after they open.")
        elif closes is not None and decisions is not None and decisions < closes:
            if announcement_locked:
                self.add_error(
                    "applications_close_at",
                    "Applications must close before the decisions are announced: the "
                    "announcement time is locked, since the decisions are approved.",
                )
            else:
                self.add_error(
                    "decisions_announced_at",
                    "Decisions are announced when applications close, or later.",
                )


class PhaseCapInline(admin.TabularInline):
    """The phases the round funds, each with the most one project may be awarded."""

    model = PhaseCap
    extra = 1


class CriterionFormSet(BaseInlineFormSet):
    """The round's criteria, whose weights must add up to exactly 100."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("weight") is not None
        ]
        total = sum(weights)
        if weights and total != CRITERIA_WEIGHT_TOTAL:
            raise ValidationError(
                f"The criteria's weights add up to {total}. They must add up to exactly "
                f"{CRITERIA_WEIGHT_TOTAL}: change the weights, or add or remove a criterion.",
                code="weights",
            )


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


class RoundQuestionForm(forms.ModelForm):
    class Meta:
        model = RoundQuestion
        fields = ["question", "answer", "is_published", "position"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "answer": forms.Textarea(attrs={"rows": 4, "cols": 60}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("is_published") and not (data.get("answer") or "").strip():
            # The model's constraint says the same; named here, it shows beside the answer.
            self.add_error("answer", "A question needs an answer before it is published.")
        return data


class RoundQuestionInline(admin.StackedInline):
    """Questions asked about the round, with staff's answers; public once published."""

    model = RoundQuestion
    form = RoundQuestionForm
    extra = 1
    fields = ["question", "answer", "is_published", "published_at", "position"]
    readonly_fields = ["published_at"]


@admin.register(Round)
class RoundAdmin(
    PublicContentAdminMixin, RoundOverviewMixin, RoundDecisionsMixin, admin.ModelAdmin
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
        "eoi_opens_at",
        "eoi_closes_at",
        "applications_open_at",
        "applications_close_at",
        "decisions_announced_at",
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
                    "eoi_opens_at",
                    "eoi_closes_at",
                    "applications_open_at",
                    "applications_close_at",
                    "decisions_announced_at",
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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        round = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if round is not None:
            extra_context.update(self.round_decisions_context(request, round))
            extra_context["overview_url"] = overview_url(round)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="status")
    def status(self, round: Round) -> str:
        if round.pk is None:
            return "-"
        return round.status_at(timezone.now()).label

    @admin.display(description="budget", ordering="budget")
    def budget_display(self, round: Round) -> str:
        return formats.money(round.budget)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoundQuestion:
            super().save_formset(request, form, formset, change)
            return
        # A question is public from the moment it is published; unpublished, it is not.
        now = timezone.now()
        for question in formset.save(commit=False):
            if question.is_published and question.published_at is None:
                question.published_at = now
            elif not question.is_published:
                question.published_at = None
            question.save()
        for question in formset.deleted_objects:
            question.delete()
        formset.save_m2m()
