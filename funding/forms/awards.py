"""Forms for a funded project's applicants and team: declining the grant offer, posting a
progress update and adding an output."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from localdigital.forms import TEXT_MAX, LimitedURLField, form_helper, long_text_field, text_field

from ..models import ProgressUpdate, ProjectOutput, ProjectOutputType

UPDATE_BODY_MAX = 10_000
URL_MAX = ProjectOutput._meta.get_field("url").max_length or 500
UPDATE_TITLE_MAX = ProgressUpdate._meta.get_field("title").max_length or TEXT_MAX


class DeclineForm(forms.Form):
    """Why the lead organisation declines the grant offer (required: the team is told)."""

    reason = long_text_field(
        "Why are you declining the grant offer?",
        name="The reason",
        hint="The Local Digital team reads this. It is not published.",
        required="Enter why you are declining the grant offer",
        rows=5,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reason", label_size=Size.MEDIUM, rows=5))


class ProgressUpdateForm(forms.Form):
    """A progress update on a funded project: a title and what happened. It is public."""

    title = text_field(
        "Title",
        name="Title",
        required="Enter a title for your update",
        hint="For example, “Discovery finished” or “Beta live in 3 councils”.",
        max_length=UPDATE_TITLE_MAX,
    )
    body = long_text_field(
        "Your update",
        name="Your update",
        hint="What you have done, what you learned and what comes next. It will be public, "
        "on the project's page.",
        required="Enter your update",
        rows=10,
        max_length=UPDATE_BODY_MAX,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("title", label_size=Size.SMALL),
            Field.textarea("body", label_size=Size.SMALL, rows=10, max_characters=UPDATE_BODY_MAX),
        )


class ProjectOutputForm(forms.Form):
    """An output of a funded project: what it is, where it is, and what kind."""

    title = text_field(
        "Title",
        name="Title",
        required="Enter a title for the output",
        hint="For example, “Planning application prototype” or “User research findings”.",
    )
    url = LimitedURLField(
        label="Web address",
        help_text="Where others can find it, starting https://",
        max_length=URL_MAX,
        assume_scheme="https",
        error_messages={
            "required": "Enter the web address of the output",
            "invalid": "Enter a web address in the right format, like https://github.com/council/project",
            "max_length": f"The web address must be {URL_MAX} characters or fewer",
        },
        # A text input, which crispy-forms-gds styles (errors included), typed for addresses.
        widget=forms.TextInput(
            attrs={"class": "govuk-input", "spellcheck": "false", "inputmode": "url"}
        ),
    )
    output_type = forms.ChoiceField(
        label="What kind of output is it?",
        choices=ProjectOutputType.choices,
        error_messages={
            "required": "Select what kind of output it is",
            "invalid_choice": "Select what kind of output it is",
        },
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("title", label_size=Size.SMALL),
            Field.text("url", label_size=Size.SMALL),
            Field.radios("output_type", legend_size=Size.SMALL),
        )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(
                "Enter a web address starting https://, like https://github.com/council/project"
            )
        return url
