"""Calendar files (iCalendar, RFC 5545) of a person's enrolment: one event per session of
the cohort, in Europe/London time with its VTIMEZONE.

Each event's UID is the session's own (``training-session-<id>@<host>``), the same in
every file that holds it, and its SEQUENCE counts the changes made to the session. So a
calendar that imports the file again, after a session moved or a second download, updates
the events it has rather than adding copies.

The file is per enrolment and given only to the enrolled person, signed in, because it
carries the joining instructions (the venue details or the online link), which the course
page does not show.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from .selectors.enrolments import EnrolmentCalendar

LONDON = ZoneInfo("Europe/London")
CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODUCT = "-//Local Digital//Training//EN"


def session_uid(session_id: int) -> str:
    """Return the session's UID: stable for as long as the session exists."""
    return f"training-session-{session_id}@{urlsplit(settings.SITE_URL).hostname}"


def _description(calendar: EnrolmentCalendar, *, number: int) -> str:
    count = len(calendar.sessions)
    lines = [
        calendar.course_title + (f" ({calendar.cohort_name})" if calendar.cohort_name else ""),
        f"Session {number} of {count}, for {calendar.organisation_name}."
        if count > 1
        else f"For {calendar.organisation_name}.",
    ]
    if calendar.joining_instructions:
        lines += ["", "Joining instructions:", calendar.joining_instructions]
    lines += [
        "",
        f"Your enrolment, where you can cancel it: {calendar.enrolment_url}",
        f"About the course: {calendar.course_url}",
    ]
    return "\n".join(lines)


def enrolment_ical(calendar: EnrolmentCalendar, *, now: datetime) -> bytes:
    """Return the calendar file of the enrolment's sessions, one VEVENT each."""
    ical = Calendar()
    ical.add("prodid", PRODUCT)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    ical.add("x-wr-calname", calendar.course_title)
    count = len(calendar.sessions)
    for number, session in enumerate(calendar.sessions, start=1):
        event = Event()
        event.add("uid", session_uid(session.pk))
        event.add("dtstamp", now)
        event.add("sequence", session.sequence)
        event.add("dtstart", session.starts_at.astimezone(LONDON))
        event.add("dtend", session.ends_at.astimezone(LONDON))
        title = calendar.course_title
        event.add("summary", f"{title}: session {number} of {count}" if count > 1 else title)
        event.add("location", session.place)
        event.add("description", _description(calendar, number=number))
        event.add("url", calendar.enrolment_url)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        ical.add_component(event)
    if calendar.sessions:
        # The time zone's rules only for the years the sessions fall in, not since 1970.
        first = calendar.sessions[0].starts_at.astimezone(LONDON).year
        last = max(s.ends_at for s in calendar.sessions).astimezone(LONDON).year
        ical.add_missing_timezones(first_date=date(first, 1, 1), last_date=date(last + 1, 1, 1))
    return ical.to_ical()
