"""The public list of funded projects: its search and filters, sent in the address."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from crispy_forms_gds.layout import Field, Size
from django import forms

from localdigital.forms import filter_form_helper, filter_select
from localdigital.pagination import filter_choices
from localdigital.widgets import Select

from ..models import Phase
from ..selectors.project_list import FilterOption, ProjectFilters

SEARCH_MAX_LENGTH = 100


class ProjectFilterForm(forms.Form):
    """Search and filters for ``/funding/projects/`` (a GET form).

    A value that is not allowed (a round with no projects, say, from an edited address) is
    reported and ignored, and the other filters still apply. Any phase, and any
    organisation the service knows, may be asked for even with no projects yet: the list is
    then empty, which is the true answer.
    """

    q = forms.CharField(
        label="Search projects",
        help_text="Words in the title or summary, such as “planning” or “social care”.",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": f"Search must be {SEARCH_MAX_LENGTH} characters or fewer"},
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    round = forms.ChoiceField(
        label="Round",
        required=False,
        error_messages={"invalid_choice": "Choose a round from the list"},
        widget=Select,
    )
    phase = forms.ChoiceField(
        label="Phase",
        required=False,
        error_messages={"invalid_choice": "Choose a phase from the list"},
        widget=Select,
    )
    organisation = forms.ChoiceField(
        label="Organisation (leading or partnering)",
        required=False,
        error_messages={"invalid_choice": "Choose an organisation from the list"},
        widget=Select,
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        round_options: Sequence[FilterOption],
        phase_options: Sequence[FilterOption],
        organisation_options: Sequence[FilterOption],
        extra_organisation: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(data)
        phases = list(phase_options)
        known = {option.value for option in phases}
        phases += [FilterOption(p.value, p.label, 0) for p in Phase if p.value not in known]
        organisations = list(organisation_options)
        if extra_organisation is not None:
            organisations.append(FilterOption(extra_organisation[0], extra_organisation[1], 0))
        cast(forms.ChoiceField, self.fields["round"]).choices = filter_choices(
            "All rounds", round_options
        )
        cast(forms.ChoiceField, self.fields["phase"]).choices = filter_choices("All phases", phases)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = filter_choices(
            "All organisations", organisations
        )
        self.helper = filter_form_helper(
            Field.text("q", label_size=Size.SMALL),
            filter_select("round"),
            filter_select("phase"),
            filter_select("organisation"),
        )

    def filters(self) -> ProjectFilters:
        """Return the filters asked for, leaving out any value that is not valid."""
        self.is_valid()
        data = self.cleaned_data
        return ProjectFilters(
            query=data.get("q", "").strip(),
            round=data.get("round", ""),
            phase=data.get("phase", ""),
            organisation=data.get("organisation", ""),
        )
