"""What an audit event keeps of a row staff set or changed (localdigital/audit/changes.py):
each value as the database holds it (a related row by its key), a time in full and money to
the penny; only the fields that differ count as changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from funding.models import Fund, Round
from localdigital.audit.changes import (
    changes_set,
    differences,
    unknown_fields_refused,
    values_of,
    values_set,
)

FIELDS = ("fund", "name", "budget", "eoi_opens_at")
OPENS = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)


def test_sets_the_values_given_and_keeps_them_as_the_database_holds_them():
    round = Round()

    given = values_set(round, FIELDS, {"fund": Fund(pk=4), "budget": Decimal(7_500_000)})

    assert given == {"fund": 4, "budget": "7500000.00"}
    assert (round.fund_id, round.budget) == (4, Decimal(7_500_000))
    assert round.name == ""


def test_keeps_each_value_of_a_row_a_time_in_full():
    round = Round(fund_id=4, name="Round 5", budget=Decimal("10.5"), eoi_opens_at=OPENS)

    assert values_of(round, FIELDS) == {
        "fund": 4,
        "name": "Round 5",
        "budget": "10.50",
        "eoi_opens_at": "2026-09-01T09:00:00+00:00",
    }


def test_a_change_is_only_what_differs_in_the_order_of_the_fields():
    round = Round(fund_id=4, name="Round 5", budget=Decimal(100), eoi_opens_at=OPENS)

    changes = changes_set(
        round,
        FIELDS,
        {"eoi_opens_at": OPENS, "budget": Decimal(200), "name": "Round 6", "fund": 4},
    )

    assert changes == [
        {"field": "name", "old": "Round 5", "new": "Round 6"},
        {"field": "budget", "old": "100.00", "new": "200.00"},
    ]
    assert (round.name, round.budget) == ("Round 6", Decimal(200))


def test_a_field_not_set_here_is_a_mistake_in_the_caller():
    with pytest.raises(ValueError, match="A round's decisions_approved_at is not changed here"):
        unknown_fields_refused("round", FIELDS, {"decisions_approved_at": OPENS})


def test_the_differences_of_an_edited_copy_are_what_it_changed():
    stored = Round(pk=1, fund_id=4, name="Round 5", budget=Decimal(100), eoi_opens_at=OPENS)
    edited = Round(pk=1, fund_id=5, name="Round 5", budget=Decimal(100), eoi_opens_at=None)

    assert differences(stored, edited, FIELDS) == [
        {"field": "fund", "old": 4, "new": 5},
        {"field": "eoi_opens_at", "old": "2026-09-01T09:00:00+00:00", "new": None},
    ]
