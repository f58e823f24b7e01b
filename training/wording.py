"""What the training pages and services say about places, one wording for each situation:
the places kept for funded-project organisations, and what joining a cohort would give
someone (``places.Prospect``). Every count agrees with its noun and verb: "1 place is",
"2 places are"."""

from __future__ import annotations

from datetime import datetime

from localdigital.formats import count_of

from . import formats
from .places import ORGANISATION_FULL, PLACE, RESERVED, Prospect

FUNDED = "organisations that lead or partner on a funded project"


def _it(count: int) -> str:
    return "it is" if count == 1 else "they are"


def reserved_note(*, places_left: int, reserved_left: int, reserved_until: datetime) -> str:
    """Return what the public is told of the free places kept for funded-project
    organisations, such as "1 of them is kept until 9am on Monday 12 January 2026 for …"."""
    until = formats.date_and_time(reserved_until)
    if reserved_left == places_left:
        kept = "It is" if reserved_left == 1 else "They are all"
        return f"{kept} kept until {until} for {FUNDED}; anyone else joins the waiting list."
    verb = "is" if reserved_left == 1 else "are"
    return f"{reserved_left} of them {verb} kept until {until} for {FUNDED}."


def organisation_full(organisation_name: str, on_cohort: int) -> str:
    """Return why nobody else of the organisation may join the cohort."""
    return (
        f"{organisation_name} already has {count_of(on_cohort, 'person', 'people')} on this "
        "cohort, holding or waiting for a place, which is the most one organisation may have. "
        "Choose another cohort, or ask a colleague whether they still need their place."
    )


def prospect_situation(prospect: Prospect, organisation_name: str) -> str:
    """Return where the cohort stands for someone of the organisation, before what joining
    would do."""
    if prospect.outcome == ORGANISATION_FULL:
        return organisation_full(organisation_name, prospect.organisation_on_cohort)
    if prospect.outcome == PLACE:
        return ""
    if prospect.free:
        waiting = count_of(prospect.waiting, "person is", "people are")
        return (
            f"{count_of(prospect.free, 'place is', 'places are')} free, but {waiting} already "
            f"waiting, and {_it(prospect.free)} offered to them first."
        )
    if prospect.kept and prospect.kept_until is not None:
        return (
            f"No places for {organisation_name} until "
            f"{formats.date_and_time(prospect.kept_until)}: the "
            f"{count_of(prospect.kept, 'place', 'places')} left "
            f"{'is' if prospect.kept == 1 else 'are'} kept for {FUNDED}."
        )
    return "Every place is taken."


def prospect_outcome(prospect: Prospect, organisation_name: str, *, decided: bool) -> str:
    """Return what joining would do: "If you enrol now, you will have a place…" or "You can
    join the waiting list, at number 4."; once ``decided`` (checking the answers), "You
    will have…" or "You will join…"."""
    if prospect.outcome == PLACE:
        start = "You will have" if decided else "If you enrol now, you will have"
        kind = f", one of those kept for {FUNDED}" if prospect.kind == RESERVED else ""
        return f"{start} a place for {organisation_name}{kind}."
    if prospect.outcome == ORGANISATION_FULL:
        return ""
    verb = "will" if decided else "can"
    return f"You {verb} join the waiting list, at number {prospect.waiting_position}."


def prospect_after(prospect: Prospect) -> str:
    """Return what may happen later for someone who would wait for kept places."""
    if prospect.outcome == PLACE or prospect.free or not prospect.kept:
        return ""
    it = _it(prospect.kept)
    return f"If {it} still free then, {it} offered to the people waiting, in turn."
