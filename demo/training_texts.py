"""What the demo's training is made of: its courses, past cohorts and their outcomes, the
upcoming cohorts, and the names and job titles of the people on them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from training.models import (
    Audience,
    CourseFormat,
)

LONDON = ZoneInfo("Europe/London")
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
