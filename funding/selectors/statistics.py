"""The Fund's figures on /funding/: projects funded, the total awarded, the councils taking
part, and funding by round, with the chart of it drawn as an inline SVG.

Only public projects count (``awards_public``: announced, not declined), so no figure moves
before a round's announcement, and a declined offer leaves every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from declaration import selectors as declaration_selectors

from .. import formats
from ..models import ApplicationPartner
from .projects import awards_public

# The chart's drawing, in SVG user units; it scales to the width of the page.
CHART_WIDTH = 640
CHART_LABEL_HEIGHT = 28
CHART_BAR_HEIGHT = 24
CHART_ROW_GAP = 20
CHART_MARGIN = 8
# The bar colour is GOV.UK blue (#1d70b8: 5.2:1 against white, above the 3:1 that
# graphics need); text is GOV.UK black (#0b0c0c) on white.
CHART_BAR_COLOUR = "#1d70b8"
CHART_TEXT_COLOUR = "#0b0c0c"
CHART_AXIS_COLOUR = "#505a5f"


@dataclass(frozen=True)
class RoundFigure:
    """What one round funded."""

    name: str
    project_count: int
    amount: Decimal
    amount_label: str


@dataclass(frozen=True)
class ChartBar:
    """One round's bar in the chart, with where to draw it and its text label."""

    label: str
    label_y: int
    bar_y: int
    bar_width: int


@dataclass(frozen=True)
class FundingChart:
    """The chart of funding by round, laid out for the template to draw."""

    width: int
    height: int
    axis_x: int
    bar_height: int
    bars: list[ChartBar]
    bar_colour: str = CHART_BAR_COLOUR
    text_colour: str = CHART_TEXT_COLOUR
    axis_colour: str = CHART_AXIS_COLOUR


@dataclass(frozen=True)
class FundingStatistics:
    """The figures on /funding/."""

    project_count: int
    total_awarded: str
    council_count: int
    rounds: list[RoundFigure] = field(default_factory=list)
    chart: FundingChart | None = None
    description: str = ""


def funding_by_round() -> list[RoundFigure]:
    """Return, for each round with public projects in the order of the rounds, how many it
    funded and how much it awarded."""
    rows = (
        awards_public()
        .values("application__round__name", "application__round__number")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("application__round__number", "application__round__name")
    )
    return [
        RoundFigure(
            name=row["application__round__name"],
            project_count=row["count"],
            amount=row["amount"],
            amount_label=formats.money(row["amount"]),
        )
        for row in rows
    ]


def councils_taking_part_count() -> int:
    """Return how many distinct councils (local authorities of any type) lead or partner on
    at least one public project."""
    public = awards_public()
    led = public.filter(application__lead_organisation_id=OuterRef("pk"))
    partnered = ApplicationPartner.objects.filter(
        organisation_id=OuterRef("pk"), application__award__in=public
    )
    return (
        declaration_selectors.local_authorities()
        .filter(Q(Exists(led)) | Q(Exists(partnered)))
        .count()
    )


def funding_chart(rounds: list[RoundFigure]) -> FundingChart | None:
    """Lay out a horizontal bar chart of ``rounds``: each round's label above its bar, the
    bars in proportion to the largest amount."""
    if not rounds:
        return None
    largest = max(figure.amount for figure in rounds) or Decimal(1)
    usable = CHART_WIDTH - 2 * CHART_MARGIN
    row_height = CHART_LABEL_HEIGHT + CHART_BAR_HEIGHT + CHART_ROW_GAP
    bars = []
    for position, figure in enumerate(rounds):
        top = CHART_MARGIN + position * row_height
        projects = f"{figure.project_count} project{'s' if figure.project_count != 1 else ''}"
        bars.append(
            ChartBar(
                label=f"{figure.name}: {figure.amount_label} ({projects})",
                label_y=top + CHART_LABEL_HEIGHT - 8,
                bar_y=top + CHART_LABEL_HEIGHT,
                # Every round with an award gets a visible bar, however small.
                bar_width=max(2, round(usable * float(figure.amount / largest))),
            )
        )
    return FundingChart(
        width=CHART_WIDTH,
        height=2 * CHART_MARGIN + len(rounds) * row_height - CHART_ROW_GAP,
        axis_x=CHART_MARGIN,
        bar_height=CHART_BAR_HEIGHT,
        bars=bars,
    )


def funding_statistics() -> FundingStatistics:
    """Return the Fund's figures and the chart of funding by round (two queries)."""
    rounds = funding_by_round()
    total = sum((figure.amount for figure in rounds), Decimal(0))
    project_count = sum(figure.project_count for figure in rounds)
    description = "; ".join(
        f"{figure.name}, {figure.amount_label} for {figure.project_count} "
        f"project{'s' if figure.project_count != 1 else ''}"
        for figure in rounds
    )
    return FundingStatistics(
        project_count=project_count,
        total_awarded=formats.money(total),
        council_count=councils_taking_part_count() if rounds else 0,
        rounds=rounds,
        chart=funding_chart(rounds),
        description=f"Amount awarded by round: {description}." if rounds else "",
    )
