"""Many funded projects for the portfolio, made with ``bulk_create`` so that a thousand take
seconds: for the portfolio's query-count test and ``bench/bench_funding_portfolio.py``.

``add_projects(n, round=…, organisations=…)`` adds ``n`` active projects, each with an
instalment paid and two reports: one accepted (green, amber or red in turn) and the next,
overdue for every third project.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from declaration.models import Organisation
from funding.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    Instalment,
    Phase,
    ProgressReport,
    RagStatus,
    ReportStatus,
    Round,
)

RAGS = [RagStatus.GREEN, RagStatus.AMBER, RagStatus.RED]


def _due(number: int, *, overdue: bool) -> datetime:
    """The first report was due two months ago; the second five days ago when ``overdue``,
    else in a month."""
    now = timezone.now()
    if number == 1:
        return now - timedelta(days=60)
    return now - timedelta(days=5) if overdue else now + timedelta(days=30)


def add_projects(count: int, *, round: Round, organisations: list[Organisation]) -> list[Award]:
    """Add ``count`` active projects to ``round``, led in turn by ``organisations``."""
    now = timezone.now()
    first = Award.objects.count()
    numbers = range(first, first + count)
    applications = Application.objects.bulk_create(
        Application(
            reference=f"LDF-P{n:06d}",
            round=round,
            lead_organisation=organisations[n % len(organisations)],
            title=f"Shared planning service {n}",
            problem="Planning applications arrive on paper and are typed in again.",
            phase=Phase.ALPHA,
            requested_amount=Decimal(80000),
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now - timedelta(days=400),
        )
        for n in numbers
    )
    awards = Award.objects.bulk_create(
        Award(
            application=application,
            slug=f"shared-planning-service-p{n}",
            title=f"Shared planning service {n}",
            summary="Planning applications arrive on paper and are typed in again.",
            amount=Decimal(60000),
            awarded_on=date.today() - timedelta(days=300),
            status=AwardStatus.ACTIVE,
            responded_at=now - timedelta(days=290),
            started_at=now - timedelta(days=280),
        )
        for n, application in zip(numbers, applications, strict=True)
    )
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            award=award,
            number=number,
            period_start=date.today() - timedelta(days=150 if number == 1 else 60),
            period_end=date.today() - timedelta(days=61 if number == 1 else -20),
            due_at=_due(number, overdue=n % 3 == 0),
            status=ReportStatus.ACCEPTED if number == 1 else ReportStatus.DRAFT,
            overall_status=RAGS[n % len(RAGS)] if number == 1 else "",
            submitted_at=now - timedelta(days=55) if number == 1 else None,
            accepted_at=now - timedelta(days=50) if number == 1 else None,
        )
        for n, award in zip(numbers, awards, strict=True)
        for number in (1, 2)
    )
    Instalment.objects.bulk_create(
        Instalment(
            award=award,
            due_on=date.today() - timedelta(days=90),
            amount=Decimal(20000),
            report=reports[2 * index],
            paid_at=now - timedelta(days=80),
            paid_on=date.today() - timedelta(days=80),
            paid_amount=Decimal(20000),
        )
        for index, award in enumerate(awards)
    )
    return awards
