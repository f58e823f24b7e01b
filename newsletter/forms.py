"""The form for subscribing to the newsletter. It validates; the view calls the service."""

from __future__ import annotations

from typing import Any

from django import forms

from declaration.models import Organisation
from newsletter.selectors import newsletter as selectors

EMAIL_MAX_LENGTH = 254


def _email_field(hint: str) -> forms.EmailField:
    """Return the question for the subscriber's email address, with ``hint`` below it."""
    return forms.EmailField(
        label="Email address",
        help_text=hint,
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
            "max_length": f"Email address must be {EMAIL_MAX_LENGTH} characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class NewsletterSubscribeForm(forms.Form):
    """An email address, and optionally the organisation the subscriber works for."""

    email = _email_field("We will send you an email with a link to confirm your subscription.")
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)",
        help_text="If you work for a council or another public body, choose it from the list.",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="Not listed, or I would rather not say",
        error_messages={"invalid_choice": "Choose your organisation from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = selectors.newsletter_organisation_choices()


class NewsletterManageForm(forms.Form):
    """The email address whose subscription someone wants to manage."""

    email = _email_field("The address you get the newsletter at. We will email it a link.")


UNSUBSCRIBE = "unsubscribe"
SUBSCRIBE = "subscribe"
CHOOSE_AN_ACTION = "Choose whether to unsubscribe or to subscribe"


class NewsletterSubscriptionForm(forms.Form):
    """What the manage page's buttons ask for: to unsubscribe, or to subscribe again."""

    action = forms.ChoiceField(
        choices=[(UNSUBSCRIBE, "Unsubscribe"), (SUBSCRIBE, "Subscribe")],
        error_messages={"required": CHOOSE_AN_ACTION, "invalid_choice": CHOOSE_AN_ACTION},
    )
