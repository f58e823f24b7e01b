"""The public list of funded projects: its search and filters, sent in the address."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from crispy_forms_gds.layout import Field, Size
from django import forms

from localdigital.forms import filter_field, filter_form_helper, filter_select, search_field
from localdigital.pagination import filter_choices

from ..models import Phase
from ..selectors.project_list import FilterOption, ProjectFilters


class ProjectFilterForm(forms.Form):
    """Search and filters for ``/funding/projects/`` (a GET form).

    A value that is not allowed (a round with no projects, say, from an edited address) is
    reported and ignored, and the other filters still apply. Any phase, and any
    organisation the service knows, may be asked for even with no projects yet: the list is
    then empty, which is the true answer.
    """

    q = search_field(
        "Search projects",
        hint="Words in the title or summary, such as “planning” or “social care”.",
    )
    round = filter_field("Round", choose="a round")
    phase = filter_field("Phase", choose="a phase")
    organisation = filter_field("Organisation (leading or partnering)", choose="an organisation")

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
