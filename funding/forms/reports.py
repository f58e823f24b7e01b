"""Forms for the sections of a progress report. They check what each answer must look like;
the rules of a complete report (a note for a late milestone, a reason for amber or red) are
the services', whose refusals the pages show beside the answers."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from localdigital.forms import LimitedURLField, form_helper, long_text_field, text_field

from .. import formats
from ..models import BudgetLine, MilestoneStatus, ProjectMilestone, ProjectOutputType, RagStatus
from ..selectors.report_content import milestone_field, spend_field
from ..services.reports import LinkValue, MilestoneValue, RiskValue, SpendValue
from . import awards as award_forms
from .common import money_field

# The most rows of risks, or of links, that one report gives.
ROWS_MAX = 20


class ReportSectionForm(forms.Form):
    """A section of a report, with the version of the section it was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MilestonesForm(ReportSectionForm):
    """Where each of the project's milestones stands, with a note."""

    def __init__(self, *args: Any, milestones: list[ProjectMilestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        layout: list[Any] = []
        for milestone in milestones:
            status, note = (
                milestone_field(milestone.pk, "status"),
                milestone_field(milestone.pk, "note"),
            )
            self.fields[status] = forms.ChoiceField(
                label=f"Where does “{milestone.title}” stand?",
                choices=MilestoneStatus.choices,
                error_messages={
                    "required": f"Select where “{milestone.title}” stands",
                    "invalid_choice": f"Select where “{milestone.title}” stands",
                },
                widget=forms.RadioSelect,
            )
            self.fields[note] = long_text_field(
                f"Note on “{milestone.title}”",
                name=f"The note on “{milestone.title}”",
                hint="What was done. If it is late or was dropped, say why.",
                rows=3,
            )
            layout += [Field.radios(status, legend_size=Size.SMALL, inline=True), note]
        self.helper = form_helper(*layout, "version")

    def values(self) -> list[MilestoneValue]:
        return [
            MilestoneValue(
                milestone.pk,
                self.cleaned_data[milestone_field(milestone.pk, "status")],
                self.cleaned_data.get(milestone_field(milestone.pk, "note"), ""),
            )
            for milestone in self.milestones
        ]


class SpendForm(ReportSectionForm):
    """The spend in the period and to date on each line of the application's budget."""

    def __init__(self, *args: Any, lines: list[BudgetLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        layout: list[Any] = []
        for line in lines:
            in_period, to_date = spend_field(line.pk, "in_period"), spend_field(line.pk, "to_date")
            self.fields[in_period] = money_field(
                "Spent in this period",
                name=f"The spend on “{line.description}” in this period",
                required=f"Enter the spend on “{line.description}” in this period",
                zero_allowed=True,
                example="1500 or 1,500.50",
            )
            self.fields[to_date] = money_field(
                "Spent to date",
                name=f"The spend on “{line.description}” to date",
                required=f"Enter the spend on “{line.description}” to date",
                zero_allowed=True,
                example="1500 or 1,500.50",
            )
            layout.append(
                Fieldset(
                    Field.text(in_period, field_width=10),
                    Field.text(to_date, field_width=10),
                    legend=f"{line.description} (budget {formats.money(line.amount)})",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = form_helper(*layout, "version")

    def values(self) -> list[SpendValue]:
        return [
            SpendValue(
                line.pk,
                self.cleaned_data[spend_field(line.pk, "in_period")],
                self.cleaned_data[spend_field(line.pk, "to_date")],
            )
            for line in self.lines
        ]


class StatusForm(ReportSectionForm):
    """The project's overall status, and why when it is amber or red."""

    overall_status = forms.ChoiceField(
        label="What is the project's overall status?",
        choices=RagStatus.choices,
        error_messages={
            "required": "Select the project's overall status",
            "invalid_choice": "Select the project's overall status",
        },
        widget=forms.RadioSelect,
    )
    status_reason = long_text_field(
        "Why is the project amber or red?",
        name="The reason",
        hint="What puts it at risk or in trouble, and what you are doing about it. Leave it "
        "empty if the project is green.",
        rows=5,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("overall_status", legend_size=Size.MEDIUM), "status_reason", "version"
        )


class RowsForm(ReportSectionForm):
    """A section given as numbered rows (risks, links): the saved rows and one empty row;
    "Add another" shows one more. Rows left empty are ignored."""

    row_count = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=ROWS_MAX)
    row_name = "row"

    def __init__(self, *args: Any, row_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows_shown = max(1, min(row_count, ROWS_MAX))
        rows = [self.add_row(number) for number in range(1, self.rows_shown + 1)]
        self.helper = form_helper(*rows, "row_count", "version")

    def add_row(self, number: int) -> Any:
        raise NotImplementedError

    def field(self, number: int, part: str) -> str:
        return f"{self.row_name}_{number}_{part}"

    def row_values(self, number: int, parts: tuple[str, ...]) -> list[Any]:
        return [self.cleaned_data.get(self.field(number, part)) for part in parts]


class RisksForm(RowsForm):
    """The risks and issues, each with what is being done about it."""

    row_name = "risk"

    def add_row(self, number: int) -> Any:
        description, mitigation = (
            self.field(number, "description"),
            self.field(number, "mitigation"),
        )
        self.fields[description] = long_text_field(
            "What is the risk or issue?", name=f"Risk {number}", rows=3
        )
        self.fields[mitigation] = long_text_field(
            "What is being done about it?", name=f"What is being done about risk {number}", rows=3
        )
        return Fieldset(
            description, mitigation, legend=f"Risk or issue {number}", legend_size=Size.SMALL
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for number in range(1, self.rows_shown + 1):
            description, mitigation = self.row_values(number, ("description", "mitigation"))
            if description and not mitigation:
                self.add_error(
                    self.field(number, "mitigation"), f"Say what is being done about risk {number}"
                )
            if mitigation and not description:
                self.add_error(self.field(number, "description"), f"Describe risk {number}")
        return cleaned

    def values(self) -> list[RiskValue]:
        rows = [
            self.row_values(n, ("description", "mitigation")) for n in range(1, self.rows_shown + 1)
        ]
        return [
            RiskValue(description, mitigation) for description, mitigation in rows if description
        ]


class LinksForm(RowsForm):
    """What the project published in the open during the period: each a title, an address
    and a kind of output."""

    row_name = "link"

    def add_row(self, number: int) -> Any:
        title, url, kind = (self.field(number, part) for part in ("title", "url", "type"))
        self.fields[title] = text_field("Title", name=f"The title of link {number}")
        self.fields[url] = LimitedURLField(
            label="Web address",
            help_text="Starting https://",
            required=False,
            max_length=award_forms.URL_MAX,
            assume_scheme="https",
            error_messages={
                "invalid": f"Enter link {number}'s address in the right format, like "
                "https://github.com/council/project",
                "max_length": f"Link {number}'s address must be {award_forms.URL_MAX} "
                "characters or fewer",
            },
            widget=forms.TextInput(
                attrs={"class": "govuk-input", "spellcheck": "false", "inputmode": "url"}
            ),
        )
        self.fields[kind] = forms.ChoiceField(
            label="What kind of output is it?",
            required=False,
            choices=[("", "Choose a kind"), *ProjectOutputType.choices],
            error_messages={"invalid_choice": f"Select what kind of output link {number} is"},
            widget=forms.Select(attrs={"class": "govuk-select"}),
        )
        return Fieldset(title, url, kind, legend=f"Link {number}", legend_size=Size.SMALL)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for number in range(1, self.rows_shown + 1):
            title, url, kind = self.row_values(number, ("title", "url", "type"))
            if not (title or url or kind):
                continue
            if not title and self.field(number, "title") not in self.errors:
                self.add_error(self.field(number, "title"), f"Enter a title for link {number}")
            if not url and self.field(number, "url") not in self.errors:
                self.add_error(self.field(number, "url"), f"Enter the address of link {number}")
            elif url and not url.lower().startswith(("https://", "http://")):
                self.add_error(
                    self.field(number, "url"),
                    f"Enter link {number}'s address starting https://, like "
                    "https://github.com/council/project",
                )
            if not kind and self.field(number, "type") not in self.errors:
                self.add_error(
                    self.field(number, "type"), f"Select what kind of output link {number} is"
                )
        return cleaned

    def values(self) -> list[LinkValue]:
        rows = [self.row_values(n, ("title", "url", "type")) for n in range(1, self.rows_shown + 1)]
        return [LinkValue(title, url, kind) for title, url, kind in rows if title and url and kind]


class FinalForm(ReportSectionForm):
    """The final report's account of the project, which is published once accepted."""

    delivered = long_text_field(
        "What did the project deliver?",
        name="What the project delivered",
        required="Say what the project delivered",
        hint="This is published on the project's page once the report is accepted.",
    )
    reuse = long_text_field(
        "What can other councils reuse, and how?",
        name="What other councils can reuse",
        required="Say what other councils can reuse",
        hint="Where the code, designs or research are, and what a council needs to reuse them.",
    )
    lessons = long_text_field(
        "What lessons did the project learn?",
        name="The lessons learned",
        required="Give the lessons the project learned",
        hint="What you would do again, and what you would do differently.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("delivered", "reuse", "lessons", "version")
