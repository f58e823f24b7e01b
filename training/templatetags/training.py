"""Filters for the training pages: when a session runs, as GOV.UK writes it, in London time.

``{% load training %}``, then ``{{ session.starts_at|session_when:session.ends_at }}``. Other
dates and times use the service's ``govuk_date`` filter.
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
