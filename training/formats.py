"""Dates and times as the training pages and emails say them: London time, GOV.UK style."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

# The service's own wording of times and dates, used here and re-exported for this app.
from localdigital.formats import day as day
from localdigital.formats import time_of_day as time_of_day
from localdigital.formats import time_on_day


def session_when(starts_at: datetime, ends_at: datetime) -> str:
    """Return when a session runs, such as "Tuesday 3 March 2026, 9:30am to 4pm"."""
    if timezone.localdate(starts_at) == timezone.localdate(ends_at):
        return f"{day(starts_at)}, {time_of_day(starts_at)} to {time_of_day(ends_at)}"
    start = f"{time_of_day(starts_at)} on {day(starts_at)}"
    return f"{start} to {time_of_day(ends_at)} on {day(ends_at)}"


def date_and_time(moment: datetime) -> str:
    """Return a moment such as "5pm on Tuesday 3 March 2026"."""
    return time_on_day(moment, weekday=True)
