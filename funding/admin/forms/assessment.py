"""The forms of the assessment screens: assigning assessors, declaring a conflict of
interest, scoring and moderating. They validate what staff typed; the services hold the
rules and have the last word."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from localdigital.accounts.models import User

from ...models import Criterion
from ...selectors import assessment as selectors
from ...services.assessment_moderation import ModerationValue
from ...services.assessment_scoring import ScoreValue

YES = "yes"
NO = "no"


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 60})


class AssignAssessorsForm(forms.Form):
    """The assessors to share the applications between, and when their assessments are due."""

    required_css_class = "required"

    assessors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Assessors",
        help_text=(
            "Each application is given the round's number of assessors from those you "
            "choose, the least busy first. Nobody is given an application they are already "
            "assigned, have a conflict with, or whose organisations they belong to."
        ),
        error_messages={
            "required": "Choose at least one assessor.",
            "invalid_choice": "Choose assessors from the list.",
            "invalid_pk_value": "Choose assessors from the list.",
        },
    )
    due_on = forms.DateField(
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="For example, 27 March 2026. Assessors are reminded 2 days before.",
        error_messages={
            "required": "Enter the date the assessments are due.",
            "invalid": "Enter the due date as a real date, such as 27 March 2026.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assessors"]
        field.queryset = selectors.assessors()  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda user: (
                f"{user.full_name or user.email} ({user.email}), "
                f"{user.open_count} open assessment{'s' if user.open_count != 1 else ''}"
            )
        )

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future.")
        return due_on


class ConflictForm(forms.Form):
    """The assessor's declaration: a conflict of interest with the application, or none."""

    required_css_class = "required"

    has_conflict = forms.ChoiceField(
        label="Do you have a conflict of interest with this application?",
        choices=[(NO, "No, I have no conflict of interest"), (YES, "Yes, I have a conflict")],
        widget=forms.RadioSelect,
        help_text=(
            "You have one if you, or someone close to you, works for or advises an "
            "organisation in the bid, or would gain or lose from its outcome."
        ),
        error_messages={"required": "Say whether you have a conflict of interest."},
    )
    note = forms.CharField(
        label="If you have a conflict, what is it?",
        required=False,
        widget=_textarea(),
        help_text="The fund manager reads this, and gives the application to someone else.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_conflict") == YES and not data.get("note", "").strip():
            self.add_error("note", "Say what the conflict of interest is.")
        return data

    def is_conflict(self) -> bool:
        """Return whether the assessor declared a conflict (once the form is valid)."""
        return self.cleaned_data["has_conflict"] == YES


def score_field(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


def justification_field(criterion: Criterion) -> str:
    return f"justification_{criterion.pk}"


def note_field(criterion: Criterion) -> str:
    return f"note_{criterion.pk}"


def _score(criterion: Criterion, *, required: bool) -> forms.IntegerField:
    wrong = f"Enter a whole number from 0 to {criterion.scale_max} for “{criterion.name}”."
    return forms.IntegerField(
        label=f"Score for “{criterion.name}”, from 0 to {criterion.scale_max}",
        required=required,
        min_value=0,
        max_value=criterion.scale_max,
        widget=forms.NumberInput(attrs={"min": 0, "max": criterion.scale_max, "step": 1}),
        error_messages={
            "required": f"Give a score for “{criterion.name}”.",
            "invalid": wrong,
            "min_value": wrong,
            "max_value": wrong,
        },
    )


class ScoringForm(forms.Form):
    """A score and a justification per criterion of the round.

    Saving a draft keeps whatever is filled in, but a score needs its justification and a
    justification its score; submitting needs both for every criterion.
    """

    required_css_class = "required"

    def __init__(
        self, *args: Any, criteria: Sequence[Criterion], submitting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submitting = submitting
        for criterion in self.criteria:
            self.fields[score_field(criterion)] = _score(criterion, required=False)
            self.fields[justification_field(criterion)] = forms.CharField(
                label=f"Why you gave “{criterion.name}” this score",
                required=False,
                widget=_textarea(),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for criterion in self.criteria:
            score_name, why_name = score_field(criterion), justification_field(criterion)
            if score_name in self.errors:
                continue
            score = data.get(score_name)
            why = (data.get(why_name) or "").strip()
            if score is None and (why or self.submitting):
                self.add_error(score_name, f"Give a score for “{criterion.name}”.")
            if not why and (score is not None or self.submitting):
                self.add_error(why_name, f"Justify the score for “{criterion.name}”.")
        return data

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        """Return each criterion with its two fields, for the page."""
        return [(c, self[score_field(c)], self[justification_field(c)]) for c in self.criteria]

    def values(self) -> dict[int, ScoreValue]:
        return {
            criterion.pk: ScoreValue(
                score=self.cleaned_data.get(score_field(criterion)),
                justification=self.cleaned_data.get(justification_field(criterion)) or "",
            )
            for criterion in self.criteria
        }


class ModerationForm(forms.Form):
    """The moderated score of every criterion, each with an optional note."""

    required_css_class = "required"

    def __init__(self, *args: Any, criteria: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            field = _score(criterion, required=True)
            field.label = f"Moderated score for “{criterion.name}”, from 0 to {criterion.scale_max}"
            field.error_messages["required"] = f"Give the moderated score for “{criterion.name}”."
            self.fields[score_field(criterion)] = field
            self.fields[note_field(criterion)] = forms.CharField(
                label=f"Note on “{criterion.name}”",
                required=False,
                widget=_textarea(3),
                help_text="Why you settled on this score, especially where assessors differ.",
            )

    def fields_for(self, criterion: Criterion) -> tuple[forms.BoundField, forms.BoundField]:
        return self[score_field(criterion)], self[note_field(criterion)]

    def values(self) -> dict[int, ModerationValue]:
        return {
            criterion.pk: ModerationValue(
                score=self.cleaned_data[score_field(criterion)],
                note=self.cleaned_data.get(note_field(criterion)) or "",
            )
            for criterion in self.criteria
        }
