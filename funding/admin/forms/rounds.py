"""The forms of a round's page: its dates in order, its reminder offsets, criteria whose
weights add up to 100, and questions published only with an answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from ...models import (
    ROUND_DATE_FIELDS,
    DatePrecision,
    Round,
    RoundQuestion,
)
from ...services.rounds import ROUND_FIELDS

# Reminders go at most this many days before a close: further out, nobody is drafting yet.
MAX_REMINDER_OFFSET_DAYS = 365


CRITERIA_WEIGHT_TOTAL = 100


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
        fields = list(ROUND_FIELDS)
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
