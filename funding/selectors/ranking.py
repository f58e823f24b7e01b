"""The round's ranking as a file: its columns, and a row of cells for each application, best
first, for the staff's CSV download (``localdigital.open_data.csv_response``)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..models import Phase, Round
from .assessment import round_ranking, score_display

RANKING_COLUMNS = (
    "rank",
    "reference",
    "title",
    "lead organisation",
    "phase",
    "amount requested",
    "moderated score",
    "assessors' mean score",
    "assessments submitted",
    "recommendation",
    "amount recommended",
    "running total recommended",
    "within budget",
    "decision",
    "amount awarded",
)


def _plain(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _score(value: Decimal | None) -> str:
    return "" if value is None else score_display(value)


def round_ranking_csv_rows(*, round: Round) -> Iterator[list[object]]:
    """Yield the cells of each of the round's submitted applications, in ranking order, under
    ``RANKING_COLUMNS``: amounts in pounds and pence, scores as the ranking page shows them.
    The cells are not yet made safe for a spreadsheet: the CSV response does that."""
    for row in round_ranking(round=round).rows:
        yield [
            row.rank,
            row.reference,
            row.title,
            row.lead,
            Phase(row.phase).label if row.phase else "",
            _plain(row.requested_amount),
            _score(row.moderated),
            _score(row.assessors_mean),
            row.assessments_submitted,
            row.recommendation_label,
            _plain(row.recommended_amount),
            _plain(row.running_total),
            "no" if row.is_over_budget else "yes",
            row.outcome_label,
            _plain(row.award_amount),
        ]
