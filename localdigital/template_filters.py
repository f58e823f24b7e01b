"""The template filters every page and email may use with no ``{% load %}`` (this is one of
the template engine's builtins): ``{{ value|govuk_date }}`` for dates and times, and
``{{ form|error_links }}`` for the lines of a form's error summary.

- ``{{ value|govuk_date }}``: "5 December 2026"
- ``{{ value|govuk_date:"day" }}``: "Saturday 5 December 2026"
- ``{{ moment|govuk_date:"time" }}``: "1:32am on 5 December 2026"
- ``{{ moment|govuk_date:"day time" }}``: "5pm on Saturday 5 December 2026"

Times are London times, as GOV.UK writes them ("1:32am", "5pm", "midday", "midnight"), never
Django's ``|date`` ("1:32 a.m."). A deadline said as the minute before midnight is the
Fund's own phrase, built in Python by ``funding.formats.date_and_time``.
"""

from __future__ import annotations

import datetime

from django import forms, template

from localdigital import formats
from localdigital.forms import ErrorLink
from localdigital.forms import error_links as forms_error_links

register = template.Library()

PARTS = frozenset({"day", "time"})


@register.filter
def error_links(form: forms.BaseForm) -> list[ErrorLink]:
    """Return the lines of ``form``'s GOV.UK error summary (``forms.error_links``)."""
    return forms_error_links(form)


@register.filter
def govuk_date(value: datetime.date | None, parts: str = "") -> str:
    """Return a date, or a moment, as GOV.UK writes it; ``parts`` adds the weekday
    ("day") and the time ("time")."""
    if value is None or value == "":
        return ""
    asked = set(parts.split())
    if not asked <= PARTS:
        raise ValueError(f"govuk_date takes {sorted(PARTS)}, not {sorted(asked - PARTS)}")
    if "time" in asked:
        if not isinstance(value, datetime.datetime):
            raise ValueError("govuk_date cannot say the time of a date")
        return formats.time_on_day(value, weekday="day" in asked)
    return formats.day(value) if "day" in asked else formats.calendar_date(value)
