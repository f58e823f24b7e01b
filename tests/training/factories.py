"""Factories for training: courses, cohorts in each state with their sessions, and
enrolments, offers and attendance in each state."""

from __future__ import annotations

import datetime
from typing import Any, cast

import factory
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.models import User
from tests.funding.factories import AwardFactory, SignatoryFactory, member_of
from training.models import (
    Attendance,
    Audience,
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    CourseFormat,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
)
from training.services.enrolments import enrolment_create

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def _now() -> datetime.datetime:
    return timezone.now()


def priority_organisation(**kwargs: Any) -> Organisation:
    """Return a signatory that leads a funded project (announced, offered)."""
    organisation = SignatoryFactory.create(**kwargs)
    AwardFactory.create(application__lead_organisation=organisation)
    return organisation


def signatory_member(organisation: Organisation | None = None, **kwargs: Any) -> User:
    """Return a new approved member of ``organisation`` (a new signatory by default)."""
    return member_of(organisation or SignatoryFactory.create(), **kwargs)


def enrol(
    cohort: Cohort,
    user: User | None = None,
    organisation: Organisation | None = None,
    **details: Any,
) -> Enrolment:
    """Enrol ``user`` of ``organisation`` (a new member of a new signatory by default) on
    ``cohort`` as the enrolment form does, through the service: with a job title, a line
    manager and consent, unless ``details`` say otherwise."""
    if organisation is None:
        organisation = user.memberships.get().organisation if user else SignatoryFactory.create()
    if user is None:
        user = member_of(organisation)
    return enrolment_create(
        cohort=cohort,
        user=user,
        organisation=organisation,
        **{
            "job_title": "Head of digital",
            "line_manager_email": "manager@borsetshire.gov.uk",
            "consent": True,
            **details,
        },
    )


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course."""

    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Digital and Agile for Local Government {n}")
    slug = factory.Sequence(lambda n: f"digital-and-agile-{n}")
    summary = "How to run digital projects in the open, in small steps, with users."
    description = "Two days of agile delivery for council teams."
    audience = Audience.PRACTITIONERS
    course_format = CourseFormat.IN_PERSON
    duration = "2 days"
    skills = factory.LazyFunction(lambda: ["agile delivery", "user research"])
    is_published = True


class CohortFactory(factory.django.DjangoModelFactory):
    """An open cohort of 10 places, taking enrolments now, with two sessions a month off.

    ``sessions`` sets the sessions' start times (each lasting 7 hours); ``sessions=[]``
    makes none. Traits: ``draft``, ``closed``, ``cancelled``, ``reserved`` (2 of the
    places reserved until 10 days from now), and ``past`` (run and completed last month).
    """

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    capacity = 10
    enrolment_opens_at = factory.LazyFunction(lambda: _now() - 5 * DAY)
    enrolment_closes_at = factory.LazyFunction(lambda: _now() + 20 * DAY)
    status = CohortStatus.OPEN
    published_at = factory.LazyFunction(lambda: _now() - 5 * DAY)
    joining_instructions = "Meet at reception, 1 Council Street, Borchester. Bring a laptop."

    class Params:
        draft = factory.Trait(status=CohortStatus.DRAFT, published_at=None)
        closed = factory.Trait(
            status=CohortStatus.CLOSED,
            enrolment_opens_at=factory.LazyFunction(lambda: _now() - 20 * DAY),
            enrolment_closes_at=factory.LazyFunction(lambda: _now() - DAY),
        )
        cancelled = factory.Trait(
            status=CohortStatus.CANCELLED,
            cancelled_at=factory.LazyFunction(_now),
            cancellation_reason="The trainer is ill.",
        )
        reserved = factory.Trait(
            reserved_places=2,
            reserved_release_at=factory.LazyFunction(lambda: _now() + 10 * DAY),
        )
        past = factory.Trait(
            status=CohortStatus.COMPLETED,
            enrolment_opens_at=factory.LazyFunction(lambda: _now() - 90 * DAY),
            enrolment_closes_at=factory.LazyFunction(lambda: _now() - 60 * DAY),
            published_at=factory.LazyFunction(lambda: _now() - 90 * DAY),
        )

    @factory.post_generation
    def sessions(self, create: bool, extracted: list[datetime.datetime] | None, **kwargs: Any):
        if not create:
            return
        cohort = cast(Cohort, self)
        if extracted is None:
            start = _now() - 50 * DAY if cohort.status == CohortStatus.COMPLETED else _now()
            start += 30 * DAY
            extracted = [start, start + DAY]
        for starts_at in extracted:
            CohortSessionFactory.create(cohort=cohort, starts_at=starts_at)


class CohortSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortSession

    cohort = factory.SubFactory(CohortFactory, sessions=[])
    starts_at = factory.LazyFunction(lambda: _now() + 30 * DAY)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + 7 * HOUR)
    location = "Committee Room 2, Borchester Town Hall"
    is_online = False


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A person enrolled on an open cohort, for a signatory they are a member of.

    Traits: ``waiting`` (give ``waiting_position``), ``offered``, ``cancelled``,
    ``completed`` and ``no_show``.
    """

    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    organisation = factory.SubFactory(SignatoryFactory)
    user = factory.LazyAttribute(lambda e: member_of(e.organisation))
    job_title = "Service designer"
    line_manager_email = factory.LazyAttribute(lambda e: f"manager@{e.organisation.slug}.gov.uk")
    needs = ""
    consented_at = factory.LazyFunction(_now)
    status = EnrolmentStatus.ENROLLED
    enrolled_at = factory.LazyFunction(_now)

    class Params:
        waiting = factory.Trait(status=EnrolmentStatus.WAITING, enrolled_at=None)
        offered = factory.Trait(status=EnrolmentStatus.OFFERED, enrolled_at=None)
        cancelled = factory.Trait(
            status=EnrolmentStatus.CANCELLED, left_at=factory.LazyFunction(_now)
        )
        completed = factory.Trait(
            status=EnrolmentStatus.COMPLETED,
            attendance_recorded_at=factory.LazyFunction(_now),
        )
        no_show = factory.Trait(
            status=EnrolmentStatus.NO_SHOW, attendance_recorded_at=factory.LazyFunction(_now)
        )


class OfferFactory(factory.django.DjangoModelFactory):
    """A pending offer to an offered enrolment, expiring in 48 hours."""

    class Meta:
        model = Offer

    enrolment = factory.SubFactory(EnrolmentFactory, offered=True)
    offered_at = factory.LazyFunction(_now)
    expires_at = factory.LazyAttribute(lambda o: o.offered_at + 48 * HOUR)
    status = OfferStatus.PENDING


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    enrolment = factory.SubFactory(EnrolmentFactory)
    session = factory.LazyAttribute(lambda a: a.enrolment.cohort.sessions.first())
    attended = True
