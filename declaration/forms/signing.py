"""The questions of the signing journey, one form per page. They validate; views save."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from declaration.forms.organisation_picker import OrganisationPickerField
from declaration.models import OrganisationType, Principle
from localdigital.forms import (
    LimitedURLField,
    email_field,
    form_helper,
    long_text_field,
    text_field,
)

REGIONS = (
    "East Midlands",
    "East of England",
    "London",
    "North East",
    "North West",
    "South East",
    "South West",
    "West Midlands",
    "Yorkshire and The Humber",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "The whole of the UK, or more than one region",
)


class OrganisationForm(forms.Form):
    """Which organisation, from the register, the signer is signing for."""

    organisation = OrganisationPickerField(
        label="Which organisation are you signing for?",
        error_messages={
            "required": "Select your organisation",
            "invalid_choice": "Select your organisation from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("organisation", label_size=Size.LARGE, label_tag="h1"))


class OrganisationDetailsForm(forms.Form):
    """An organisation that is not in the register, as the signer describes it."""

    name = text_field(
        "Organisation name",
        required="Enter the name of your organisation",
        name="Organisation name",
        autocomplete="organization",
    )
    organisation_type = forms.ChoiceField(
        label="Type of organisation",
        choices=[("", ""), *OrganisationType.choices],
        error_messages={"required": "Select the type of organisation"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    website = LimitedURLField(
        label="Website",
        help_text="For example, https://www.example.gov.uk",
        max_length=200,
        assume_scheme="https",
        error_messages={
            "required": "Enter your organisation's website",
            "invalid": "Enter a website address in the correct format, like "
            "https://www.example.gov.uk",
            "max_length": "Website must be 200 characters or fewer",
        },
        widget=forms.URLInput(
            attrs={"class": "govuk-input", "autocomplete": "url", "spellcheck": "false"}
        ),
    )
    region = forms.ChoiceField(
        label="Region",
        help_text="Where most of its work is",
        choices=[("", ""), *((region, region) for region in REGIONS)],
        error_messages={"required": "Select the region your organisation works in"},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("name", "organisation_type", "website", "region")


class RoleForm(forms.Form):
    """The signer's own role in the organisation."""

    signer_role = text_field(
        "What is your role?",
        required="Enter your role",
        name="Your role",
        hint="Your job title, for example Head of digital",
        autocomplete="organization-title",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("signer_role", label_size=Size.LARGE, label_tag="h1"))


class SeniorLeaderForm(forms.Form):
    """The senior leader who signs on the organisation's behalf, and an optional elected
    member who supports it."""

    senior_leader_name = text_field(
        "Full name",
        required="Enter the senior leader's full name",
        name="The senior leader's name",
        hint="The chief executive, or equivalent",
    )
    senior_leader_job_title = text_field(
        "Job title",
        required="Enter the senior leader's job title",
        name="The senior leader's job title",
        hint="For example, Chief executive",
    )
    elected_member_name = text_field(
        "Full name",
        name="The elected member's name",
    )
    elected_member_role = text_field(
        "Role",
        name="The elected member's role",
        hint="For example, Leader of the council",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Fieldset(
                "senior_leader_name",
                "senior_leader_job_title",
                legend="Senior leader",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "elected_member_name",
                "elected_member_role",
                legend="Elected member (optional)",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = cleaned.get("elected_member_name", "")
        role = cleaned.get("elected_member_role", "")
        if name and not role and "elected_member_role" not in self.errors:
            self.add_error("elected_member_role", "Enter the elected member's role")
        if role and not name and "elected_member_name" not in self.errors:
            self.add_error("elected_member_name", "Enter the elected member's full name")
        return cleaned


class DigitalLeadForm(forms.Form):
    """The organisation's digital, IT or transformation lead."""

    digital_lead_name = text_field(
        "Full name",
        required="Enter the digital lead's full name",
        name="The digital lead's name",
    )
    digital_lead_job_title = text_field(
        "Job title",
        required="Enter the digital lead's job title",
        name="The digital lead's job title",
        hint="For example, Head of digital and IT",
    )
    digital_lead_email = email_field(
        "Email address",
        hint="We will email them about the commitments for their teams",
        required="Enter the digital lead's email address",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "digital_lead_name", "digital_lead_job_title", "digital_lead_email"
        )


class ProjectForm(forms.Form):
    """The declaration project the organisation commits to in the next 12 months."""

    project_title = text_field(
        "Project title",
        required="Enter a title for your declaration project",
        name="Project title",
    )
    project_description = long_text_field(
        "Describe the project",
        name="Description",
        hint="What you will do, who it is for, and who you will work with",
        required="Describe your declaration project",
    )
    project_principles = forms.MultipleChoiceField(
        label="Which principles does the project serve?",
        help_text="Select all that apply",
        choices=Principle.choices,
        error_messages={
            "required": "Select at least one principle that the project serves",
            "invalid_choice": "Select principles from the list",
        },
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # crispy-forms-gds numbers the checkboxes id_<name>_1, _2 …; with these ids the first
        # checkbox is the principles field's own id, so the error summary's link reaches it,
        # as the GOV.UK pattern asks. The other fields' labels follow their new ids.
        kwargs.setdefault("auto_id", "id_%s_1")
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "project_title",
            "project_description",
            Field.checkboxes("project_principles", legend_size=Size.MEDIUM),
        )


class WithdrawForm(forms.Form):
    """Why the signer takes their signing back; optional."""

    reason = forms.CharField(
        label="Why are you withdrawing it? (optional)",
        required=False,
        max_length=2000,
        error_messages={"max_length": "Reason must be 2,000 characters or fewer"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("reason")
