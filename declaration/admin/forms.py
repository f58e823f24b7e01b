"""The forms of the declaration app's staff screens: newsletter issues and test groups,
adding a member, a version of the Declaration, the reasons actions ask for, and importing
signatories. They check what staff typed; the services hold the rules and have the last word."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core import signing as django_signing
from django.utils import timezone

from declaration import selectors
from declaration.models import (
    DeclarationVersion,
    Membership,
    NewsletterIssue,
    NewsletterTestGroup,
)
from declaration.selectors import newsletter as newsletter_selectors
from declaration.services import newsletter_test_groups as test_group_services
from declaration.services import signing_import
from localdigital.accounts import selectors as account_selectors
from localdigital.accounts.models import User
from localdigital.admin_actions import count_of

from ..errors import (
    SigningImportFileError,
    TestGroupInvalid,
)

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
    says when it is missing."""

    comment = forms.CharField(
        label="What needs to change",
        required=False,
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


class MembershipAddForm(forms.ModelForm):
    """Add someone to an organisation by the email address of their account."""

    email = forms.EmailField(
        label="Email address",
        help_text="They need an account: ask them to sign in once at /account/sign-in/ first.",
    )

    class Meta:
        model = Membership
        fields = ["organisation", "role"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        email = cleaned_data.get("email")
        organisation = cleaned_data.get("organisation")
        if not email:
            return cleaned_data
        user = account_selectors.user_get_by_email(email=email)
        if user is None:
            self.add_error("email", "There is no account with this email address.")
        elif organisation and selectors.membership_get(user=user, organisation=organisation):
            self.add_error("email", "This person already belongs to this organisation.")
        cleaned_data["user"] = user
        return cleaned_data


IMPORT_MAX_BYTES = 1_000_000


IMPORT_SALT = "declaration.admin.signing_import"


IMPORT_PREVIEW_MAX_AGE = 60 * 60


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="The people concerned are emailed this reason, so write it for them.",
        error_messages={"required": "Give a reason: nothing changes without one."},
    )


class SigningImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Columns: “register code or name”, “date signed” (YYYY-MM-DD), “co-publisher” "
            "(yes or no) and “declaration project title”. Nothing is saved until you have "
            "checked the preview."
        ),
    )

    def clean_file(self) -> list[signing_import.SigningImportRow]:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB: split it into parts.")
        try:
            self.csv_text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."
            ) from None
        self.source = upload.name
        return rows_parse(self.csv_text)


class SigningImportConfirmForm(forms.Form):
    """Carries the checked file to the import, signed so that it comes back as it left."""

    token = forms.CharField(widget=forms.HiddenInput)

    def clean_token(self) -> str:
        try:
            data = django_signing.loads(
                self.cleaned_data["token"], salt=IMPORT_SALT, max_age=IMPORT_PREVIEW_MAX_AGE
            )
        except django_signing.BadSignature:
            raise forms.ValidationError(
                "This preview has expired. Upload the file again to check it."
            ) from None
        self.csv_text, self.source = data["csv"], data["source"]
        self.rows = rows_parse(self.csv_text)
        return str(self.cleaned_data["token"])


def rows_parse(csv_text: str) -> list[signing_import.SigningImportRow]:
    try:
        return signing_import.signing_import_rows_parse(content=csv_text)
    except SigningImportFileError as error:
        raise forms.ValidationError(error.problems) from None


class RemovalReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=(
            "Kept in the audit log with the update's title and text. Nobody is emailed: tell "
            "the organisation yourself if it needs to know."
        ),
        error_messages={"required": "Give a reason: nothing is removed without one."},
    )


class DeclarationVersionForm(forms.ModelForm):
    """The text and the date a version is published from; the number is given on saving."""

    class Meta:
        model = DeclarationVersion
        fields = ["text", "published_on"]
        error_messages = {"text": {"required": "Enter the text of the Declaration."}}
        help_texts = {
            "text": "The Declaration in Markdown: ## for a heading, - for a list item.",
            "published_on": (
                "From this date the version is the one shown on /declaration/ and signed. "
                "Leave it empty to keep a draft; a date to come schedules it."
            ),
        }

    def clean_published_on(self) -> Any:
        published_on = self.cleaned_data.get("published_on")
        if published_on is None and self.instance.pk and self.instance.published_on is not None:
            raise forms.ValidationError(
                "A published version stays published. To change what people sign, write a "
                "new version."
            )
        return published_on
