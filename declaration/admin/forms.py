"""The forms of the declaration app's staff screens: adding a member, a version of the
Declaration, the reasons actions ask for, and importing signatories. They check what staff
typed; the services hold the rules and have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing as django_signing

from declaration import selectors
from declaration.models import (
    DeclarationVersion,
    Membership,
)
from declaration.services import signing_import
from localdigital.accounts import selectors as account_selectors

from ..errors import (
    SigningImportFileError,
)


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
