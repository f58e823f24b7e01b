"""Reads of enrolments: a person's own, their offers and certificates, and the register
of a cohort for training administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from localdigital.accounts.models import User

from ..links import certificate_path, course_path, course_url, enrolment_url, offer_path
from ..models import (
    CANCELLABLE_STATUSES,
    TAKEN_STATUSES,
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
)
from .cohorts import SessionRow, cohorts_with_dates


@dataclass(frozen=True)
class EnrolmentRow:
    """One of a person's enrolments, as their account page shows it.

    ``joining_instructions`` is given only to someone enrolled, and so is the calendar
    file of the sessions (``can_add_to_calendar``); ``offer_url`` only while an offer
    waits for their answer; ``certificate_url`` only once they completed. Someone waiting
    leaves the waiting list; anyone else cancels their enrolment (``cancel_action``).
    """

    pk: int
    course_title: str
    course_url: str
    cohort_name: str
    organisation_name: str
    status: str
    status_label: str
    waiting_position: int | None
    first_starts_at: datetime | None
    sessions: list[SessionRow]
    offer_url: str
    offer_expires_at: datetime | None
    can_cancel: bool
    joining_instructions: str
    certificate_url: str

    @property
    def is_waiting(self) -> bool:
        return self.status == EnrolmentStatus.WAITING

    @property
    def can_add_to_calendar(self) -> bool:
        return self.status == EnrolmentStatus.ENROLLED

    @property
    def cancel_action(self) -> str:
        """Return what cancelling is called for them: "Leave the waiting list" for someone
        waiting, else "Cancel your enrolment"."""
        return "Leave the waiting list" if self.is_waiting else "Cancel your enrolment"

    @property
    def cancelled_message(self) -> str:
        """Return how cancelling is confirmed, before the course's title."""
        if self.is_waiting:
            return "You have left the waiting list for"
        return "You have cancelled your enrolment on"


def _enrolment_rows(*, user: User, now: datetime, pk: int | None = None) -> list[EnrolmentRow]:
    """Return the person's enrolments (or only the one with ``pk``) as rows, newest first,
    in four queries: enrolments, cohorts with their courses, sessions, pending offers."""
    enrolments = Enrolment.objects.filter(user=user)
    if pk is not None:
        enrolments = enrolments.filter(pk=pk)
    enrolments = (
        # The cohort comes by prefetch, not select_related: a relation already joined is
        # never prefetched, and it would lose its dates and sessions.
        enrolments.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "cohort",
                queryset=cohorts_with_dates()
                .select_related("course")
                .prefetch_related(
                    Prefetch("sessions", queryset=CohortSession.objects.order_by("starts_at"))
                ),
            ),
            Prefetch(
                "offer",
                queryset=Offer.objects.filter(status=OfferStatus.PENDING),
            ),
        )
        .order_by("-created_at", "-pk")
    )
    rows = []
    for enrolment in enrolments:
        cohort = enrolment.cohort
        first = getattr(cohort, "first_starts_at", None)
        started = first is not None and first <= now
        offer = getattr(enrolment, "offer", None)
        pending = offer if offer is not None and offer.status == OfferStatus.PENDING else None
        rows.append(
            EnrolmentRow(
                pk=enrolment.pk,
                course_title=cohort.course.title,
                course_url=course_path(cohort.course.slug),
                cohort_name=cohort.name,
                organisation_name=enrolment.organisation.name,
                status=enrolment.status,
                status_label=enrolment.get_status_display(),
                waiting_position=enrolment.waiting_position,
                first_starts_at=first,
                sessions=[
                    SessionRow(session.starts_at, session.ends_at, session.place)
                    for session in cohort.sessions.all()
                ],
                offer_url=offer_path(pending.pk) if pending and pending.expires_at > now else "",
                offer_expires_at=pending.expires_at if pending else None,
                can_cancel=enrolment.status in CANCELLABLE_STATUSES and not started,
                joining_instructions=(
                    cohort.joining_instructions
                    if enrolment.status == EnrolmentStatus.ENROLLED
                    else ""
                ),
                certificate_url=(
                    certificate_path(enrolment.pk)
                    if enrolment.status == EnrolmentStatus.COMPLETED
                    else ""
                ),
            )
        )
    return rows


def enrolments_for_user(*, user: User, now: datetime | None = None) -> list[EnrolmentRow]:
    """Return the person's enrolments, those on cohorts starting soonest first and the
    ones they have left last, in four queries however many there are."""
    now = now or timezone.now()
    if not user.is_authenticated:
        return []
    rows = _enrolment_rows(user=user, now=now)
    live = [row for row in rows if row.status in (*CANCELLABLE_STATUSES, *TAKEN_STATUSES)]
    left = [row for row in rows if row not in live]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    live.sort(key=lambda row: row.first_starts_at or far)
    return live + left


def enrolment_row_for_user_get(
    *, user: User, pk: int, now: datetime | None = None
) -> EnrolmentRow | None:
    """Return the person's own enrolment with this id as their account shows it, or None
    (which pages answer as not found). Four queries."""
    if not user.is_authenticated:
        return None
    rows = _enrolment_rows(user=user, now=now or timezone.now(), pk=pk)
    return rows[0] if rows else None


