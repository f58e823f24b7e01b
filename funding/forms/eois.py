"""Forms for expressions of interest. They validate; views call the services."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from declaration import selectors as declaration_selectors
from declaration.forms.organisation_picker import OrganisationPickerField
from declaration.models import Organisation
from localdigital.forms import form_helper, long_text_field, text_field

from ..models import Phase
from .common import money_field


class LeadOrganisationForm(forms.Form):
    """Which of the person's signatory organisations leads the bid."""

    organisation = forms.ModelChoiceField(
        label="Which organisation will lead the bid?",
        queryset=declaration_selectors.organisations_with_ids(organisation_ids=()),
        to_field_name="slug",
        empty_label=None,
        error_messages={
            "required": "Select the organisation that will lead the bid",
            "invalid_choice": "Select one of your organisations",
        },
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = declaration_selectors.organisations_with_ids(
            organisation_ids=[organisation.pk for organisation in organisations]
        )
        self.helper = form_helper(Field.radios("organisation", legend_size=Size.MEDIUM))


def phase_choices(phases: list[str]) -> list[tuple[str, str]]:
    """Return the round's phases as choices, in lifecycle order; all of them if it names
    none."""
    wanted = set(phases)
    return [(p.value, p.label) for p in Phase if not wanted or p.value in wanted]


class EoiDetailsForm(forms.Form):
    """The EOI's answers. A draft may be saved with some left empty: submitting checks
    that every one is answered. The first save, which starts the draft (``is_new``), needs
    at least its title, by which the draft is found again."""

    title = text_field("Title", name="Title", hint="A short name for the project")
    problem = long_text_field(
        "The problem, and who has it",
        name="The problem",
        hint="What goes wrong today, for whom, and how you know",
    )
    phase = forms.ChoiceField(
        label="Which phase would the project be?",
        required=False,
        choices=[],
        error_messages={"invalid_choice": "Select a phase this round funds"},
        widget=forms.RadioSelect,
    )
    estimated_cost = money_field(
        "Estimated cost", name="Estimated cost", hint="In pounds, for the whole project"
    )

    def __init__(self, *args: Any, phases: list[str], is_new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["phase"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = phase_choices(phases)
        if is_new:
            self.fields["title"].required = True
            self.fields["title"].error_messages["required"] = (
                "Enter a title for the bid, so that you can find the draft again"
            )
        self.helper = form_helper(
            "title",
            "problem",
            Field.radios("phase", legend_size=Size.SMALL),
            Field.text("estimated_cost", field_width=10),
        )


class PartnerForm(forms.Form):
    """An organisation to add as a partner, from the register."""

    organisation = OrganisationPickerField(
        label="Add a partner organisation",
        error_messages={
            "required": "Select the partner organisation",
            "invalid_choice": "Select the partner organisation from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("organisation", label_size=Size.MEDIUM))
