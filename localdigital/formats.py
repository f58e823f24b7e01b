"""Dates and times as every page and email says them: London time, GOV.UK style.

Each domain's ``formats`` module builds its own phrases (deadlines, sessions, money) on
these.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def time_of_day(moment: datetime) -> str:
    """Return the London time as GOV.UK writes it: 9am, 5:30pm, midday, midnight."""
    local = timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def day(moment: datetime) -> str:
    """Return the London date, such as "Monday 16 September 2019"."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"
