"""Forms of the organisation admin's pages: handing over the admin role, and withdrawing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.forms.boundfield import BoundField

from declaration.selectors.organisation_admin import HandOverCandidate
from localdigital.forms import form_helper

WITHDRAWAL_REASON_MAX_LENGTH = 2000
YES, NO = "yes", "no"


class FirstRadioBoundField(BoundField):
    """A set of radios whose id is its first radio's, as crispy-forms-gds numbers them.

    The GOV.UK error summary links each error to its field's id, and for radios that must be
    the first radio (``id_<name>_1``), so that following the link lands on a control. The
    field's hint then has the id ``id_<name>_1_hint``, as a first choice's hint does, so a
    field with help text gives its choices no hints.
    """

    @property
    def auto_id(self) -> str:
        base = super().auto_id
        return f"{base}_1" if base else base


class HandOverForm(forms.Form):
    """Choose the member to become organisation admin, and whether to stay an admin too."""

    # Both questions are radios.
    bound_field_class = FirstRadioBoundField

    member = forms.TypedChoiceField(
        coerce=int,
        label="Who do you want to make the organisation admin?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the member you want to make the organisation admin",
            "invalid_choice": "Select one of the members listed",
        },
    )
    stay_admin = forms.ChoiceField(
        label="Do you want to stay an organisation admin?",
        help_text="If you do not, you will stay a member, but only the new admin will be able "
        "to manage members.",
        choices=[(YES, "Yes, stay an organisation admin too"), (NO, "No, become a member")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you want to stay an organisation admin"},
    )

    def __init__(self, *args: Any, candidates: Sequence[HandOverCandidate], **kwargs: Any):
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.TypedChoiceField)
        member.choices = [
            Choice(candidate.pk, candidate.name, hint=candidate.email) for candidate in candidates
        ]
        self.helper = form_helper(
            Field.radios("member", legend_size=Size.LARGE, legend_tag="h1"),
            Field.radios("stay_admin", legend_size=Size.MEDIUM, inline=False),
        )

    def clean_stay_admin(self) -> bool:
        return self.cleaned_data["stay_admin"] == YES


class WithdrawForm(forms.Form):
    """Why the organisation is withdrawing from the Declaration."""

    reason = forms.CharField(
        label="Why is your organisation withdrawing from the Declaration?",
        help_text="The Local Digital team will read this. It is not published.",
        max_length=WITHDRAWAL_REASON_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why your organisation is withdrawing from the Declaration",
            "max_length": (
                f"The reason must be {WITHDRAWAL_REASON_MAX_LENGTH:,} characters or fewer"
            ),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea(
                "reason",
                label_size=Size.MEDIUM,
                rows=5,
                max_characters=WITHDRAWAL_REASON_MAX_LENGTH,
            ),
        )
