"""Dates and times in the Django admin, said as every other page says them: GOV.UK style, in
London time ("1:32am on 5 December 2026", "midday", "5 December 2026").

Django's admin says the dates it shows itself with its own formats, "5 Dec 2026, 1:32 a.m.",
which no format setting can make "1:32am", and prints a ModelAdmin method's moment on a
change page as "2026-12-05 01:32:00+00:00". Every such value (a change list's cell, a
read-only field on a change page or in an inline, from a model field or a ModelAdmin method)
comes from ``django.contrib.admin.utils.lookup_field``. So ``install()``, run once by the
admin's app config (``StaffAdminConfig.ready``), has the change list and the read-only field
look their values up through ``lookup_field`` below, which says each date, moment and time
with ``localdigital.formats`` before the admin displays it. No ModelAdmin needs to do
anything.

The rest of the admin's dates: the history page says its times with ``govuk_date``
(templates/admin/object_history.html); the date hierarchy's "December 2026" and "5 December"
are already Django's English (en-GB) formats. Date and time inputs are form fields, and stay
as they are.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import timezone

from localdigital import formats


def said(value: Any) -> Any:
    """Return a date, a moment or a time of day as GOV.UK writes it, in London time; return
    any other value as it is."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return formats.time_on_day(value)
    if isinstance(value, datetime.date):
        return formats.calendar_date(value)
    if isinstance(value, datetime.time):
        return formats.time_of_day(value)
    return value


def lookup_field(
    name: Any, obj: models.Model, model_admin: Any = None
) -> tuple[models.Field | None, Any, Any]:
    """Return what Django's ``lookup_field`` returns, with the value said (``said``) unless
    it is one of a field's choices, which the admin shows by its label."""
    field, attr, value = utils.lookup_field(name, obj, model_admin)
    if field is None or not getattr(field, "flatchoices", None):
        value = said(value)
    return field, attr, value


def install() -> None:
    """Have the admin's change lists and read-only fields look their values up through
    ``lookup_field``."""
    # Each module imported Django's function by name; the stubs leave such names out.
    helpers.lookup_field = lookup_field  # type: ignore[attr-defined]
    admin_list.lookup_field = lookup_field  # type: ignore[attr-defined]
