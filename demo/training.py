"""Demo training: the three courses the programme ran (digital leadership for senior
managers, Digital and Agile for Local Government, and cyber security), a past cohort of
each with its attendance recorded (people completed, attended some sessions, or did not
come), and two upcoming cohorts of Digital and Agile: one almost full, with its general
places taken, people on its waiting list and reserved places left for organisations with a
funded project, and one later with places free, to move someone to.

Courses and cohorts are written directly, as a training administrator sets them up in the
admin; cohorts are then published, enrolled on, started, completed and registered through
the training services, with ``now`` fixed at the time each happened. A cohort is made once,
by its course and name, with everything on it, so running the seed again adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from declaration.services import memberships
from localdigital.accounts import services as account_services
from localdigital.accounts.models import User
from training.models import (
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    Enrolment,
)
from training.services import attendance, cohorts, enrolments
from training.services.common import is_priority_organisation

from .people import DEMO_DOMAIN
from .training_texts import (
    ALMOST_FULL,
    ALMOST_FULL_CAPACITY,
    ALMOST_FULL_RESERVED,
    ALMOST_FULL_WAITING,
    COURSES,
    DAY,
    DEMO_COUNCIL_CODE,
    FIRST_NAMES,
    FULL_DAY,
    JOB_TITLES,
    LAST_NAMES,
    LATER,
    LONDON,
    PAST,
    UPCOMING_COURSE,
    UPCOMING_VENUE,
    CourseSpec,
    PastCohort,
)


@dataclass
class People:
    """The demo's council staff who take courses: a few made for each published
    signatory, in turn across them, so that no cohort has too many from one."""

    organisations: list[Organisation]
    made: dict[int, list[User]] = field(default_factory=dict)

    def person(self, index: int) -> tuple[User, Organisation]:
        organisation = self.organisations[index % len(self.organisations)]
        number = index // len(self.organisations)
        first = FIRST_NAMES[(index * 7) % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 3 + number) % len(LAST_NAMES)]
        email = f"{first.lower()}.{last.lower()}.{number}@{organisation.slug}.{DEMO_DOMAIN}"
        user = account_services.council_user_ensure(email=email, full_name=f"{first} {last}")
        if declaration_selectors.membership_get(user=user, organisation=organisation) is None:
            memberships.membership_add(organisation=organisation, user=user, added_by=None)
        return user, organisation


def _published_signatories() -> list[Organisation]:
    """Return the published signatories whose demo staff take courses: every one but the
    demo council, whose own demo users try enrolling for themselves."""
    organisations = declaration_selectors.organisations_active().exclude(
        register_code=DEMO_COUNCIL_CODE
    )
    ids = declaration_selectors.signatory_organisation_ids(
        organisation_ids=organisations.values_list("pk", flat=True)
    )
    return [organisation for organisation in organisations if organisation.pk in ids]


def seed(*, training_admin: User) -> list[str]:
    """Create the demo's courses and cohorts, with their people; return what was done."""
    courses = {spec.slug: _course_ensure(spec) for spec in COURSES}
    signatories = _published_signatories()
    if not signatories:
        return ["Training: no published signatories, so nobody enrolled."]
    people = People(signatories)
    made_past = sum(
        _past_cohort_ensure(spec, course=courses[spec.course], people=people, admin=training_admin)
        for spec in PAST
    )
    made_upcoming = _upcoming_ensure(courses[UPCOMING_COURSE], people=people, admin=training_admin)
    return [
        f"Training: {len(courses)} courses; {made_past} past cohorts with attendance and "
        f"{made_upcoming} upcoming cohorts made now."
    ]


def _course_ensure(spec: CourseSpec) -> Course:
    course, _ = Course.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "summary": spec.summary,
            "description": spec.description,
            "audience": spec.audience,
            "course_format": spec.course_format,
            "duration": spec.duration,
            "skills": spec.skills,
            "is_published": True,
        },
    )
    return course


def _cohort_create(
    *,
    course: Course,
    name: str,
    capacity: int,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    sessions: list[tuple[datetime.datetime, datetime.timedelta]],
    location: str,
    is_online: bool,
    max_per_organisation: int | None = None,
    reserved_places: int = 0,
    reserved_release_at: datetime.datetime | None = None,
    created_at: datetime.datetime,
) -> Cohort:
    """Set up a draft cohort with its sessions, as a training administrator does."""
    cohort = Cohort.objects.create(
        course=course,
        name=name,
        capacity=capacity,
        enrolment_opens_at=opens_at,
        enrolment_closes_at=closes_at,
        max_per_organisation=max_per_organisation,
        reserved_places=reserved_places,
        reserved_release_at=reserved_release_at,
        joining_instructions=(
            "The joining link is sent the week before."
            if is_online
            else f"Come to reception at {location} by 9:15am. Lunch is provided."
        ),
        status=CohortStatus.DRAFT,
        created_at=created_at,
    )
    CohortSession.objects.bulk_create(
        CohortSession(
            cohort=cohort,
            starts_at=starts_at,
            ends_at=starts_at + length,
            location=location,
            is_online=is_online,
        )
        for starts_at, length in sessions
    )
    return cohort


def _enrol(
    cohort: Cohort,
    *,
    user: User,
    organisation: Organisation,
    index: int,
    now: datetime.datetime,
    needs: str = "",
) -> Enrolment:
    return enrolments.enrolment_create(
        cohort=cohort,
        user=user,
        organisation=organisation,
        job_title=JOB_TITLES[index % len(JOB_TITLES)],
        line_manager_email=f"line.manager@{organisation.slug}.{DEMO_DOMAIN}",
        needs=needs,
        consent=True,
        now=now,
    )


