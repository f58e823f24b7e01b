"""Forms for full applications: one per section, partners, withdrawal. They validate; views
call the services."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from declaration.forms.organisation_picker import OrganisationPickerField
from localdigital.forms import email_field, form_helper, long_text_field, text_field

from ..models import ApplicationPartner, OutputType, Section
from ..rules import partner_role_field
from ..services.applications import BudgetLineValue
from .common import SectionCompletedMixin, money_field
from .eois import phase_choices

COMPLETED = Field.radios("completed", legend_size=Size.MEDIUM, inline=False)


class ProblemForm(SectionCompletedMixin):
    title = text_field("Project title", name="Project title")
    problem = long_text_field(
        "What is the problem?", name="The problem", hint="What goes wrong today, and for whom"
    )
    evidence = long_text_field(
        "What is the evidence for it?",
        name="The evidence",
        hint="Figures, research and links. You cannot upload files: give links instead.",
    )
    required_when_completed = {
        "title": "Enter the project title",
        "problem": "Describe the problem",
        "evidence": "Give the evidence for the problem",
    }

    def __init__(self, *args: Any, is_new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_new:
            # The first save starts the draft: it needs at least the title to be found by.
            self.fields["title"].required = True
            self.fields["title"].error_messages["required"] = (
                "Enter the project title, so that you can find the draft again"
            )
        self.helper = form_helper("title", "problem", "evidence", COMPLETED, "version")


class UsersForm(SectionCompletedMixin):
    users_and_needs = long_text_field(
        "Who are the users, and what do they need?",
        name="Users and their needs",
        hint="Residents, staff or businesses; what they need from the service",
    )
    required_when_completed = {"users_and_needs": "Describe the users and their needs"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("users_and_needs", COMPLETED, "version")


class ApproachForm(SectionCompletedMixin):
    approach = long_text_field(
        "How will you approach the work?",
        name="The approach",
        hint="What you will do in this phase, how you will work in the open, and with whom",
    )
    phase = forms.ChoiceField(
        label="Which phase is the project?",
        required=False,
        choices=[],
        error_messages={"invalid_choice": "Select a phase this round funds"},
        widget=forms.RadioSelect,
    )
    required_when_completed = {
        "approach": "Describe your approach",
        "phase": "Select the phase of the project",
    }

    def __init__(self, *args: Any, phases: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["phase"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = phase_choices(phases)
        self.helper = form_helper(
            "approach", Field.radios("phase", legend_size=Size.SMALL), COMPLETED, "version"
        )


class OutputsForm(SectionCompletedMixin):
    outputs = long_text_field(
        "What will the project produce?", name="The outputs", hint="Code, research, designs"
    )
    output_types = forms.MultipleChoiceField(
        label="What kinds of output will you share?",
        help_text="Select all that apply",
        required=False,
        choices=OutputType.choices,
        error_messages={"invalid_choice": "Select kinds of output from the list"},
        widget=forms.CheckboxSelectMultiple,
    )
    reuse = long_text_field(
        "How will other councils reuse them?",
        name="How others will reuse the outputs",
        hint="Where you will publish them, under what licence, and who you expect to reuse them",
    )
    required_when_completed = {
        "outputs": "Describe what the project will produce",
        "output_types": "Select at least one kind of output you will share",
        "reuse": "Say how other councils will reuse the outputs",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "outputs",
            Field.checkboxes("output_types", legend_size=Size.SMALL),
            "reuse",
            COMPLETED,
            "version",
        )


class TeamForm(SectionCompletedMixin):
    team = long_text_field(
        "Who is in the team?",
        name="The team",
        hint="The people who will do the work, their roles and their time",
    )
    required_when_completed = {"team": "Describe the team"}

    def __init__(self, *args: Any, partners: list[ApplicationPartner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = partners
        roles = []
        for partner in partners:
            name = partner_role_field(partner.pk)
            self.fields[name] = long_text_field(
                f"What will {partner.organisation.name} do?",
                name=f"The role of {partner.organisation.name}",
                rows=3,
            )
            roles.append(name)
        layout: list[Any] = ["team"]
        if roles:
            layout.append(Fieldset(*roles, legend="The partners' roles", legend_size=Size.MEDIUM))
        self.helper = form_helper(*layout, COMPLETED, "version")

    def partner_roles(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(partner_role_field(p.pk), "") for p in self.partners}


BUDGET_LINES_MAX = 20


class BudgetForm(SectionCompletedMixin):
    """The amount requested and the budget lines it is made of.

    It shows the saved lines and ``extra`` empty rows; "Add another line" shows one more
    without saving. Rows left empty are ignored. That the lines add up to the amount is the
    round's rule, which the service checks when the section is marked complete.
    """

    requested_amount = money_field(
        "How much are you asking for?",
        name="The amount requested",
        hint="In pounds. The budget lines below must add up to it.",
    )
    line_count = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=BUDGET_LINES_MAX
    )
    required_when_completed = {"requested_amount": "Enter the amount you are asking for"}

    def __init__(self, *args: Any, line_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines_shown = max(1, min(line_count, BUDGET_LINES_MAX))
        rows = []
        for number in range(1, self.lines_shown + 1):
            self.fields[f"line_{number}_description"] = text_field(
                f"Line {number}: what it pays for",
                name=f"Line {number}'s description",
            )
            self.fields[f"line_{number}_amount"] = money_field(
                f"Line {number}: amount", name=f"Line {number}'s amount"
            )
            rows.append(
                Fieldset(
                    f"line_{number}_description",
                    Field.text(f"line_{number}_amount", field_width=10),
                    legend=f"Budget line {number}",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = form_helper(
            Field.text("requested_amount", field_width=10),
            *rows,
            "line_count",
            COMPLETED,
            "version",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for number in range(1, self.lines_shown + 1):
            description = cleaned.get(f"line_{number}_description")
            amount = cleaned.get(f"line_{number}_amount")
            if description and amount is None and f"line_{number}_amount" not in self.errors:
                self.add_error(f"line_{number}_amount", f"Enter the amount of line {number}")
            if amount is not None and not description:
                self.add_error(f"line_{number}_description", f"Say what line {number} pays for")
        return cleaned

    def budget_lines(self) -> list[BudgetLineValue]:
        lines = []
        for number in range(1, self.lines_shown + 1):
            description = self.cleaned_data.get(f"line_{number}_description")
            amount = self.cleaned_data.get(f"line_{number}_amount")
            if description and amount is not None:
                lines.append(BudgetLineValue(description=description, amount=amount))
        return lines


class StakeholderForm(SectionCompletedMixin):
    stakeholder_name = text_field("Full name", name="The senior stakeholder's name")
    stakeholder_job_title = text_field(
        "Job title", name="The senior stakeholder's job title", hint="For example, Chief executive"
    )
    stakeholder_email = email_field("Email address")
    required_when_completed = {
        "stakeholder_name": "Enter the senior stakeholder's full name",
        "stakeholder_job_title": "Enter the senior stakeholder's job title",
        "stakeholder_email": "Enter the senior stakeholder's email address",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Fieldset(
                "stakeholder_name",
                "stakeholder_job_title",
                "stakeholder_email",
                legend="The senior stakeholder accountable for the project",
                legend_size=Size.MEDIUM,
            ),
            COMPLETED,
            "version",
        )


SECTION_FORMS: dict[str, type[SectionCompletedMixin]] = {
    Section.PROBLEM: ProblemForm,
    Section.USERS: UsersForm,
    Section.APPROACH: ApproachForm,
    Section.OUTPUTS: OutputsForm,
    Section.TEAM: TeamForm,
    Section.BUDGET: BudgetForm,
    Section.STAKEHOLDER: StakeholderForm,
}


def _contact_fields() -> dict[str, forms.Field]:
    return {
        "contact_name": text_field(
            "Contact's full name",
            required="Enter the name of the contact at the partner organisation",
            name="The contact's name",
        ),
        "contact_email": email_field(
            "Contact's email address",
            hint="We email them a link to confirm the organisation's part",
            required="Enter the contact's email address",
        ),
    }


class ApplicationPartnerForm(forms.Form):
    """A partner organisation to add, with the contact who will confirm its part."""

    organisation = OrganisationPickerField(
        label="Partner organisation",
        error_messages={
            "required": "Select the partner organisation",
            "invalid_choice": "Select the partner organisation from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_contact_fields())
        self.helper = form_helper("organisation", "contact_name", "contact_email")


class PartnerContactForm(forms.Form):
    """A partner's contact, who confirms its part."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_contact_fields())
        self.helper = form_helper("contact_name", "contact_email")


class WithdrawForm(forms.Form):
    reason = long_text_field("Why are you withdrawing it? (optional)", name="The reason", rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("reason")


class FollowOnForm(forms.Form):
    """In a round only for projects funded in an earlier round: which project this follows."""

    award = forms.ChoiceField(
        label="Which funded project does this application follow on from?",
        choices=[],
        error_messages={
            "required": "Select the funded project this application follows on from",
            "invalid_choice": "Select one of the funded projects listed",
        },
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, awards: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.awards = {award.slug: award for award in awards}
        field = self.fields["award"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(award.slug, award.title) for award in awards]
        self.helper = form_helper(Field.radios("award", legend_size=Size.MEDIUM))

    def chosen(self) -> Any:
        return self.awards[self.cleaned_data["award"]]
