"""The forms of an award's page: its schedule of instalments."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from ... import formats
from ...models import Award, AwardStatus, Instalment

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
                    f"The instalment due {formats.day_of(instalment.due_on)} is paid, so it "
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


class InstalmentForm(forms.ModelForm):
    class Meta:
        model = Instalment
        fields = ["due_on", "amount"]
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