def _past_cohort_ensure(spec: PastCohort, *, course: Course, people: People, admin: User) -> int:
    """Run a past cohort as it happened: published, enrolled on, run, and its registers
    taken. Return 1 if it was made now, 0 if it was there already."""
    if Cohort.objects.filter(course=course, name=spec.name).exists():
        return 0
    first_starts = spec.sessions[0][0]
    last_ends = spec.sessions[-1][0] + spec.sessions[-1][1]
    opens_at = first_starts - 42 * DAY
    cohort = _cohort_create(
        course=course,
        name=spec.name,
        capacity=spec.capacity,
        opens_at=opens_at,
        closes_at=first_starts - 7 * DAY,
        sessions=spec.sessions,
        location=spec.location,
        is_online=spec.is_online,
        max_per_organisation=spec.max_per_organisation,
        created_at=opens_at - 7 * DAY,
    )
    cohort = cohorts.cohort_publish(cohort=cohort, published_by=admin, now=opens_at - DAY)
    taken = []
    start = sum(p.outcome.people for p in PAST[: PAST.index(spec)])
    for index in range(spec.outcome.people):
        user, organisation = people.person(start + index)
        taken.append(
            _enrol(
                cohort,
                user=user,
                organisation=organisation,
                index=index,
                now=opens_at + DAY + index * datetime.timedelta(hours=5),
            )
        )
    cohorts.cohort_statuses_advance(now=last_ends + datetime.timedelta(hours=1))
    after = last_ends + datetime.timedelta(hours=2)
    completed = taken[: spec.outcome.completed]
    incomplete = taken[spec.outcome.completed : spec.outcome.completed + spec.outcome.incomplete]
    no_show = taken[spec.outcome.completed + spec.outcome.incomplete :]
    attendance.cohort_attendance_record(
        cohort=cohort,
        enrolment_ids=[e.pk for e in completed],
        attended=True,
        recorded_by=admin,
        now=after,
    )
    attendance.cohort_attendance_record(
        cohort=cohort,
        enrolment_ids=[e.pk for e in no_show],
        attended=False,
        recorded_by=admin,
        now=after,
    )
    sessions = list(CohortSession.objects.filter(cohort=cohort).order_by("starts_at"))
    for enrolment in incomplete:
        for number, session in enumerate(sessions):
            attendance.attendance_record(
                session=session,
                enrolment=enrolment,
                attended=number == 0,
                recorded_by=admin,
                now=after,
            )
    return 1


def _upcoming_ensure(course: Course, *, people: People, admin: User) -> int:
    """Make the two upcoming cohorts once, dated from the day the seed first runs: the
    almost full one with its waiting list, and a later one with places free. Return how
    many were made now."""
    now = timezone.now().replace(microsecond=0)
    made = 0
    base = sum(p.outcome.people for p in PAST)
    if not Cohort.objects.filter(course=course, name=ALMOST_FULL).exists():
        _almost_full_make(course, people=people, admin=admin, now=now, base=base)
        made += 1
    if not Cohort.objects.filter(course=course, name=LATER).exists():
        first = (now + 70 * DAY).astimezone(LONDON).replace(hour=9, minute=30, second=0)
        cohort = _cohort_create(
            course=course,
            name=LATER,
            capacity=20,
            opens_at=now - DAY,
            closes_at=first - 14 * DAY,
            sessions=[(first, FULL_DAY), (first + DAY, FULL_DAY)],
            location=UPCOMING_VENUE,
            is_online=False,
            max_per_organisation=4,
            created_at=now - 2 * DAY,
        )
        cohort = cohorts.cohort_publish(cohort=cohort, published_by=admin, now=now - DAY)
        for index in range(4):
            user, organisation = people.person(base + 40 + index)
            _enrol(cohort, user=user, organisation=organisation, index=index, now=now)
        made += 1
    return made


def _almost_full_make(
    course: Course, *, people: People, admin: User, now: datetime.datetime, base: int
) -> None:
    """Fill the cohort's general places with people of organisations without a funded
    project, then put more of them on the waiting list: the reserved places stay free for
    organisations with one until their release."""
    first = (now + 35 * DAY).astimezone(LONDON).replace(hour=9, minute=30, second=0)
    cohort = _cohort_create(
        course=course,
        name=ALMOST_FULL,
        capacity=ALMOST_FULL_CAPACITY,
        opens_at=now - 14 * DAY,
        closes_at=first - 7 * DAY,
        sessions=[(first, FULL_DAY), (first + DAY, FULL_DAY)],
        location=UPCOMING_VENUE,
        is_online=False,
        reserved_places=ALMOST_FULL_RESERVED,
        reserved_release_at=first - 14 * DAY,
        created_at=now - 15 * DAY,
    )
    cohort = cohorts.cohort_publish(cohort=cohort, published_by=admin, now=now - 14 * DAY)
    general = ALMOST_FULL_CAPACITY - ALMOST_FULL_RESERVED
    wanted = general + ALMOST_FULL_WAITING
    joined, index = 0, base
    priority: dict[int, bool] = {}
    # People of priority organisations would take the reserved places first, so only
    # others are enrolled here; give up after a round of everyone rather than loop.
    while joined < wanted and index < base + wanted * (len(people.organisations) + 1):
        user, organisation = people.person(index)
        index += 1
        if organisation.pk not in priority:
            priority[organisation.pk] = is_priority_organisation(organisation.pk)
        if priority[organisation.pk]:
            continue
        _enrol(
            cohort,
            user=user,
            organisation=organisation,
            index=joined,
            now=now - (wanted - joined) * datetime.timedelta(hours=6),
            needs="Step-free access to the room, please." if joined % 5 == 1 else "",
        )
        joined += 1
