"""The admin's training report, per cohort and per organisation, and its CSV rows.

Both count enrolments: enrolled (took a place, whatever attendance made of it), waiting,
attended (at least one session), completed, incomplete (some sessions) and no-show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from .. import formats
from ..models import TAKEN_STATUSES, Cohort, Enrolment, EnrolmentStatus
from .cohorts import cohorts_with_dates

# Each figure of the report: its name, its column's header, and the enrolments it counts
# (a filter on the enrolment's fields).
FIGURES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("enrolled", "Enrolled", {"status__in": TAKEN_STATUSES}),
    ("waiting", "Waiting", {"status": EnrolmentStatus.WAITING}),
    ("attended", "Attended", {"attendances__attended": True}),
    ("completed", "Completed", {"status": EnrolmentStatus.COMPLETED}),
    ("incomplete", "Attended some sessions", {"status": EnrolmentStatus.INCOMPLETE}),
    ("no_show", "No-show", {"status": EnrolmentStatus.NO_SHOW}),
)
REPORT_FIGURES = tuple(name for name, _, _ in FIGURES)
_FIGURE_HEADERS = tuple(header for _, header, _ in FIGURES)
COHORT_REPORT_HEADERS = (
    "Cohort",
    "Course",
    "Cohort name",
    "Status",
    "First session",
    "Capacity",
    *_FIGURE_HEADERS,
)
ORGANISATION_REPORT_HEADERS = ("Organisation", *_FIGURE_HEADERS)


def _figures(prefix: str) -> dict[str, Count]:
    """Return the report's counts of enrolments, reached through ``prefix``; distinct,
    since the attended count joins each enrolment's attendance."""
    return {
        name: Count(
            f"{prefix}pk",
            filter=Q(**{f"{prefix}{field}": value for field, value in counted.items()}),
            distinct=True,
        )
        for name, _, counted in FIGURES
    }


@dataclass(frozen=True, kw_only=True)
class ReportFigures:
    """The report's figures (``REPORT_FIGURES``) for a cohort or an organisation."""

    enrolled: int
    waiting: int
    attended: int
    completed: int
    incomplete: int
    no_show: int

    def figures(self) -> list[int]:
        return [getattr(self, name) for name in REPORT_FIGURES]


@dataclass(frozen=True, kw_only=True)
class CohortReportRow(ReportFigures):
    cohort_id: int
    course_title: str
    cohort_name: str
    status_label: str
    first_starts_at: datetime | None
    capacity: int

    def csv_row(self) -> list[str | int]:
        return [
            self.cohort_id,
            self.course_title,
            self.cohort_name,
            self.status_label,
            formats.date_and_time(self.first_starts_at) if self.first_starts_at else "",
            self.capacity,
            *self.figures(),
        ]


def cohort_report_rows(
    *, cohorts: QuerySet[Cohort] | None = None, cohort_ids: Iterable[int] | None = None
) -> list[CohortReportRow]:
    """Return the report's row for each cohort (every cohort, those of ``cohorts``, or
    those with ``cohort_ids``), soonest first, in one query."""
    rows = (
        cohorts_with_dates()
        .select_related("course")
        .annotate(**_figures("enrolments__"))
        .order_by("first_starts_at", "pk")
    )
    if cohorts is not None:
        rows = rows.filter(pk__in=cohorts.values("pk"))
    if cohort_ids is not None:
        rows = rows.filter(pk__in=list(cohort_ids))
    return [
        CohortReportRow(
            cohort_id=cohort.pk,
            course_title=cohort.course.title,
            cohort_name=cohort.name,
            status_label=cohort.get_status_display(),
            first_starts_at=cohort.first_starts_at,
            capacity=cohort.capacity,
            **{name: getattr(cohort, name) for name in REPORT_FIGURES},
        )
        for cohort in rows
    ]


@dataclass(frozen=True, kw_only=True)
class OrganisationReportRow(ReportFigures):
    organisation_id: int
    organisation_name: str

    def csv_row(self) -> list[str | int]:
        return [self.organisation_name, *self.figures()]


def organisation_report_rows(
    *, cohort_ids: Iterable[int] | None = None
) -> list[OrganisationReportRow]:
    """Return the report's row for each organisation with anyone enrolled or waiting, on
    any cohort or those of ``cohort_ids``, by name, in one query."""
    enrolments = Enrolment.objects.all()
    if cohort_ids is not None:
        enrolments = enrolments.filter(cohort_id__in=list(cohort_ids))
    rows: QuerySet[Any] = (
        enrolments.values("organisation_id", "organisation__name")
        .annotate(**_figures(""))
        .order_by("organisation__name", "organisation_id")
    )
    return [
        OrganisationReportRow(
            organisation_id=row["organisation_id"],
            organisation_name=row["organisation__name"],
            **{name: row[name] for name in REPORT_FIGURES},
        )
        for row in rows
        if row["enrolled"] or row["waiting"]
    ]
