"""The fund managers' portfolio of live projects: each project's lead, round, award, paid to
date, next report due, the overall status of its last report submitted, and whether a report
is overdue; riskiest first. One query for the rows, however many projects there are.

The riskiest are projects with a report overdue, then those whose last report was red,
then amber, then green, then those that have not reported yet; within each, the next
report due first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import (
    REPORT_EDITABLE,
    REPORT_IN_REVIEW,
    Award,
    AwardStatus,
    Instalment,
    ProgressReport,
    RagStatus,
    ReportStatus,
)

# The projects the portfolio shows unless filtered by status.
LIVE = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE)
# The statuses it may be filtered by.
STATUSES = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED)
RAG_LABELS = {"": "Not reported yet", **dict(RagStatus.choices)}


@dataclass(frozen=True)
class PortfolioFilters:
    round_id: int | None = None
    status: str = ""
    overdue: bool | None = None


@dataclass(frozen=True)
class PortfolioRow:
    award_id: int
    title: str
    lead: str
    round_name: str
    round_id: int
    status: str
    status_label: str
    amount: Decimal
    paid: Decimal
    next_due: datetime | None
    last_rag: str
    last_rag_label: str
    is_overdue: bool


def portfolio_awards(*, filters: PortfolioFilters, now: datetime) -> QuerySet[Award]:
    """Return the portfolio's awards, annotated and in order of risk."""
    reports = ProgressReport.objects.filter(award=OuterRef("pk"))
    paid = (
        Instalment.objects.filter(award=OuterRef("pk"), paid_at__isnull=False)
        .values("award")
        .annotate(total=Sum("paid_amount"))
        .values("total")
    )
    awards = (
        Award.objects.filter(status__in=[filters.status] if filters.status else LIVE)
        .select_related("application__round", "application__lead_organisation")
        .annotate(
            paid_to_date=Coalesce(
                Subquery(paid, output_field=DecimalField(max_digits=12, decimal_places=2)),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            next_due=Subquery(
                reports.filter(status__in=REPORT_EDITABLE).order_by("due_at").values("due_at")[:1]
            ),
            last_rag=Coalesce(
                Subquery(
                    reports.filter(status__in=[*REPORT_IN_REVIEW, ReportStatus.ACCEPTED])
                    .order_by("-due_at", "-pk")
                    .values("overall_status")[:1]
                ),
                Value(""),
            ),
            is_overdue=Exists(reports.filter(status=ReportStatus.DRAFT, due_at__lte=now)),
        )
        .annotate(
            risk=Case(
                When(is_overdue=True, then=Value(0)),
                When(last_rag=RagStatus.RED, then=Value(1)),
                When(last_rag=RagStatus.AMBER, then=Value(2)),
                When(last_rag=RagStatus.GREEN, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            )
        )
        .order_by("risk", "next_due", "title", "pk")
    )
    if filters.round_id is not None:
        awards = awards.filter(application__round_id=filters.round_id)
    if filters.overdue is not None:
        awards = awards.filter(is_overdue=filters.overdue)
    return awards


def portfolio_row(award: Award) -> PortfolioRow:
    """Return the portfolio's row for an award from ``portfolio_awards``."""
    return PortfolioRow(
        award_id=award.pk,
        title=award.title,
        lead=award.application.lead_organisation.name,
        round_name=award.application.round.name,
        round_id=award.application.round_id,
        status=award.status,
        status_label=award.get_status_display(),
        amount=award.amount,
        paid=award.paid_to_date,  # type: ignore[attr-defined]
        next_due=award.next_due,  # type: ignore[attr-defined]
        last_rag=award.last_rag,  # type: ignore[attr-defined]
        last_rag_label=RAG_LABELS.get(award.last_rag, ""),  # type: ignore[attr-defined]
        is_overdue=award.is_overdue,  # type: ignore[attr-defined]
    )


def portfolio_rounds() -> list[tuple[int, str]]:
    """Return the rounds that have live or completed projects, for the filter."""
    rounds = set(
        Award.objects.filter(status__in=STATUSES).values_list(
            "application__round_id", "application__round__name", "application__round__number"
        )
    )
    return [(pk, name) for pk, name, _ in sorted(rounds, key=lambda r: -r[2])]


PORTFOLIO_CSV_HEADER = [
    "project",
    "lead organisation",
    "round",
    "status",
    "award (£)",
    "paid to date (£)",
    "next report due",
    "last report's status",
    "report overdue",
]


def portfolio_csv_rows(awards: QuerySet[Award]) -> Iterator[list[str]]:
    """Return the portfolio's ``awards`` as CSV rows (under ``PORTFOLIO_CSV_HEADER``): money in
    pounds with pence, and the next report's deadline in London time, as YYYY-MM-DD HH:MM."""
    for row in map(portfolio_row, awards.iterator(chunk_size=500)):
        next_due = timezone.localtime(row.next_due) if row.next_due else None
        yield [
            row.title,
            row.lead,
            row.round_name,
            row.status_label,
            f"{row.amount:.2f}",
            f"{row.paid:.2f}",
            f"{next_due:%Y-%m-%d %H:%M}" if next_due else "",
            row.last_rag_label,
            "yes" if row.is_overdue else "no",
        ]
