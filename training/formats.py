"""Dates and times as the training pages and emails say them: London time, GOV.UK style."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def time_of_day(moment: datetime) -> str:
    """Return the London time as GOV.UK writes it: 9am, 9:30am, midday, midnight."""
    local = timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def day(moment: datetime) -> str:
    """Return the London date, such as "Tuesday 3 March 2026"."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def session_when(starts_at: datetime, ends_at: datetime) -> str:
    """Return when a session runs, such as "Tuesday 3 March 2026, 9:30am to 4pm"."""
    if timezone.localdate(starts_at) == timezone.localdate(ends_at):
        return f"{day(starts_at)}, {time_of_day(starts_at)} to {time_of_day(ends_at)}"
    start = f"{time_of_day(starts_at)} on {day(starts_at)}"
    return f"{start} to {time_of_day(ends_at)} on {day(ends_at)}"


def date_and_time(moment: datetime) -> str:
    """Return a moment such as "5pm on Tuesday 3 March 2026"."""
    return f"{time_of_day(moment)} on {day(moment)}"
