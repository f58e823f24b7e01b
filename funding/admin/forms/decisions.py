"""The forms of recommendations, decisions and the Minister's approval. The rules they are
about are the services': each form shows the service's refusal."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ...models import (
    DecisionOutcome,
    Recommendation,
)


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 60})


def _amount(label: str, *, minimum: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(minimum),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": minimum, "step": "0.01"}),
        error_messages={
            "invalid": "Enter the amount in pounds, such as 60000 or 60000.50.",
            "min_value": f"Enter an amount of £{minimum} or more.",
            "max_digits": "Enter an amount under £10,000,000,000.",
            "max_decimal_places": "Enter the amount in pounds and pence, such as 60000.50.",
        },
    )


class RecommendForm(forms.Form):
    required_css_class = "required"

    recommendation = forms.ChoiceField(
        label="What do you recommend?",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you recommend."},
    )
    recommended_amount = _amount("Amount to recommend (£)", minimum=0)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=_textarea(),
        help_text="For the panel and the Minister: why, and any conditions to set.",
    )


class DecisionForm(forms.Form):
    required_css_class = "required"

    outcome = forms.ChoiceField(
        label="Decision",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approved or rejected."},
    )
    award_amount = _amount("If approved, the amount awarded (£)", minimum=1)
    conditions = forms.CharField(
        label="If approved, any conditions of the grant",
        required=False,
        widget=_textarea(),
    )
    feedback = forms.CharField(
        label="Feedback for the applicant",
        required=False,
        widget=_textarea(6),
        help_text="Needed for a rejection: the applicant is told why. Sent when the round is "
        "announced, never before.",
    )


class ApproveForm(forms.Form):
    required_css_class = "required"

    confirmed = forms.BooleanField(
        label="The Minister has approved the decisions of this round",
        help_text=(
            "Once recorded, the decisions, the recommendations and the announcement time can "
            "no longer change. Applicants are told at the announcement time."
        ),
        error_messages={"required": "Confirm that the Minister has approved the decisions."},
    )
