"""The forms of the payment screens: an award's schedule of instalments, each tied to a
progress report or to the offer's acceptance, and the record of an instalment paid."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from ... import formats
from ...models import Award, AwardStatus, Instalment, ProgressReport

# Instalments are scheduled for awards that may still be paid.
SCHEDULABLE = (AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.ACTIVE)


class InstalmentFormSet(BaseInlineFormSet):
    """The payment schedule: a paid instalment cannot be changed or removed, the instalments
    cannot add up to more than the award, and a declined or completed award takes no new
    ones."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        award: Award = self.instance
        total = Decimal(0)
        for form in self.forms:
            if not form.cleaned_data:
                continue
            instalment: Instalment = form.instance
            deleted = form.cleaned_data.get("DELETE", False)
            is_paid = instalment.pk is not None and instalment.paid_at is not None
            if is_paid and (deleted or form.has_changed()):
                raise ValidationError(
                    f"The instalment due {formats.day(instalment.due_on)} is paid, so it "
                    "can no longer change or be removed.",
                    code="paid",
                )
            if instalment.pk is None and award.status not in SCHEDULABLE:
                raise ValidationError(
                    f"This award is {award.get_status_display().lower()}, so it takes no new "
                    "instalments.",
                    code="closed",
                )
            if not deleted and form.cleaned_data.get("amount") is not None:
                total += form.cleaned_data["amount"]
        if total > award.amount:
            raise ValidationError(
                f"The instalments add up to {formats.money(total)}, more than the "
                f"{formats.money(award.amount)} awarded.",
                code="total",
            )


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, due {formats.day(obj.due_at)}"


class InstalmentForm(forms.ModelForm):
    report = ReportChoiceField(
        queryset=ProgressReport.objects.none(),
        required=False,
        label="paid once this report is accepted",
        empty_label="No report",
    )

    class Meta:
        model = Instalment
        fields = ["due_on", "amount", "report", "on_offer_acceptance"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "due_on": {
                "required": "Enter the date the instalment is due.",
                "invalid": "Enter the due date as a real date, such as 27 March 2026.",
            },
            "amount": {
                "required": "Enter the instalment's amount.",
                "invalid": "Enter the amount in pounds, such as 30000.",
            },
        }


class PayForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount paid (£)",
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the amount paid.",
            "invalid": "Enter the amount in pounds, such as 30000.",
            "min_value": "The amount paid must be more than £0.",
        },
    )
    paid_on = forms.DateField(
        label="Date paid",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date the instalment was paid.",
            "invalid": "Enter the date as a real date, such as 27 March 2026.",
        },
    )
