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
from zoneinfo import ZoneInfo

from django.utils import timezone

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from declaration.services import memberships
from localdigital.accounts import services as account_services
from localdigital.accounts.models import User
from training.models import (
    Audience,
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    CourseFormat,
    Enrolment,
)
from training.services import attendance, cohorts, enrolments
from training.services.common import is_priority_organisation

LONDON = ZoneInfo("Europe/London")
DEMO_DOMAIN = "demo.localdigital.test"
DEMO_COUNCIL_CODE = "HCK"
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    summary: str
    description: str
    audience: Audience
    course_format: CourseFormat
    duration: str
    skills: list[str]


COURSES = [
    CourseSpec(
        "digital-leadership",
        "Digital leadership for senior managers",
        "For chief executives, directors and heads of service: what digital means for "
        "your council, and how to lead the change.",
        "Three half days for senior leaders. You will learn how modern digital services "
        "are designed and run, what to ask of your teams and suppliers, how to fund work "
        "in small steps, and how to lead an open culture that shares and reuses.\n\n"
        "Each session mixes short talks with discussion among peers from other councils.",
        Audience.SENIOR_LEADERS,
        CourseFormat.BLENDED,
        "3 half days",
        ["digital strategy", "leading change", "buying technology", "working in the open"],
    ),
    CourseSpec(
        "digital-and-agile",
        "Digital and Agile for Local Government",
        "Two days on running council projects the agile way: with users, in small steps, "
        "in the open.",
        "For the people who run and work on council projects. Over two days you will plan "
        "a discovery, meet your users, write user stories, run sprints and show your work, "
        "using a real council service as the example.",
        Audience.PRACTITIONERS,
        CourseFormat.IN_PERSON,
        "2 days",
        ["agile delivery", "user research", "service design", "discovery and alpha"],
    ),
    CourseSpec(
        "cyber-security",
        "Cyber security for councils",
        "A day online on protecting your council's services and data, and on what to do "
        "when things go wrong.",
        "For anyone who works with council systems or data. You will learn how attacks on "
        "councils happen, how to spot phishing, how to keep services and suppliers secure, "
        "and how to prepare for and respond to an incident.",
        Audience.EVERYONE,
        CourseFormat.ONLINE,
        "1 day",
        ["phishing", "incident response", "secure by design", "supplier assurance"],
    ),
]


@dataclass(frozen=True)
class Outcome:
    """How many of a past cohort's people completed, attended some sessions, or none."""

    completed: int
    incomplete: int
    no_show: int

    @property
    def people(self) -> int:
        return self.completed + self.incomplete + self.no_show


@dataclass(frozen=True)
class PastCohort:
    course: str
    name: str
    capacity: int
    sessions: list[tuple[datetime.datetime, datetime.timedelta]]
    location: str
    is_online: bool
    outcome: Outcome
    max_per_organisation: int | None = None


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


HALF_DAY = datetime.timedelta(hours=3, minutes=30)
FULL_DAY = datetime.timedelta(hours=7)

PAST = [
    PastCohort(
        "digital-leadership",
        "Spring 2019, London",
        12,
        [(_at(2019, 3, 12), HALF_DAY), (_at(2019, 3, 26), HALF_DAY), (_at(2019, 4, 9), HALF_DAY)],
        "2 Marsham Street, London SW1P 4DF",
        False,
        Outcome(completed=6, incomplete=1, no_show=2),
        max_per_organisation=2,
    ),
    PastCohort(
        "digital-and-agile",
        "Autumn 2019, Manchester",
        20,
        [(_at(2019, 10, 15), FULL_DAY), (_at(2019, 10, 16), FULL_DAY)],
        "Manchester Central Library, St Peter's Square, Manchester M2 5PD",
        False,
        Outcome(completed=10, incomplete=1, no_show=2),
        max_per_organisation=3,
    ),
    PastCohort(
        "cyber-security",
        "February 2020, online",
        30,
        [(_at(2020, 2, 4), FULL_DAY)],
        "",
        True,
        Outcome(completed=8, incomplete=0, no_show=2),
    ),
]

UPCOMING_COURSE = "digital-and-agile"
ALMOST_FULL = "Next cohort, Leeds"
LATER = "Later cohort, Leeds"
UPCOMING_VENUE = "Leeds Central Library, Calverley Street, Leeds LS1 3AB"
# The almost full cohort: its general places are taken and people wait; its reserved places
# are left for organisations that lead or partner on a funded project.
ALMOST_FULL_CAPACITY = 16
ALMOST_FULL_RESERVED = 2
ALMOST_FULL_WAITING = 3

FIRST_NAMES = [
    "Amira", "Ben", "Carys", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jamal",
    "Kate", "Liam", "Maya", "Niall", "Orla", "Priya", "Quinn", "Ravi", "Sian", "Tariq",
]  # fmt: skip
LAST_NAMES = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Foster", "Green", "Hughes"]
JOB_TITLES = [
    "Service designer",
    "Head of digital",
    "Business analyst",
    "Product manager",
    "IT security officer",
    "Director of customer services",
]


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
