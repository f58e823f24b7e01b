"""Filters for the training pages: dates and times as GOV.UK writes them, in London time.

``{% load training %}``, then ``{{ session.starts_at|session_when:session.ends_at }}``,
``{{ moment|date_and_time }}`` or ``{{ moment|day }}``.
"""

from __future__ import annotations

from datetime import datetime

from django import template

from training import formats

register = template.Library()


@register.filter
def session_when(starts_at: datetime | None, ends_at: datetime | None) -> str:
    """Return when a session runs, such as "Tuesday 3 March 2026, 9:30am to 4pm"."""
    if starts_at is None or ends_at is None:
        return ""
    return formats.session_when(starts_at, ends_at)


@register.filter
def date_and_time(moment: datetime | None) -> str:
    """Return a moment such as "5pm on Tuesday 3 March 2026"."""
    return formats.date_and_time(moment) if moment is not None else ""


@register.filter
def day(moment: datetime | None) -> str:
    """Return the London date, such as "Tuesday 3 March 2026"."""
    return formats.day(moment) if moment is not None else ""
