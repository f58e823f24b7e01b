"""Forms for the public list of signatories and for posting declaration project updates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from crispy_forms_gds.layout import Field, Size
from django import forms

from declaration.models import OrganisationType, ProjectUpdate
from declaration.selectors.public import FilterOption, SignatoryFilters, SignatorySort
from localdigital.forms import (
    filter_field,
    filter_form_helper,
    filter_select,
    form_helper,
    long_text_field,
    search_field,
    text_field,
)
from localdigital.pagination import filter_choices

UPDATE_BODY_MAX_LENGTH = 10_000
# The model's limit.
UPDATE_TITLE_MAX_LENGTH = ProjectUpdate._meta.get_field("title").max_length or 200


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox sent as ``1``, that also reads ``0``, ``false``, ``off`` or ``no`` as off."""

    OFF = frozenset({"", "0", "false", "off", "no"})

    def __init__(self) -> None:
        # crispy-forms-gds styles a widget by its class's name, which this one changes.
        super().__init__(attrs={"value": "1", "class": "govuk-checkboxes__input"})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        value = data.get(name)
        return value is not None and str(value).strip().lower() not in self.OFF


class SignatoryFilterForm(forms.Form):
    """The public list's search, filters and sort, sent in the address (a GET form).

    A value that is not allowed (a type or region nobody has, say, from an edited address) is
    reported and ignored, and the other filters still apply: see ``filters()``.
    """

    q = search_field("Search by name")
    type = filter_field("Type of organisation", choose="a type of organisation")
    region = filter_field("Region", choose="a region")
    co_publisher = forms.BooleanField(
        label="Only co-publishers (who launched the Declaration on 4 July 2018)",
        required=False,
        widget=FlagCheckbox(),
    )
    sort = filter_field("Sort by", choose="how to sort", choices=SignatorySort.CHOICES)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        type_options: Sequence[FilterOption],
        region_options: Sequence[FilterOption],
    ) -> None:
        super().__init__(data)
        types = list(type_options)
        chosen_type = (data or {}).get("type", "")
        # Any real type may be asked for, even one nobody of that type has signed yet.
        if chosen_type in OrganisationType.values and chosen_type not in {
            option.value for option in types
        }:
            types.append(FilterOption(chosen_type, OrganisationType(chosen_type).label, 0))
        cast(forms.ChoiceField, self.fields["type"]).choices = filter_choices("All types", types)
        cast(forms.ChoiceField, self.fields["region"]).choices = filter_choices(
            "All regions", region_options
        )
        self.helper = filter_form_helper(
            Field.text("q", label_size=Size.SMALL),
            filter_select("type"),
            filter_select("region"),
            Field.checkbox("co_publisher", small=True),
            filter_select("sort"),
        )

    def filters(self) -> SignatoryFilters:
        """Return the filters asked for, leaving out any value that is not valid."""
        self.is_valid()
        data = self.cleaned_data
        return SignatoryFilters(
            query=data.get("q", "").strip(),
            organisation_type=data.get("type", ""),
            region=data.get("region", ""),
            co_publishers_only=bool(data.get("co_publisher", False)),
            sort=data.get("sort") or SignatorySort.NAME,
        )


class ProjectUpdateForm(forms.Form):
    """A declaration project update: a title and what happened."""

    title = text_field(
        "Title",
        name="Title",
        required="Enter a title for your update",
        hint="For example, “Discovery finished” or “Booking service live in 3 councils”.",
        max_length=UPDATE_TITLE_MAX_LENGTH,
    )
    body = long_text_field(
        "Your update",
        name="Your update",
        hint="What you have done, what you learned and what comes next. It will be public, "
        "on your organisation's page.",
        required="Enter your update",
        rows=10,
        max_length=UPDATE_BODY_MAX_LENGTH,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("title", label_size=Size.SMALL),
            Field.textarea(
                "body", label_size=Size.SMALL, rows=10, max_characters=UPDATE_BODY_MAX_LENGTH
            ),
        )
