"""Forms for signing in: council users by emailed link, staff by password and code."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from two_factor.forms import AuthenticationTokenForm, TOTPDeviceForm
from two_factor.utils import totp_digits


class SignInForm(forms.Form):
    """Ask for the email address to send a sign-in link to."""

    email = forms.EmailField(
        label="Email address",
        help_text="Use your work email address. We will email you a link to sign in.",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "class": "govuk-input"}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


# Staff's second factor, in the words staff know it by: the code from their authenticator app,
# never the library's "token" (django-two-factor-auth's forms, reworded).
CODE_LABEL = "Code from your authenticator app"
CODE_REQUIRED = "Enter the code from your authenticator app"
CODE_FORMAT = "Enter the 6-digit code from your authenticator app"
CODE_WRONG = "The code is not right: enter the code your authenticator app shows now"
CODE_ERRORS = {
    "required": CODE_REQUIRED,
    "invalid": CODE_FORMAT,
    "min_value": CODE_FORMAT,
    "max_value": CODE_FORMAT,
}
CODE_ATTRS = {
    "autofocus": "autofocus",
    "inputmode": "numeric",
    "autocomplete": "one-time-code",
    "spellcheck": "false",
}


class StaffCodeForm(AuthenticationTokenForm):
    """Sign in: the code from the staff member's authenticator app."""

    otp_token = forms.CharField(
        label=CODE_LABEL,
        error_messages=CODE_ERRORS,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    otp_error_messages = {
        **AuthenticationTokenForm.otp_error_messages,
        "token_required": CODE_REQUIRED,
        "invalid_token": CODE_WRONG,
    }

    def clean_otp_token(self) -> str:
        # Apps show the code in two halves ("123 456"), and people copy it so.
        code = "".join(self.cleaned_data["otp_token"].split())
        if not re.fullmatch(rf"[0-9]{{{totp_digits()}}}", code):
            raise forms.ValidationError(CODE_FORMAT, code="invalid")
        return code

    def clean(self) -> dict[str, Any]:
        # A code that is missing or not 6 digits is told beside the field; checking it against
        # the device as well would tell it twice.
        if self.has_error("otp_token"):
            return self.cleaned_data
        return super().clean()


class StaffBackupCodeForm(StaffCodeForm):
    """Sign in: one of the backup codes the staff member saved, each of which works once."""

    otp_token = forms.CharField(
        label="Backup code",
        error_messages={"required": "Enter a backup code"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    otp_error_messages = {
        **StaffCodeForm.otp_error_messages,
        "token_required": "Enter a backup code",
        "invalid_token": "The backup code is not right, or it has been used",
    }

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split())


class StaffAuthenticatorSetupForm(TOTPDeviceForm):
    """Set up an authenticator app: the code it shows once it has the key."""

    token = forms.IntegerField(
        label=CODE_LABEL,
        min_value=0,
        max_value=int("9" * totp_digits()),
        error_messages=CODE_ERRORS,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    error_messages = {"invalid_token": CODE_WRONG}
