"""The forms of the payment screens: an award's schedule of instalments, each tied to a
progress report or to the offer's acceptance, and the record of an instalment paid.

They check what is typed in each field; the rules of the schedule (a paid instalment stays as
it is, a closed award takes no new ones, the total stays within the award) are the service's,
``funding.services.instalments.instalments_save``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet

from ... import formats
from ...models import Instalment, ProgressReport


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, due {formats.day(obj.due_at)}"


class InstalmentForm(forms.ModelForm):
    """One instalment of the schedule. A paid one is shown as it is, its fields disabled:
    nothing typed in them is read, as the service would refuse any change to it."""

    report = ReportChoiceField(
        queryset=ProgressReport.objects.none(),
        required=False,
        label="paid once this report is accepted",
        empty_label="No report",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.paid_at is not None:
            for field in self.fields.values():
                field.disabled = True

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


class InstalmentFormSet(BaseInlineFormSet):
    """The payment schedule, whose paid instalments cannot be ticked for removal."""

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        instalment = getattr(form, "instance", None)
        if "DELETE" in form.fields and instalment is not None and instalment.paid_at:
            form.fields["DELETE"].disabled = True


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
