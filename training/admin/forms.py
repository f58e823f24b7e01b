"""The training admin's forms: validation only. Each names the problem beside the field it
is about, in words a training administrator can act on; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime

from declaration import selectors as declaration_selectors
from localdigital.formats import count_of

from ..models import Cohort, CohortSession, CohortStatus
from ..services.cohort_setup import COHORT_FIELDS

DATE_TIME_ERRORS = {
    "required": "Enter the date and the time.",
    "invalid": "Enter a real date and time, such as 03/03/2026 and 09:30.",
    "invalid_date": "Enter a real date, such as 03/03/2026.",
    "invalid_time": "Enter a real time, such as 09:30.",
}


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 60})


def session_times_clean(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """Say beside the end time when a session ends before it starts, and beside the venue
    when an in-person session has none. The model's constraints hold the same rules; a field
    with an error here is left out of their check, so each problem is told once."""
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        form.add_error("ends_at", "The session must end after it starts.")
    if not data.get("is_online") and not (data.get("location") or "").strip():
        form.add_error("location", "Give the venue, or tick online.")


class CohortForm(forms.ModelForm):
    """A cohort, with its enrolment window and reserved places checked, each problem named
    beside its field."""

    feedback_survey_url = forms.URLField(
        label="Feedback survey address",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Optional: emailed to attendees after the last session.",
    )

    class Meta:
        model = Cohort
        fields = list(COHORT_FIELDS)
        widgets = {"joining_instructions": _textarea()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens = data.get("enrolment_opens_at", self.instance.enrolment_opens_at)
        closes = data.get("enrolment_closes_at", self.instance.enrolment_closes_at)
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("enrolment_closes_at", "Enrolment must close after it opens.")
        elif closes is not None and self.instance.pk and self.instance.status != CohortStatus.DRAFT:
            first = (
                CohortSession.objects.filter(cohort_id=self.instance.pk)
                .order_by("starts_at")
                .values_list("starts_at", flat=True)
                .first()
            )
            if first is not None and closes > first:
                self.add_error(
                    "enrolment_closes_at", "Enrolment must close before the first session starts."
                )
        if "reserved_places" in self.fields:
            capacity = data.get("capacity", self.instance.capacity)
            reserved = data.get("reserved_places") or 0
            if capacity is not None and reserved > capacity:
                self.add_error(
                    "reserved_places",
                    f"Reserve {count_of(capacity, 'place', 'places')} or fewer: the cohort "
                    f"has {capacity}.",
                )
            if reserved and data.get("reserved_release_at") is None:
                self.add_error(
                    "reserved_release_at",
                    "Say when reserved places still free are opened to everyone.",
                )
        return data


class CohortSessionForm(forms.ModelForm):
    """A session of a draft cohort, edited freely: nobody is on the cohort yet."""

    class Meta:
        model = CohortSession
        fields = ["starts_at", "ends_at", "is_online", "location"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        session_times_clean(self, data)
        return data


class CapacityForm(forms.Form):
    required_css_class = "required"

    capacity = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=10_000,
        help_text="Places added are offered to the people waiting, in queue order, at once.",
        error_messages={
            "required": "Enter the number of places.",
            "invalid": "Enter the number of places as a whole number, such as 30.",
            "min_value": "A cohort needs at least 1 place.",
            "max_value": "Enter 10,000 places or fewer.",
        },
    )


class SessionChangeForm(forms.Form):
    """A session's new date, time or place; everyone with a place or an offer is told."""

    required_css_class = "required"

    starts_at = forms.SplitDateTimeField(
        label="Starts", widget=AdminSplitDateTime, error_messages=DATE_TIME_ERRORS
    )
    ends_at = forms.SplitDateTimeField(
        label="Ends", widget=AdminSplitDateTime, error_messages=DATE_TIME_ERRORS
    )
    is_online = forms.BooleanField(label="Online", required=False)
    location = forms.CharField(
        label="Venue",
        max_length=300,
        required=False,
        help_text="For an online session, may be empty.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        session_times_clean(self, data)
        return data


class CancelForm(forms.Form):
    required_css_class = "required"

    reason = forms.CharField(
        label="Why is the cohort cancelled?",
        widget=_textarea(),
        max_length=2000,
        help_text="Everyone with a place, an offer or on the waiting list is emailed this.",
        error_messages={"required": "Say why the cohort is cancelled: the people on it are told."},
    )
    confirmed = forms.BooleanField(
        label="Cancel the cohort and tell everyone on it",
        help_text="This cannot be undone.",
        error_messages={"required": "Confirm that you want to cancel the cohort."},
    )


class ConfirmForm(forms.Form):
    """A box to tick before an action that changes many records at once."""

    required_css_class = "required"

    confirmed = forms.BooleanField(error_messages={"required": "Tick the box to confirm."})

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].label = label


class EnrolByHandForm(forms.Form):
    """A person to enrol by hand, by their account's email address."""

    required_css_class = "required"

    email = forms.EmailField(
        label="Their email address",
        help_text="The address they sign in with.",
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk.",
        },
    )
    organisation = forms.ModelChoiceField(
        queryset=declaration_selectors.organisations_active().none(),
        required=False,
        label="For the organisation",
        empty_label="The one they belong to",
        help_text="Needed only if they belong to more than one signatory.",
        error_messages={"invalid_choice": "Choose one of the organisations in the list."},
    )
    job_title = forms.CharField(
        label="Their job title",
        max_length=200,
        error_messages={"required": "Enter their job title."},
    )
    line_manager_email = forms.EmailField(
        label="Their line manager's email address",
        required=False,
        help_text="Optional. The manager is told of the place.",
        error_messages={
            "invalid": "Enter the line manager's email address in the correct format, like "
            "name@example.gov.uk."
        },
    )
    needs = forms.CharField(
        label="Accessibility or dietary needs",
        required=False,
        max_length=2000,
        widget=_textarea(3),
        help_text="Seen only by training administrators; deleted 30 days after the cohort ends.",
    )

    def __init__(self, *args: Any, show_needs: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        organisation.queryset = declaration_selectors.organisations_active()  # type: ignore[attr-defined]
        if not show_needs:
            del self.fields["needs"]


class MoveForm(forms.Form):
    required_css_class = "required"

    to_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        label="Move them to",
        empty_label="Choose a cohort",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the cohort to move them to.",
            "invalid_choice": "Choose one of the cohorts listed.",
        },
    )

    def __init__(self, *args: Any, choices: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_cohort"]
        field.queryset = Cohort.objects.filter(pk__in=list(choices)).order_by()  # type: ignore[attr-defined]
        field.label_from_instance = lambda cohort: choices[cohort.pk]  # type: ignore[attr-defined]