def enrolment_for_user_get(*, user: User, pk: int) -> Enrolment | None:
    """Return the person's own enrolment with this id, or None (which pages answer as not
    found): for cancelling it."""
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(user=user, pk=pk)
        .select_related("cohort__course", "organisation")
        .first()
    )


def offer_for_user_get(*, user: User, offer_id: int) -> Offer | None:
    """Return the offer with this id if it was made to ``user``, whatever its state, with
    its cohort and course; else None."""
    if not user.is_authenticated:
        return None
    return (
        Offer.objects.filter(pk=offer_id, enrolment__user=user)
        .select_related("enrolment__cohort__course", "enrolment__organisation")
        .first()
    )


@dataclass(frozen=True)
class Certificate:
    """What a certificate of completion says."""

    name: str
    course_title: str
    organisation_name: str
    first_day: datetime | None
    last_day: datetime | None
    duration: str
    skills: list[str]
    reference: str


def certificate_get(*, user: User, enrolment_id: int) -> Certificate | None:
    """Return the certificate of the person's completed enrolment, or None if it is not
    theirs or not completed."""
    if not user.is_authenticated:
        return None
    enrolment = (
        Enrolment.objects.filter(user=user, pk=enrolment_id, status=EnrolmentStatus.COMPLETED)
        .select_related("cohort__course", "organisation", "user")
        .first()
    )
    if enrolment is None:
        return None
    cohort = cohorts_with_dates().get(pk=enrolment.cohort_id)
    course = enrolment.cohort.course
    return Certificate(
        name=user.full_name or user.email,
        course_title=course.title,
        organisation_name=enrolment.organisation.name,
        first_day=cohort.first_starts_at,
        last_day=cohort.last_ends_at,
        duration=course.duration,
        skills=list(course.skills),
        reference=f"LD-T-{enrolment.cohort_id}-{enrolment.pk}",
    )


@dataclass(frozen=True)
class CalendarSession:
    """A session as a calendar event: ``sequence`` counts the changes made to it, so a
    calendar that imports it again takes the newer times."""

    pk: int
    starts_at: datetime
    ends_at: datetime
    place: str
    sequence: int


@dataclass(frozen=True)
class EnrolmentCalendar:
    """What the calendar file of a person's enrolment holds: the cohort's sessions, with
    the joining instructions, which only someone enrolled is given."""

    enrolment_id: int
    course_title: str
    cohort_name: str
    organisation_name: str
    joining_instructions: str
    sessions: list[CalendarSession]
    enrolment_url: str
    course_url: str
    filename: str


def enrolment_calendar_get(*, user: User, enrolment_id: int) -> EnrolmentCalendar | None:
    """Return the calendar of the person's own enrolment while they are enrolled, or None
    (which pages answer as not found): nobody waiting, offered a place or gone is given the
    joining instructions. Two queries."""
    if not user.is_authenticated:
        return None
    enrolment = (
        Enrolment.objects.filter(user=user, pk=enrolment_id, status=EnrolmentStatus.ENROLLED)
        .select_related("cohort__course", "organisation")
        .first()
    )
    if enrolment is None:
        return None
    cohort = enrolment.cohort
    sessions = (
        CohortSession.objects.filter(cohort=cohort)
        .annotate(sequence=Count("changes"))
        .order_by("starts_at", "pk")
    )
    return EnrolmentCalendar(
        enrolment_id=enrolment.pk,
        course_title=cohort.course.title,
        cohort_name=cohort.name,
        organisation_name=enrolment.organisation.name,
        joining_instructions=cohort.joining_instructions.strip(),
        sessions=[
            CalendarSession(s.pk, s.starts_at, s.ends_at, s.place, s.sequence) for s in sessions
        ],
        enrolment_url=enrolment_url(enrolment.pk),
        course_url=course_url(cohort.course.slug),
        filename=f"{cohort.course.slug}-cohort-{cohort.pk}.ics",
    )


def enrolments_for_admin() -> QuerySet[Enrolment]:
    """Return enrolments with what the staff list and detail page show, in one query."""
    return Enrolment.objects.select_related("cohort__course", "user", "organisation", "created_by")


@dataclass(frozen=True)
class RegisterRow:
    """One person with a place, and their attendance at each session: True, False, or
    None where it is not recorded."""

    enrolment: Enrolment
    marks: list[bool | None]


@dataclass(frozen=True)
class Register:
    sessions: list[CohortSession]
    rows: list[RegisterRow]


def cohort_register(*, cohort: Cohort) -> Register:
    """Return the cohort's register: its sessions, and everyone who took a place with
    their attendance at each, by name. Three queries."""
    sessions = list(CohortSession.objects.filter(cohort=cohort).order_by("starts_at", "pk"))
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status__in=TAKEN_STATUSES)
        .select_related("user", "organisation")
        .order_by("user__full_name", "user__email", "pk")
    )
    marks = {
        (enrolment_id, session_id): attended
        for enrolment_id, session_id, attended in Attendance.objects.filter(
            session__cohort=cohort
        ).values_list("enrolment_id", "session_id", "attended")
    }
    return Register(
        sessions=sessions,
        rows=[
            RegisterRow(
                enrolment=enrolment,
                marks=[marks.get((enrolment.pk, session.pk)) for session in sessions],
            )
            for enrolment in enrolments
        ],
    )
