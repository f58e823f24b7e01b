"""Forms a funded project's team uses to ask for a change: a new end date, money moved
between budget lines, or a milestone changed, each with the reason. They check what each
answer must look like; the services hold the rules (a change never raises the award), and
the pages show their refusals beside the answers."""

from __future__ import annotations

from typing import Any

from django import forms

from localdigital.forms import DateField, form_helper, long_text_field, text_field

from ..models import BudgetLine, ProjectMilestone
from .common import money_field

DATE_HINT = "For example, 31 3 2027"


def reason_field() -> forms.CharField:
    return long_text_field(
        "Why is the change needed?",
        name="The reason",
        required="Say why the change is needed",
        rows=5,
    )


class EndDateChangeForm(forms.Form):
    new_end_on = DateField(
        label="New end date",
        name="The new end date",
        required="Enter the new end date",
        hint=DATE_HINT,
    )
    reason = reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("new_end_on", "reason")


class LineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.description)


class BudgetChangeForm(forms.Form):
    from_line = LineChoiceField(
        queryset=BudgetLine.objects.none(),
        label="Move money from",
        empty_label="Choose a budget line",
        error_messages={
            "required": "Choose the budget line to move money from",
            "invalid_choice": "Choose one of the project's budget lines",
        },
    )
    to_line = LineChoiceField(
        queryset=BudgetLine.objects.none(),
        label="Move it to",
        empty_label="Choose a budget line",
        error_messages={
            "required": "Choose the budget line to move money to",
            "invalid_choice": "Choose one of the project's budget lines",
        },
    )
    amount = money_field(
        "Amount to move (£)", name="The amount to move", required="Enter the amount to move"
    )
    reason = reason_field()

    def __init__(self, *args: Any, lines: list[BudgetLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = BudgetLine.objects.filter(pk__in=[line.pk for line in lines])
        for name in ("from_line", "to_line"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
            field.widget.attrs["class"] = "govuk-select"
        self.helper = form_helper("from_line", "to_line", "amount", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_line") and data.get("from_line") == data.get("to_line"):
            self.add_error("to_line", "Choose a different budget line to move the money to")
        return data


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class MilestoneChangeForm(forms.Form):
    milestone = MilestoneChoiceField(
        queryset=ProjectMilestone.objects.none(),
        label="Milestone",
        empty_label="Choose a milestone",
        error_messages={
            "required": "Choose the milestone to change",
            "invalid_choice": "Choose one of the project's milestones",
        },
    )
    milestone_title = text_field("New title (optional)", name="The new title")
    milestone_planned_on = DateField(
        label="New planned date (optional)", name="The new planned date", hint=DATE_HINT
    )
    reason = reason_field()

    def __init__(self, *args: Any, milestones: list[ProjectMilestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["milestone"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ProjectMilestone.objects.filter(pk__in=[m.pk for m in milestones])
        field.widget.attrs["class"] = "govuk-select"
        self.helper = form_helper("milestone", "milestone_title", "milestone_planned_on", "reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.errors
            and not data.get("milestone_title")
            and not data.get("milestone_planned_on")
        ):
            self.add_error(
                "milestone_title", "Enter the milestone's new title, its new date, or both"
            )
        return data
