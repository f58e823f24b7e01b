"""What the funding forms share: GOV.UK widgets, money fields and the section's footer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms


def money_field(
    label: str,
    *,
    name: str,
    hint: str = "",
    required: str = "",
    zero_allowed: bool = False,
    example: str = "80000 or 80,000.50",
) -> MoneyField:
    """Return an amount in pounds, such as 80000 or 80,000.50; commas and a £ are allowed.
    It is at least £1, or £0 when ``zero_allowed`` (a spend); ``example`` is what the
    message for an amount it cannot read shows."""
    return MoneyField(
        label=label,
        help_text=hint,
        required=bool(required),
        min_value=Decimal(0) if zero_allowed else Decimal(1),
        max_value=Decimal("9999999999"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": required,
            "invalid": f"{name} must be an amount in pounds, like {example}",
            "min_value": f"{name} must be £0 or more"
            if zero_allowed
            else f"{name} must be at least £1",
            "max_value": f"{name} must be less than £10,000,000,000",
            "max_decimal_places": f"{name} must have no more than 2 digits after the point",
            "max_digits": f"{name} must be less than £10,000,000,000",
            "max_whole_digits": f"{name} must be less than £10,000,000,000",
        },
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}
        ),
    )


class MoneyField(forms.DecimalField):
    """A decimal field that accepts what people type for money: "£80,000", " 80000 "."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", "").removeprefix("£").strip()
        return super().to_python(value)


YES = "yes"
NO = "no"


class SectionCompletedMixin(forms.Form):
    """The GOV.UK task list's question at the foot of each section, and the version of the
    section that the form was opened at."""

    completed = forms.ChoiceField(
        label="Have you completed this section?",
        choices=[(YES, "Yes, I've completed this section"), (NO, "No, I'll come back to it later")],
        error_messages={"required": "Select whether you have completed this section"},
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    # The fields a completed section must answer, with the message for each when empty.
    required_when_completed: dict[str, str] = {}

    @property
    def is_completed(self) -> bool:
        return self.cleaned_data.get("completed") == YES

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("completed") == YES:
            for name, message in self.required_when_completed.items():
                if name not in self.errors and cleaned.get(name) in (None, "", []):
                    self.add_error(name, message)
        return cleaned
