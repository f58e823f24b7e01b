"""Forms for signing in: council users by emailed link, staff by password and code."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from two_factor.forms import AuthenticationTokenForm, TOTPDeviceForm
from two_factor.utils import totp_digits

from localdigital.forms import email_field


class SignInForm(forms.Form):
    """Ask for the email address to send a sign-in link to."""

    email = email_field(
        "Email address",
        hint="Use your work email address. We will email you a link to sign in.",
        required="Enter your email address",
        autocomplete="email",
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


class StaffSetPasswordForm(SetPasswordForm):
    """A new member of staff chooses their password, typed twice, checked by the validators.

    A password the validators refuse is told beside the first field, where it was typed.
    """

    error_messages = {"password_mismatch": "The passwords do not match: type the same one twice"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = "Create a password"
        first.help_text = (
            f"Use at least {_minimum_password_length()} characters. It cannot be a common "
            "password, only numbers, or like your email address. A few unrelated words make "
            "a strong password."
        )
        first.error_messages["required"] = "Enter a password"
        second.label = "Type the password again"
        second.help_text = ""
        second.error_messages["required"] = "Type the password again"

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data


def _minimum_password_length() -> int:
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, password_validation.MinimumLengthValidator)
    ]
    return max(lengths, default=1)
