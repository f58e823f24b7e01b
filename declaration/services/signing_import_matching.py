"""Reading a signing import's lines against the register: dates, versions, organisations."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Sequence

from django.utils import timezone

from ..models import DeclarationVersion, Organisation
from .moderation import CO_PUBLISHED_ON

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


LONDON = zoneinfo.ZoneInfo("Europe/London")


def _date_read(text: str) -> datetime.date | str:
    """Return the date, or the error that says why it is not a usable date signed."""
    try:
        if not DATE_PATTERN.fullmatch(text):
            raise ValueError(text)
        signed_on = datetime.date.fromisoformat(text)
    except ValueError:
        return f"Bad date: “{text}” is not a date written as YYYY-MM-DD, such as 2019-03-21."
    if signed_on < CO_PUBLISHED_ON:
        return (
            f"Bad date: {text} is before the Declaration was launched, "
            f"on {CO_PUBLISHED_ON.isoformat()}."
        )
    if signed_on > timezone.localdate():
        return f"Bad date: {text} is in the future."
    return signed_on


def _start_of_day(day: datetime.date | None) -> datetime.datetime:
    """Return midnight at the start of ``day`` in London, the time an imported signing is
    published at."""
    assert day is not None  # a valid line always has its date
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON)


def _version_on(
    versions: Sequence[DeclarationVersion], signed_on: datetime.date | None
) -> DeclarationVersion | None:
    """Return the version that was current when the signatory signed, from ``versions``."""
    current = None
    for version in versions:
        if signed_on and version.published_on and version.published_on <= signed_on:
            current = version
    return current


class _OrganisationMatcher:
    """Find organisations by register code, name or other name, ignoring case and spacing."""

    def __init__(self, organisations: Sequence[Organisation]) -> None:
        self.by_code: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        self.by_other_name: dict[str, list[Organisation]] = {}
        for organisation in organisations:
            if organisation.register_code:
                self.by_code[organisation.register_code.upper()] = organisation
            self.by_name.setdefault(_name_key(organisation.name), []).append(organisation)
            for name in set(map(_name_key, organisation.alternative_names)):
                self.by_other_name.setdefault(name, []).append(organisation)

    def match(self, given: str) -> Organisation | str:
        """Return the one organisation ``given`` names, or the error that says why not."""
        if not given.strip():
            return "Unknown organisation: the line gives no register code or name."
        if given.strip().upper() in self.by_code:
            return self.by_code[given.strip().upper()]
        key = _name_key(given)
        found = self.by_name.get(key) or self.by_other_name.get(key) or []
        if len(found) == 1:
            return found[0]
        if not found:
            return f"Unknown organisation: no organisation has the register code or name “{given}”."
        candidates = "; ".join(
            f"{organisation.name} ({organisation.register_code or organisation.slug})"
            for organisation in sorted(found, key=lambda o: (o.name, o.slug))
        )
        return f"Ambiguous name: “{given}” could be {candidates}. Give the register code."


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()
