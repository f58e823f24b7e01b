"""Dates, times and counts as every page and email says them: London time, GOV.UK style.

Templates say them through the one filter, ``govuk_date`` (localdigital/template_filters.py);
the Django admin's own displays through ``localdigital.admin_dates``; each domain's
``formats`` module builds its own phrases (deadlines, sessions, money) on these.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def time_of_day(moment: datetime.datetime | datetime.time) -> str:
    """Return the London time as GOV.UK writes it: 9am, 5:30pm, midday, midnight. A time
    of day with no date (a ``datetime.time``) is said as it is."""
    local = moment if isinstance(moment, datetime.time) else timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def _london_date(value: datetime.date) -> datetime.date:
    """Return the calendar date of a date, or the London date of a moment."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def day(value: datetime.date) -> str:
    """Return the London date with its weekday, such as "Monday 16 September 2019"."""
    local = _london_date(value)
    return f"{local:%A} {local.day} {local:%B %Y}"


def calendar_date(value: datetime.date) -> str:
    """Return the London date without its weekday, such as "16 September 2019"."""
    local = _london_date(value)
    return f"{local.day} {local:%B %Y}"


def time_on_day(moment: datetime.datetime, *, weekday: bool = False) -> str:
    """Return a moment such as "1:32am on 5 December 2026", or with ``weekday`` "5pm on
    Saturday 5 December 2026"."""
    return f"{time_of_day(moment)} on {(day if weekday else calendar_date)(moment)}"


def count_of(count: int, singular: str, plural: str) -> str:
    """Return "1 person", "3 people" or "1,200 people"."""
    return f"{count:,} {singular if count == 1 else plural}"
