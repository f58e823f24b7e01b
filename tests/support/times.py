"""Moments in the service's time zone, for tests of what happens when."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """Return the moment at ``hour``:``minute`` on that day in London."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)
