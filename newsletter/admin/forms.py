"""The forms of the newsletter's staff screens: an issue, its schedule, a test send, returning
it to its author, and test groups. They check what staff typed; the services hold the rules and
have the last word."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.formats import count_of
from newsletter.errors import TestGroupInvalid
from newsletter.models import NewsletterIssue, NewsletterTestGroup
from newsletter.selectors import newsletter as newsletter_selectors
from newsletter.services import test_groups as test_group_services

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class NewsletterIssueForm(forms.ModelForm):
    """An issue's subject and Markdown body."""

    class Meta:
        model = NewsletterIssue
        fields = ["subject", "body"]
        help_texts = {
            "subject": "The email's subject line.",
            "body": (
                "Markdown: ## for a heading, - for a list item, [words](https://…) for a link. "
                "Save, then preview it as subscribers will see it."
            ),
        }


class NewsletterScheduleForm(forms.Form):
    """When to send an issue, in UK time."""

    send_at = forms.DateTimeField(
        label="Send at (UK time)",
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Enter the date and time to send the issue",
            "invalid": "Enter the date and time to send the issue, like 2026-12-01 09:30",
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
    )

    def clean_send_at(self) -> datetime:
        send_at: datetime = self.cleaned_data["send_at"]
        if send_at <= timezone.now():
            raise forms.ValidationError("Enter a time in the future")
        return send_at


# The choice of "Send a test to" that sends it to the member of staff alone.
TEST_TO_ME = "me"


class NewsletterTestForm(forms.Form):
    """Whom to send a test of an issue to: a test group, or the member of staff alone."""

    to = forms.ChoiceField(
        label="Send a test to",
        error_messages={
            "required": "Choose who to send the test to",
            "invalid_choice": "Choose who to send the test to",
        },
    )

    def __init__(self, *args: Any, staff: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)
        to.choices = [
            *(
                (
                    str(group.pk),
                    f"{group.name} ({count_of(len(group.recipients), 'person', 'people')})",
                )
                for group in newsletter_selectors.newsletter_test_group_choices()
            ),
            (TEST_TO_ME, f"Only me ({staff.email})"),
        ]

    def group_id(self) -> int | None:
        """Return the chosen test group's id, or None for the member of staff alone."""
        to = self.cleaned_data["to"]
        return None if to == TEST_TO_ME else int(to)


class NewsletterReturnForm(forms.Form):
    """What the member of staff returning an issue asks its author to change. The service
    refuses a return without it too."""

    comment = forms.CharField(
        label="What needs to change",
        error_messages={"required": "Enter a comment saying what needs to change"},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RecipientsField(forms.CharField):
    """Email addresses, one a line, kept as a list; the service checks each."""

    widget = forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            return [str(address) for address in value]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class NewsletterTestGroupForm(forms.ModelForm):
    """A test group's name and addresses."""

    recipients = RecipientsField(
        label="Email addresses",
        help_text="One a line. Each person gets the test as a subscriber would get the issue.",
        error_messages={"required": "Enter at least one email address"},
    )

    class Meta:
        model = NewsletterTestGroup
        fields = ["name", "recipients"]
        error_messages = {"name": {"required": "Enter a name for the test group"}}

    def clean_name(self) -> str:
        try:
            return test_group_services.test_group_name_clean(self.cleaned_data["name"])
        except TestGroupInvalid as error:
            raise forms.ValidationError(str(error)) from error

    def clean_recipients(self) -> list[str]:
        try:
            return test_group_services.test_group_recipients_clean(self.cleaned_data["recipients"])
        except TestGroupInvalid as error:
            raise forms.ValidationError(str(error)) from error
