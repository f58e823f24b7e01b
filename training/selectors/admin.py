"""Reads for the training admin's lists: cohorts with their places counted, in one query
however many there are."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from declaration import selectors as declaration_selectors

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
