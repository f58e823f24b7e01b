"""Enrolments a second for 60 people enrolling at once on one cohort of 30 places.

Sixty attempts, each on a database connection of its own (60 of the embedded server's
100), are released together from a barrier and call ``enrolment_create`` once each, all for
the same cohort: the same eligibility checks, per-cohort lock, count of places, audit event
and queued emails as a person enrolling from the form. 30 get places and 30 join the
waiting list. The emails are queued in the outbox as usual; sending them is the outbox's
work, timed by ``bench_outbox.py``, so it is left out here.

Two people enrol first, untimed, so that the templates are compiled and the caches warm,
as in a web worker that has served a few requests. Then it runs twice, on a new cohort
each time: from 60 forked processes, as gunicorn's workers would enrol people, and from
60 threads of this one process, as the concurrency tests do. The lock serialises the
enrolments on one cohort either way, so the figure is how many a second one cohort takes
when everyone arrives at once. It prints::

    training_enrol_per_second_60_processes R
    training_enrol_seconds_60_processes S
    training_enrol_per_second_60_threads R
    training_enrol_seconds_60_threads S

and exits non-zero unless each time exactly 30 hold places and 30 wait at positions 1 to
30. It runs against a throwaway database with a unique name on the configured PostgreSQL
server (``DATABASE_URL``, or the embedded server when that is unset), made and dropped by
Django's test-database machinery, so it never touches the development or test databases.
Run it with ``.venv/bin/python bench/bench_training_enrol.py`` (or ``make bench``).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.django_setup import django_setup

django_setup()

from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.database import throwaway_database  # noqa: E402
from bench.rows import signatories_publish  # noqa: E402
from declaration.models import (  # noqa: E402
    DeclarationVersion,
    Membership,
    Organisation,
    OrganisationType,
)
from localdigital.accounts.models import User  # noqa: E402
from localdigital.mail.services import outbox  # noqa: E402
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
from training.services.enrolments import enrolment_create  # noqa: E402

ATTEMPTS = 60
CAPACITY = 30


def cohort_with_people(name: str) -> tuple[Cohort, Organisation, list[User]]:
    """Make an open cohort with a session in a month, and ``ATTEMPTS`` members of a
    published signatory of its own (``name`` tells the runs apart)."""
    now = timezone.now()
    organisation = Organisation.objects.create(
        name=f"Borsetshire County Council ({name})",
        slug=f"borsetshire-{name}",
        organisation_type=OrganisationType.COUNTY,
        email_domains=[f"{name}.borsetshire.gov.uk"],
    )
    signatories_publish(
        [organisation],
        signed_on=now.date(),
        version=DeclarationVersion.objects.order_by("number").first(),
        submitted_at=now,
        published_at=now,
    )
    people = User.objects.bulk_create(
        User(email=f"officer{n}@{name}.borsetshire.gov.uk", full_name=f"Officer {n}")
        for n in range(ATTEMPTS)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation, approved_at=now) for user in people
    )
    course = Course.objects.create(
        title="Digital and Agile for Local Government",
        slug=f"digital-and-agile-{name}",
        summary="Agile delivery for council teams.",
        description="Two days of agile delivery.",
        audience=Audience.PRACTITIONERS,
        course_format=CourseFormat.IN_PERSON,
        duration="2 days",
        is_published=True,
    )
    cohort = Cohort.objects.create(
        course=course,
        capacity=CAPACITY,
        enrolment_opens_at=now - timedelta(days=1),
        enrolment_closes_at=now + timedelta(days=20),
        status=CohortStatus.OPEN,
        published_at=now,
    )
    CohortSession.objects.create(
        cohort=cohort,
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=7),
        location="Borchester Town Hall",
    )
    return cohort, organisation, people


def enrol(cohort: Cohort, user: User, organisation: Organisation) -> None:
    """Enrol ``user`` on ``cohort`` for ``organisation``, as the enrolment form would."""
    enrolment_create(
        cohort=cohort,
        user=user,
        organisation=organisation,
        job_title="Digital lead",
        line_manager_email="manager@borsetshire.gov.uk",
        consent=True,
    )


def enrol_at_once(cohort: Cohort, organisation: Organisation, people: list[User]) -> float:
    """Enrol everyone from a thread each, released together; return the seconds from the
    release to the last commit."""
    barrier = threading.Barrier(len(people) + 1)
    errors: list[BaseException] = []

    def attempt(user: User) -> None:
        try:
            connection.ensure_connection()  # connected before the clock starts
            barrier.wait(timeout=60)
            enrol(cohort, user, organisation)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def _attempt_in_process(cohort_id: int, organisation_id: int, user_id: int, barrier, results):
    from django.db import connection as process_connection

    try:
        process_connection.ensure_connection()
        barrier.wait(timeout=60)
        enrol(
            Cohort.objects.get(pk=cohort_id),
            User.objects.get(pk=user_id),
            Organisation.objects.get(pk=organisation_id),
        )
        results.put("")
    except BaseException as error:
        results.put(repr(error))
    finally:
        connections.close_all()


def enrol_from_processes(cohort: Cohort, organisation: Organisation, people: list[User]) -> float:
    """Enrol everyone from a forked process each, released together; return the seconds
    from the release to the last commit."""
    import multiprocessing

    connections.close_all()  # each forked process opens its own connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(people) + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=_attempt_in_process, args=(cohort.pk, organisation.pk, user.pk, barrier, results)
        )
        for user in people
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    errors = [error for error in (results.get(timeout=120) for _ in processes) if error]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    if errors:
        raise RuntimeError(errors[0])
    return elapsed


def warm_up() -> None:
    """Enrol two people, one in a place and one on the waiting list, before anything is
    timed: the email templates are compiled and the content types cached, as in a web
    worker that has served a few requests. Forked processes inherit them."""
    cohort, organisation, people = cohort_with_people("warm-up")
    Cohort.objects.filter(pk=cohort.pk).update(capacity=1)
    for user in people[:2]:
        enrol(cohort, user, organisation)


def places_right(cohort: Cohort) -> bool:
    enrolled = Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED).count()
    positions = list(
        Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.WAITING)
        .order_by("waiting_position")
        .values_list("waiting_position", flat=True)
    )
    if enrolled == CAPACITY and positions == list(range(1, ATTEMPTS - CAPACITY + 1)):
        return True
    print(f"{enrolled} enrolled and waiting positions {positions}.", file=sys.stderr)
    return False


def main() -> int:
    figures = {}
    right = True
    with throwaway_database("bench_training_enrol"):
        try:
            with mock.patch.object(outbox, "_emails_send_later", lambda emails: None):
                warm_up()
                for name, run in (("processes", enrol_from_processes), ("threads", enrol_at_once)):
                    cohort, organisation, people = cohort_with_people(name)
                    connections.close_all()
                    figures[name] = run(cohort, organisation, people)
                    right = places_right(cohort) and right
        finally:
            connections.close_all()
    if not right:
        print("The places are wrong.", file=sys.stderr)
        return 1
    for name, elapsed in figures.items():
        print(f"training_enrol_per_second_{ATTEMPTS}_{name} {ATTEMPTS / elapsed:.1f}")
        print(f"training_enrol_seconds_{ATTEMPTS}_{name} {elapsed:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
