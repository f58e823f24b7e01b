"""Reads for the training admin's lists: cohorts with their places counted, in one query
however many there are; and the enrolments chosen in the admin, as CSV rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from declaration import selectors as declaration_selectors

from .. import formats
from ..models import TAKEN_STATUSES, Enrolment, EnrolmentStatus
from .cohorts import cohorts_with_places


def _count(condition: Q) -> Subquery:
    return Subquery(
        Enrolment.objects.filter(condition, cohort=OuterRef("pk"))
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )


def cohorts_for_admin() -> QuerySet[Any]:
    """Return cohorts with their course, dates and places (see ``cohorts_with_places``),
    and how many people are ``enrolled`` (took a place), ``offered`` one and ``waiting``."""
    return cohorts_with_places().annotate(
        enrolled=_count(Q(status__in=TAKEN_STATUSES)),
        offered=_count(Q(status=EnrolmentStatus.OFFERED)),
    )


def enrolled_organisation_choices() -> list[tuple[int, str]]:
    """Return the id and name of every organisation anyone has enrolled for, by name, in one
    query: the choices of the enrolments list's filter."""
    return declaration_selectors.organisation_names(
        organisation_ids=Enrolment.objects.values("organisation_id")
    )


ENROLMENT_CSV_HEADERS = [
    "Enrolment",
    "Name",
    "Email",
    "Organisation",
    "Job title",
    "Line manager's email",
    "Course",
    "Cohort",
    "Status",
    "Waiting position",
    "Priority organisation",
    "Joined",
]
NEEDS_HEADER = "Accessibility or dietary needs"


def enrolments_csv(
    enrolments: QuerySet[Enrolment], *, with_needs: bool
) -> tuple[list[str], Iterator[list[str | int]]]:
    """Return the header and rows of ``enrolments`` as CSV, by cohort; with each person's
    accessibility or dietary needs only when ``with_needs``."""
    headers = [*ENROLMENT_CSV_HEADERS, *([NEEDS_HEADER] if with_needs else [])]
    rows = (
        [
            e.pk,
            e.user.full_name,
            e.user.email,
            e.organisation.name,
            e.job_title,
            e.line_manager_email,
            e.cohort.course.title,
            str(e.cohort),
            e.get_status_display(),
            e.waiting_position or "",
            "yes" if e.is_priority else "no",
            formats.date_and_time(e.created_at),
            *([e.needs] if with_needs else []),
        ]
        for e in enrolments.select_related("cohort__course", "user", "organisation").order_by(
            "cohort", "pk"
        )
    )
    return headers, rows
