"""Dates, times and money as the Fund's pages and emails say them: London time, GOV.UK style."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from localdigital.formats import day as day
from localdigital.formats import time_of_day as time_of_day

from .models import DatePrecision


def london(moment: datetime) -> datetime:
    """Return ``moment`` in Europe/London (the service's time zone)."""
    return timezone.localtime(moment)


def date_and_time(moment: datetime) -> str:
    """Return a deadline as GOV.UK writes it: "5pm on Monday 16 September 2019".

    A deadline at midnight is said as 11:59pm the day before, so that nobody reads it as the
    end of the day named.
    """
    local = london(moment)
    if local.hour == 0 and local.minute == 0:
        return f"11:59pm on {day(local - timedelta(minutes=1))}"
    return f"{time_of_day(local)} on {day(local)}"


def approximate(moment: datetime, precision: str) -> str:
    """Return a date known only to the week or month, with "approximate" beside it; an
    exact one as its date and time."""
    local = london(moment)
    if precision == DatePrecision.MONTH:
        return f"{local:%B %Y} (approximate)"
    if precision == DatePrecision.WEEK:
        monday = local - timedelta(days=local.weekday())
        return f"week of {monday.day} {monday:%B %Y} (approximate)"
    return date_and_time(moment)


def money(amount: Decimal | int | None) -> str:
    """Return an amount in pounds as GOV.UK writes it: £80,000, or £80,000.50 with pence."""
    if amount is None:
        return ""
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"
