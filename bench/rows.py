"""Rows that several benchmarks start from. Imported once Django is set up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from declaration.models import Organisation, Signing, SigningStatus
from funding.models import Fund, Round

# The day the Local Digital Declaration was published.
DECLARATION_PUBLISHED = date(2018, 7, 4)


def signatories_publish(
    organisations: Sequence[Organisation], *, signed_on: date = DECLARATION_PUBLISHED, **fields: Any
) -> None:
    """List each of ``organisations`` as a signatory: a published signing of the Declaration,
    signed on ``signed_on``, with the other signing ``fields`` given."""
    Signing.objects.bulk_create(
        Signing(
            reference=f"B-{organisation.pk}",
            organisation=organisation,
            status=SigningStatus.PUBLISHED,
            signed_on=signed_on,
            **fields,
        )
        for organisation in organisations
    )


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
