"""The organisation picker: how every form asks for an organisation from the register.

The signing journey's organisation question and the EOI and application partner pages use
it. Without JavaScript it is a select of the organisations still open, grouped by type and
listed A to Z in each group, with a hint that says so. With JavaScript,
``static/js/organisation-autocomplete.js`` turns it into an accessible autocomplete and puts
the hint in ``data-autocomplete-hint`` in place of the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator

from declaration.models import Organisation, OrganisationType
from declaration.selectors import organisations_active

HINT_WITHOUT_JAVASCRIPT = (
    "Organisations are grouped by type, such as county councils or London boroughs, "
    "then listed from A to Z."
)
HINT_WITH_JAVASCRIPT = "Start typing its name, then choose it from the list."

# Each type's heading in the list, in the register's order of types.
GROUP_LABELS: dict[str, str] = {
    OrganisationType.COUNTY: "County councils",
    OrganisationType.DISTRICT: "District councils",
    OrganisationType.METROPOLITAN_DISTRICT: "Metropolitan district councils",
    OrganisationType.LONDON_BOROUGH: "London boroughs",
    OrganisationType.UNITARY: "Unitary authorities",
    OrganisationType.CITY_CORPORATION: "City corporations",
    OrganisationType.COMBINED_AUTHORITY: "Combined authorities",
    OrganisationType.STRATEGIC_REGIONAL_AUTHORITY: "Strategic regional authorities",
    OrganisationType.SCOTTISH_UNITARY: "Scottish unitary authorities",
    OrganisationType.WELSH_UNITARY: "Welsh unitary authorities",
    OrganisationType.NI_DISTRICT: "Northern Ireland district councils",
    OrganisationType.FIRE_AND_RESCUE: "Fire and rescue authorities",
    OrganisationType.POLICE: "Police forces and commissioners",
    OrganisationType.NHS: "NHS bodies",
    OrganisationType.CENTRAL_GOVERNMENT: "Central government",
    OrganisationType.SECTOR_BODY: "Sector bodies",
    OrganisationType.NON_PROFIT: "Non-profit organisations",
    OrganisationType.OTHER: "Other organisations",
}


class _GroupedByType(ModelChoiceIterator):
    """The field's choices: an empty first option, then a group of options for each type."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list[Any]] = {}
        for organisation in self.queryset:
            groups.setdefault(organisation.organisation_type, []).append(self.choice(organisation))
        for organisation_type, label in GROUP_LABELS.items():
            if organisation_type in groups:
                yield (label, groups[organisation_type])


class OrganisationPickerField(forms.ModelChoiceField):
    """An organisation from the register, by its slug: the ones still open, unless
    ``queryset`` says otherwise. ``label`` and the ``required`` and ``invalid_choice``
    messages are the page's own."""

    iterator = _GroupedByType
    group_labels = GROUP_LABELS

    def __init__(
        self,
        *,
        label: str,
        error_messages: dict[str, str],
        queryset: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            queryset=organisations_active() if queryset is None else queryset,
            label=label,
            help_text=HINT_WITHOUT_JAVASCRIPT,
            empty_label="",
            to_field_name="slug",
            error_messages=error_messages,
            widget=forms.Select(
                attrs={
                    "class": "govuk-select",
                    "data-organisation-autocomplete": "true",
                    "data-autocomplete-hint": HINT_WITH_JAVASCRIPT,
                }
            ),
            **kwargs,
        )
