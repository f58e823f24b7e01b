"""Reads of courses and cohorts: their dates, places left and upcoming cohorts, for the
public pages and the admin, each in a fixed number of queries however many there are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from localdigital.formats import count_of

from .. import wording
from ..links import course_path
from ..models import Cohort, CohortSession, CohortStatus, Course
from ..places import PLACE_COUNTS, Places, places_compute

if TYPE_CHECKING:
    from .prospects import PlacesForYou

# Cohorts the public sees: published, not cancelled, and not yet over.
PUBLIC_STATUSES = (CohortStatus.OPEN, CohortStatus.CLOSED)


def cohorts_with_dates() -> QuerySet[Any]:
    """Return cohorts annotated with ``first_starts_at`` and ``last_ends_at`` from their
    sessions (NULL for a cohort with none)."""
    sessions = CohortSession.objects.filter(cohort=OuterRef("pk")).order_by().values("cohort")
    return Cohort.objects.annotate(
        first_starts_at=Subquery(sessions.annotate(first=Min("starts_at")).values("first")),
        last_ends_at=Subquery(sessions.annotate(last=Max("ends_at")).values("last")),
    )


def cohorts_with_places() -> QuerySet[Any]:
    """Return cohorts with their dates and their enrolments counted (``held``,
    ``held_reserved``, ``waiting``, ``waiting_priority``), with their courses."""
    counts = {name: _count_subquery(aggregate) for name, aggregate in PLACE_COUNTS.items()}
    return cohorts_with_dates().select_related("course").annotate(**counts)


def _count_subquery(aggregate):
    from ..models import Enrolment

    return Subquery(
        Enrolment.objects.filter(cohort=OuterRef("pk"))
        .order_by()
        .values("cohort")
        .annotate(n=aggregate)
        .values("n")
    )


@dataclass(frozen=True)
class CohortPlaces:
    """A cohort's places as people see them.

    ``places_left`` are all the free places; ``reserved_left`` of them are kept for
    priority organisations until ``reserved_until``, as ``reserved_note`` tells the public.
    ``is_full`` is true when nobody new would get a place now (they would join the waiting
    list, which stays open), and ``status_label`` says where the cohort stands, "Full"
    among them. ``summary`` says it in a few words, for lists. ``is_open_to_all`` is true
    while someone of any organisation would get a place now.
    """

    cohort_id: int
    capacity: int
    places_left: int
    reserved_left: int
    reserved_until: datetime | None
    waiting: int
    is_full: bool
    is_taking_enrolments: bool
    status: str
    status_label: str
    reserved_note: str
    summary: str
    is_open_to_all: bool


def _summary(places: Places, *, is_full: bool) -> str:
    if is_full:
        return "waiting list open"
    left = count_of(places.free, "place", "places")
    if not places.reserved_free:
        return f"{left} left"
    kept = "kept" if places.reserved_free == places.free else f"{places.reserved_free} kept"
    return f"{left} left, {kept} for {wording.FUNDED}"


def _status(cohort: Cohort, places: Places, now: datetime) -> tuple[str, str, bool]:
    """Return the cohort's status as shown (with "full"), its label, and whether it takes
    enrolments at ``now``."""
    first = getattr(cohort, "first_starts_at", None)
    if cohort.status == CohortStatus.OPEN:
        if first is not None and first <= now:
            return CohortStatus.RUNNING, CohortStatus.RUNNING.label, False
        if now >= cohort.enrolment_closes_at:
            return CohortStatus.CLOSED, CohortStatus.CLOSED.label, False
        if now < cohort.enrolment_opens_at:
            return CohortStatus.OPEN, "Enrolment not open yet", False
        full = (
            places.place_for_newcomer(is_priority=True) is None
            and places.place_for_newcomer(is_priority=False) is None
        )
        if full:
            return "full", "Full: waiting list open", True
        return CohortStatus.OPEN, CohortStatus.OPEN.label, True
    status = CohortStatus(cohort.status)
    return status, status.label, False


def places_of(cohort: Cohort, *, now: datetime) -> Places:
    """Return the places of a cohort fetched by ``cohorts_with_places``, from its counts."""
    return places_compute(
        cohort=cohort,
        held=cohort.held or 0,  # type: ignore[attr-defined]
        held_reserved=cohort.held_reserved or 0,  # type: ignore[attr-defined]
        waiting=cohort.waiting or 0,  # type: ignore[attr-defined]
        waiting_priority=cohort.waiting_priority or 0,  # type: ignore[attr-defined]
        now=now,
    )


def cohort_places_of(cohort: Cohort, *, now: datetime) -> CohortPlaces:
    """Return the places of a cohort fetched by ``cohorts_with_places``."""
    places = places_of(cohort, now=now)
    status, label, taking = _status(cohort, places, now)
    reserved_until = cohort.reserved_release_at if places.reserved_free else None
    return CohortPlaces(
        cohort_id=cohort.pk,
        capacity=cohort.capacity,
        places_left=places.free,
        reserved_left=places.reserved_free,
        reserved_until=reserved_until,
        waiting=places.waiting,
        is_full=status == "full",
        is_taking_enrolments=taking,
        status=status,
        status_label=label,
        reserved_note=(
            wording.reserved_note(
                places_left=places.free,
                reserved_left=places.reserved_free,
                reserved_until=reserved_until,
            )
            if reserved_until is not None
            else ""
        ),
        summary=_summary(places, is_full=status == "full"),
        is_open_to_all=places.place_for_newcomer(is_priority=False) is not None,
    )


def cohort_places(
    *, cohort_ids: Iterable[int], now: datetime | None = None
) -> dict[int, CohortPlaces]:
    """Return the places of each of these cohorts, by id, in one query."""
    now = now or timezone.now()
    return {
        cohort.pk: cohort_places_of(cohort, now=now)
        for cohort in cohorts_with_places().filter(pk__in=list(cohort_ids))
    }


@dataclass(frozen=True)
class SessionRow:
    starts_at: datetime
    ends_at: datetime
    place: str


@dataclass(frozen=True)
class CohortRow:
    """An upcoming cohort, ready to show: its dates, sessions and places; and, for a
    signed-in person who may enrol, the places they can take (``you``)."""

    pk: int
    course_id: int
    name: str
    first_starts_at: datetime | None
    last_ends_at: datetime | None
    enrolment_opens_at: datetime
    enrolment_closes_at: datetime
    sessions: list[SessionRow]
    places: CohortPlaces
    you: PlacesForYou | None = None

    @property
    def button(self) -> str:
        """Return what the button that starts enrolling says: what will happen for the
        person reading (``you``); for anyone who may not enrol yet, what would happen to
        most people (both, when the free places are kept for funded-project
        organisations); empty when the cohort takes nobody now, or nobody of theirs."""
        if not self.places.is_taking_enrolments:
            return ""
        if self.you is not None:
            return self.you.button
        if self.places.is_full:
            return "Join the waiting list"
        return "Enrol" if self.places.is_open_to_all else "Enrol or join the waiting list"


def _sessions_prefetch() -> Prefetch:
    return Prefetch("sessions", queryset=CohortSession.objects.order_by("starts_at", "pk"))


def _cohort_row(cohort: Cohort, now: datetime) -> CohortRow:
    return CohortRow(
        pk=cohort.pk,
        course_id=cohort.course_id,
        name=cohort.name,
        first_starts_at=cohort.first_starts_at,  # type: ignore[attr-defined]
        last_ends_at=cohort.last_ends_at,  # type: ignore[attr-defined]
        enrolment_opens_at=cohort.enrolment_opens_at,
        enrolment_closes_at=cohort.enrolment_closes_at,
        sessions=[SessionRow(s.starts_at, s.ends_at, s.place) for s in cohort.sessions.all()],
        places=cohort_places_of(cohort, now=now),
    )


def upcoming_cohorts(
    *, course_ids: Iterable[int] | None = None, now: datetime | None = None
) -> dict[int, list[CohortRow]]:
    """Return the published cohorts whose first session is still to come, soonest first,
    by course id; for every course, or only ``course_ids``. Two queries."""
    now = now or timezone.now()
    cohorts = (
        cohorts_with_places()
        .filter(status__in=PUBLIC_STATUSES, first_starts_at__gt=now)
        .prefetch_related(_sessions_prefetch())
        .order_by("first_starts_at", "pk")
    )
    if course_ids is not None:
        cohorts = cohorts.filter(course_id__in=list(course_ids))
    by_course: dict[int, list[CohortRow]] = {}
    for cohort in cohorts:
        by_course.setdefault(cohort.course_id, []).append(_cohort_row(cohort, now))
    return by_course


@dataclass(frozen=True)
class CourseRow:
    """A published course with its upcoming cohorts."""

    course: Course
    url: str
    cohorts: list[CohortRow]


def courses_published() -> QuerySet[Course]:
    return Course.objects.filter(is_published=True).order_by("title", "pk")


def courses_with_upcoming_cohorts(*, now: datetime | None = None) -> list[CourseRow]:
    """Return every published course, by title, with its upcoming cohorts: for
    ``/training/``, in three queries however many courses and cohorts there are."""
    now = now or timezone.now()
    courses = list(courses_published())
    cohorts = upcoming_cohorts(course_ids=[course.pk for course in courses], now=now)
    return [
        CourseRow(course=course, url=course_path(course.slug), cohorts=cohorts.get(course.pk, []))
        for course in courses
    ]


def course_get_public(*, slug: str) -> Course | None:
    """Return the published course with this slug, or None."""
    return courses_published().filter(slug=slug).first()


def course_page(*, slug: str, now: datetime | None = None) -> CourseRow | None:
    """Return a published course with its upcoming cohorts, for its page; None if there
    is no such published course. Three queries."""
    course = course_get_public(slug=slug)
    if course is None:
        return None
    cohorts = upcoming_cohorts(course_ids=[course.pk], now=now)
    return CourseRow(
        course=course, url=course_path(course.slug), cohorts=cohorts.get(course.pk, [])
    )


def cohort_get_public(*, pk: int) -> Cohort | None:
    """Return a published cohort, with its course and dates, or None: the cohort a person
    enrols on."""
    return (
        cohorts_with_dates()
        .select_related("course")
        .filter(pk=pk, status__in=PUBLIC_STATUSES, course__is_published=True)
        .first()
    )


def cohorts_of_course_for_move(*, cohort: Cohort, now: datetime | None = None) -> list[Cohort]:
    """Return the other published cohorts of the cohort's course that have not started:
    where a training administrator may move someone."""
    now = now or timezone.now()
    return list(
        cohorts_with_dates()
        .select_related("course")
        .filter(course_id=cohort.course_id, status__in=PUBLIC_STATUSES, first_starts_at__gt=now)
        .exclude(pk=cohort.pk)
        .order_by("first_starts_at", "pk")
    )
