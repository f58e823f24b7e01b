"""The form for subscribing to the newsletter. It validates; the view calls the service."""

from __future__ import annotations

from typing import Any

from django import forms

from declaration.models import Organisation
from localdigital.forms import email_field
from newsletter.selectors import newsletter as selectors


class NewsletterSubscribeForm(forms.Form):
    """An email address, and optionally the organisation the subscriber works for."""

    email = email_field(
        "Email address",
        hint="We will send you an email with a link to confirm your subscription.",
        required="Enter your email address",
        autocomplete="email",
    )
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

    email = email_field(
        "Email address",
        hint="The address you get the newsletter at. We will email it a link.",
        required="Enter your email address",
        autocomplete="email",
    )


UNSUBSCRIBE = "unsubscribe"
SUBSCRIBE = "subscribe"
CHOOSE_AN_ACTION = "Choose whether to unsubscribe or to subscribe"


class NewsletterSubscriptionForm(forms.Form):
    """What the manage page's buttons ask for: to unsubscribe, or to subscribe again."""

    action = forms.ChoiceField(
        choices=[(UNSUBSCRIBE, "Unsubscribe"), (SUBSCRIBE, "Subscribe")],
        error_messages={"required": CHOOSE_AN_ACTION, "invalid_choice": CHOOSE_AN_ACTION},
    )
