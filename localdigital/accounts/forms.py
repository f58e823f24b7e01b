from django import forms


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
