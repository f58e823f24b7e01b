"""Rows that several benchmarks start from. Imported once Django is set up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from funding.models import Fund, Round


def round_create(number: int, **fields: Any) -> Round:
    """Make round ``number`` of the Local Digital Fund (the fund made on first use): published,
    with a budget of £7.5 million and the dates and rules in ``fields``."""
    fund, _ = Fund.objects.get_or_create(
        slug="local-digital-fund", defaults={"name": "Local Digital Fund"}
    )
    return Round.objects.create(
        fund=fund,
        number=number,
        name=f"Round {number}",
        slug=f"round-{number}",
        budget=Decimal(7_500_000),
        is_published=True,
        **fields,
    )
