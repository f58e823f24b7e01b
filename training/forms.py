"""Forms for the training pages: enrolling on a cohort, and answering an offer of a place.

They validate what was typed; the services decide the rules (eligibility, the enrolment
window, places, the organisation's maximum) and their errors are shown on the same forms.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.utils.html import escape

from declaration.models import Organisation
from localdigital.forms import email_field, form_helper, long_text_field, text_field

JOB_TITLE_MAX = 200
NEEDS_MAX = 2000

# What a person agrees to when they enrol, shown above the consent checkbox.
ATTENDANCE_TERMS = (
    "attend every session of the cohort, since places are few and others are waiting",
    "cancel from your account as soon as you know you cannot come, so that your place can "
    "be offered to the next person on the waiting list",
    "have your line manager's agreement to take the time",
    "let training administrators record whether you attended each session",
)

ACCEPT = "accept"
DECLINE = "decline"


def _terms_html() -> str:
    items = "".join(f"<li>{escape(term)}</li>" for term in ATTENDANCE_TERMS)
    return (
        '<p class="govuk-body">By enrolling you agree to:</p>'
        f'<ul class="govuk-list govuk-list--bullet">{items}</ul>'
    )


class EnrolmentForm(forms.Form):
    """What a person gives to enrol on a cohort.

    ``organisations`` are those they may enrol for; with more than one they choose, with
    one it is taken as theirs and the question is not asked.
    """

    organisation = forms.TypedChoiceField(
        label="Which organisation are you enrolling for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation you are enrolling for",
            "invalid_choice": "Select the organisation you are enrolling for",
        },
    )
    job_title = text_field(
        "Your job title",
        name="Your job title",
        required="Enter your job title",
        max_length=JOB_TITLE_MAX,
        autocomplete="organization-title",
    )
    line_manager_email = email_field(
        "Your line manager's email address",
        hint="We will tell them if you get a place, so they can plan for your time away.",
        required="Enter your line manager's email address",
        what="your line manager's email address",
        name="Your line manager's email address",
        autocomplete="off",
    )
    needs = long_text_field(
        "Accessibility or dietary needs (optional)",
        name="Your needs",
        hint="Tell us anything that would help you take part, such as step-free access, a "
        "hearing loop or food you cannot eat. Only training administrators see this, and it "
        "is deleted 30 days after the course ends.",
        rows=4,
        max_length=NEEDS_MAX,
    )
    consent = forms.BooleanField(
        label="I agree to the attendance terms",
        error_messages={"required": "Agree to the attendance terms to enrol"},
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        self.asks_organisation = len(organisations) > 1
        if self.asks_organisation:
            field = self.fields["organisation"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(o.pk, o.name) for o in organisations]
        else:
            del self.fields["organisation"]
        fields: list[Any] = []
        if self.asks_organisation:
            fields.append(Field.radios("organisation", legend_size=Size.SMALL))
        fields += [
            Field.text("job_title", label_size=Size.SMALL),
            Field.text("line_manager_email", label_size=Size.SMALL),
            Field.textarea("needs", label_size=Size.SMALL, rows=4, max_characters=NEEDS_MAX),
            Fieldset(
                HTML(_terms_html()),
                Field.checkbox("consent"),
                legend="Attendance terms",
                legend_size=Size.SMALL,
            ),
        ]
        self.helper = form_helper(*fields)

    def clean_job_title(self) -> str:
        job_title = self.cleaned_data["job_title"].strip()
        if not job_title:
            raise forms.ValidationError("Enter your job title")
        return job_title

    def clean_needs(self) -> str:
        return self.cleaned_data["needs"].strip()

    def answers(self) -> dict[str, str]:
        """Return the valid answers as the form takes them, to keep between the steps of
        enrolling and fill the form in again."""
        data = self.cleaned_data
        answers = {
            "job_title": data["job_title"],
            "line_manager_email": data["line_manager_email"],
            "needs": data["needs"],
            "consent": "on",
        }
        if self.asks_organisation:
            answers["organisation"] = str(data["organisation"])
        return answers

    def get_organisation(self) -> Organisation:
        """Return the organisation chosen, or the person's only one."""
        if not self.asks_organisation:
            return self.organisations[0]
        chosen = self.cleaned_data["organisation"]
        return next(o for o in self.organisations if o.pk == chosen)


class OfferAnswerForm(forms.Form):
    """Whether the person takes the place offered to them."""

    answer = forms.ChoiceField(
        label="Do you want this place?",
        choices=[(ACCEPT, "Yes, I accept the place"), (DECLINE, "No, I decline the place")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you want the place"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.radios("answer", legend_size=Size.MEDIUM, legend_tag="h2"))

    @property
    def is_accepted(self) -> bool:
        return self.cleaned_data.get("answer") == ACCEPT
