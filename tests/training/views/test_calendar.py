"""Calendar files: an enrolled person adds their cohort's sessions to their calendar, from
the enrolment confirmation, their enrolment's page and the joining instructions email.

The file is per enrolment and theirs alone, signed in, since it carries the joining
instructions; it has one event per session at the right moment across a change between
GMT and BST, and the same UID for a session in every file, so importing it again updates
the events rather than adding copies.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from localdigital.mail.models import OutgoingEmail
from tests.support.clients import client_for
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    OfferFactory,
    enrol,
    signatory_member,
)
from training.models import ReminderKind, SessionChange
from training.services.reminders import cohort_reminder_send

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
INSTRUCTIONS = "Join on Teams: https://teams.example.gov.uk/meet/123 Passcode 4567."


def calendar_path(enrolment) -> str:
    return f"/account/training/enrolments/{enrolment.pk}/calendar.ics"


def next_year_dates() -> tuple[datetime.datetime, datetime.datetime]:
    """Return 9:30am London time on the Friday before the clocks go forward next spring
    (GMT, 09:30 UTC) and on the Monday after (BST, 08:30 UTC)."""
    year = timezone.localdate().year + 1
    # The clocks go forward on the last Sunday of March.
    last_sunday = max(
        datetime.date(year, 3, day)
        for day in range(25, 32)
        if datetime.date(year, 3, day).weekday() == 6
    )
    friday = last_sunday - datetime.timedelta(days=2)
    monday = last_sunday + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(friday, datetime.time(9, 30), tzinfo=LONDON),
        datetime.datetime.combine(monday, datetime.time(9, 30), tzinfo=LONDON),
    )


@pytest.fixture
def enrolment():
    """An enrolment on an online cohort whose two sessions fall either side of the change
    from GMT to BST."""
    friday, monday = next_year_dates()
    cohort = CohortFactory(
        sessions=[],
        name="Spring",
        course__title="Cyber for councils",
        course__slug="cyber",
        joining_instructions=INSTRUCTIONS,
        enrolment_closes_at=friday - datetime.timedelta(days=7),
    )
    for starts_at in (friday, monday):
        CohortSessionFactory(
            cohort=cohort,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3, minutes=30),
            is_online=True,
            location="Microsoft Teams",
        )
    return EnrolmentFactory(cohort=cohort)


def events_of(response) -> list[icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))


class TestTheFile:
    def test_is_a_calendar_download_with_one_event_per_session_at_the_right_instants(
        self, enrolment
    ):
        response = client_for(enrolment.user).get(calendar_path(enrolment))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="cyber-cohort-{enrolment.cohort_id}.ics"'
        )
        assert "no-store" in response["Cache-Control"]
        first, second = events_of(response)
        friday, monday = next_year_dates()

        def utc(day: datetime.datetime, hour: int, minute: int = 0) -> datetime.datetime:
            return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)

        # Before the clocks go forward, 9:30am to 1pm in London is 9:30 to 13:00 UTC.
        assert first.decoded("dtstart").astimezone(UTC) == utc(friday, 9, 30)
        assert first.decoded("dtend").astimezone(UTC) == utc(friday, 13)
        # After, it is 8:30 to 12:00 UTC.
        assert second.decoded("dtstart").astimezone(UTC) == utc(monday, 8, 30)
        assert second.decoded("dtend").astimezone(UTC) == utc(monday, 12)

    def test_times_are_in_london_time_with_its_time_zone(self, enrolment):
        response = client_for(enrolment.user).get(calendar_path(enrolment))
        calendar = icalendar.Calendar.from_ical(response.content)

        (zone,) = calendar.walk("VTIMEZONE")
        assert zone["TZID"] == "Europe/London"
        assert {part.name for part in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
        for event in calendar.walk("VEVENT"):
            assert event["DTSTART"].params["TZID"] == "Europe/London"
            assert event.decoded("dtstart").strftime("%H:%M") == "09:30"

    def test_says_what_where_and_how_to_join(self, enrolment):
        first, second = events_of(client_for(enrolment.user).get(calendar_path(enrolment)))

        assert str(first["SUMMARY"]) == "Cyber for councils: session 1 of 2"
        assert str(second["SUMMARY"]) == "Cyber for councils: session 2 of 2"
        assert str(first["LOCATION"]) == "Online, Microsoft Teams"
        description = str(first["DESCRIPTION"])
        assert "Cyber for councils (Spring)" in description
        assert "https://teams.example.gov.uk/meet/123" in description
        assert f"http://testserver/account/training/enrolments/{enrolment.pk}/" in description
        assert str(first["URL"]) == (
            f"http://testserver/account/training/enrolments/{enrolment.pk}/"
        )

    def test_uids_are_stable_and_a_changed_session_has_a_higher_sequence(self, enrolment):
        """Downloading again gives the same UIDs, so a calendar updates its events; a
        session that changed says so by its SEQUENCE, so the new time wins."""
        client = client_for(enrolment.user)
        before = events_of(client.get(calendar_path(enrolment)))
        session = enrolment.cohort.sessions.order_by("starts_at").first()
        SessionChange.objects.create(session=session, before={}, after={})

        after = events_of(client.get(calendar_path(enrolment)))

        sessions = list(enrolment.cohort.sessions.order_by("starts_at"))
        assert [str(e["UID"]) for e in before] == [str(e["UID"]) for e in after]
        assert [str(e["UID"]) for e in after] == [
            f"training-session-{s.pk}@testserver" for s in sessions
        ]
        assert [e.decoded("sequence") for e in before] == [0, 0]
        assert [e.decoded("sequence") for e in after] == [1, 0]

    def test_a_new_enrolment_on_the_same_cohort_keeps_the_uids(self, enrolment):
        """Someone who cancels and enrols again imports the same events, not copies."""
        first = events_of(client_for(enrolment.user).get(calendar_path(enrolment)))
        colleague = EnrolmentFactory(cohort=enrolment.cohort)
        second = events_of(client_for(colleague.user).get(calendar_path(colleague)))
        assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in second]


class TestWhoGetsIt:
    def test_nobody_else_gets_it(self, enrolment):
        assert client_for(signatory_member()).get(calendar_path(enrolment)).status_code == 404

    def test_anyone_not_signed_in_is_sent_to_sign_in(self, client, enrolment):
        response = client.get(calendar_path(enrolment))
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/")

    @pytest.mark.parametrize("state", ["waiting", "offered", "cancelled"])
    def test_nobody_without_a_place_gets_the_joining_details(self, state):
        if state == "offered":
            enrolment = OfferFactory().enrolment
        elif state == "waiting":
            enrolment = EnrolmentFactory(waiting=True, waiting_position=1)
        else:
            enrolment = EnrolmentFactory(cancelled=True)
        client = client_for(enrolment.user)
        assert client.get(calendar_path(enrolment)).status_code == 404
        assertNotContains(client.get(f"/account/training/enrolments/{enrolment.pk}/"), ".ics")

    def test_head_is_answered(self, enrolment):
        response = client_for(enrolment.user).head(calendar_path(enrolment))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"


class TestWhereItIsOffered:
    def test_the_confirmation_and_the_enrolment_page(self, enrolment):
        client = client_for(enrolment.user)
        link = f'href="{calendar_path(enrolment)}" download>Add to calendar'
        assertContains(
            client.get(f"/account/training/enrolments/{enrolment.pk}/confirmation/"), link
        )
        assertContains(client.get(f"/account/training/enrolments/{enrolment.pk}/"), link)

    def test_the_joining_instructions_email(self, enrolment):
        first = enrolment.cohort.sessions.order_by("starts_at").first().starts_at
        cohort_reminder_send(
            cohort_id=enrolment.cohort_id,
            kind=ReminderKind.JOINING_INSTRUCTIONS,
            now=first - datetime.timedelta(days=7),
        )
        (email,) = OutgoingEmail.objects.filter(recipient=enrolment.user.email)
        assert email.subject == "Joining instructions for Cyber for councils"
        assert f"http://testserver{calendar_path(enrolment)}" in email.body_text

    def test_the_email_confirming_a_place(self):
        cohort = CohortFactory()
        user = signatory_member()
        enrolment = enrol(cohort, user)
        (email,) = OutgoingEmail.objects.filter(recipient=user.email)
        assert f"http://testserver{calendar_path(enrolment)}" in email.body_text
