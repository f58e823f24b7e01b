"""Training: the queries of ``/training/`` and of a course page as cohorts grow.

Prints::

    training_page_queries_5_cohorts N
    training_page_queries_500_cohorts N
    training_course_page_queries_5_cohorts M
    training_course_page_queries_500_cohorts M
    training_page_seconds_500_cohorts S

Read it as: each pair of query counts must be equal (a larger second figure means a query
per cohort or per course has crept in); the script exits non-zero if either pair differs.
The cohorts are spread over 50 published courses, each open with two sessions, three people
holding places and two waiting, so the places left and the waiting lists are really counted.
The course page is the course with the most cohorts. Query counts are taken from a second
request, after a first has warmed Django's caches; S is the median wall time of five warm
requests for ``/training/`` at the larger size.

It runs against a throwaway database with a unique name on the configured PostgreSQL server
(``DATABASE_URL``, or the embedded server when that is unset), made and dropped by Django's
test-database machinery, so it never touches the development or test databases.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.conf import settings  # noqa: E402

from bench.database import finish, grew, throwaway_database  # noqa: E402
from bench.pages import queries, seconds  # noqa: E402
from bench.rows import signatories_publish  # noqa: E402

# Every request renders its page: what is measured is rendering, not the page cache.
settings.PUBLIC_CACHE_MAX_AGE = 0

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from declaration.models import Organisation, OrganisationType  # noqa: E402
from localdigital.accounts.models import User  # noqa: E402
from training.models import (  # noqa: E402
    Audience,
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    CourseFormat,
    Enrolment,
    EnrolmentStatus,
)

SIZES = (5, 500)
COURSES = 50
HOLDING = 3
WAITING = 2


def world() -> tuple[list[Course], Organisation, list[User]]:
    """Make the published courses, a signatory council and the people who enrol."""
    courses = Course.objects.bulk_create(
        Course(
            title=f"Benchmark course {n}",
            slug=f"benchmark-course-{n}",
            summary="A course for the benchmark.",
            description="What the course covers.",
            audience=Audience.EVERYONE,
            course_format=CourseFormat.ONLINE,
            duration="Two half days",
            skills=["Agile delivery", "User research"],
            is_published=True,
        )
        for n in range(COURSES)
    )
    organisation = Organisation.objects.create(
        name="Benchmark Council",
        slug="benchmark-council",
        register_code="BEN",
        organisation_type=OrganisationType.DISTRICT,
        nation="England",
    )
    signatories_publish([organisation])
    people = User.objects.bulk_create(
        User(email=f"person{n}@benchmark.gov.uk") for n in range(HOLDING + WAITING)
    )
    return courses, organisation, people


def add_cohorts(
    count: int, *, courses: list[Course], organisation: Organisation, people: list[User]
) -> None:
    """Add ``count`` open cohorts, the first course taking the most, with their sessions,
    places held and waiting lists."""
    now = timezone.now()
    existing = Cohort.objects.count()
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            course=courses[0] if n % 2 == 0 else courses[n % COURSES],
            name=f"Cohort {existing + n}",
            capacity=HOLDING,
            enrolment_opens_at=now - timedelta(days=5),
            enrolment_closes_at=now + timedelta(days=30),
            status=CohortStatus.OPEN,
            published_at=now - timedelta(days=5),
        )
        for n in range(count)
    )
    starts = now + timedelta(days=40)
    CohortSession.objects.bulk_create(
        CohortSession(
            cohort=cohort,
            starts_at=starts + timedelta(days=day),
            ends_at=starts + timedelta(days=day, hours=3),
            is_online=True,
        )
        for cohort in cohorts
        for day in (0, 7)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            user=person,
            organisation=organisation,
            job_title="Service designer",
            consented_at=now,
            status=EnrolmentStatus.ENROLLED if n < HOLDING else EnrolmentStatus.WAITING,
            enrolled_at=now if n < HOLDING else None,
            waiting_position=None if n < HOLDING else n - HOLDING + 1,
        )
        for cohort in cohorts
        for n, person in enumerate(people)
    )
    with connection.cursor() as cursor:
        for table in ("training_cohort", "training_cohortsession", "training_enrolment"):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_training_queries"):
        courses, organisation, people = world()
        client = Client()
        page_counts, course_counts = [], []
        for size in SIZES:
            add_cohorts(
                size - Cohort.objects.count(),
                courses=courses,
                organisation=organisation,
                people=people,
            )
            page_counts.append(queries(client, "/training/"))
            print(f"training_page_queries_{size}_cohorts {page_counts[-1]}", flush=True)
            course_counts.append(queries(client, f"/training/{courses[0].slug}/"))
            print(f"training_course_page_queries_{size}_cohorts {course_counts[-1]}", flush=True)
        taken = seconds(client, "/training/")
        print(f"training_page_seconds_{SIZES[-1]}_cohorts {taken:.3f}", flush=True)
        failures += grew(page_counts, "/training/ queries grow with cohorts")
        failures += grew(course_counts, "a course page's queries grow with its cohorts")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
