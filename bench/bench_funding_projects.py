"""Funded projects: the queries of the public list and of a project's page, and the time and
memory of the 360Giving package as it grows.

Prints::

    funding_projects_list_queries_10_projects N
    funding_projects_list_queries_2000_projects N
    funding_project_page_queries_10_projects M
    funding_project_page_queries_2000_projects M
    funding_360giving_peak_bytes_2000_awards P
    funding_360giving_peak_bytes_5000_awards Q
    funding_360giving_bytes_5000_awards B
    funding_360giving_seconds_5000_awards S

Read it as: each pair of query counts must be equal (a larger second figure means a query
per project has crept in), and Q must stay within twice P, because the package streams its
grants from a server-side cursor rather than holding them all. The peak is Python's own
allocations (``tracemalloc``) while the streaming response is read to the end, in this
process; S is the wall time of another read, untraced. The script exits non-zero if either
check fails.

Each project has two partners, a progress update and an output; the list is asked for its
second page with a phase filter, and the page is the project with the most partners,
updates and outputs. Query counts are taken from a second request, after a first one has
warmed Django's caches. Rows are inserted with ``bulk_create``, then the tables analysed, as
autovacuum keeps them in a running service. The script runs against a
throwaway database with a unique name on the configured PostgreSQL server
(``DATABASE_URL``, or the embedded server when that is unset), made and dropped by Django's
test-database machinery, so it never touches the development or test databases.
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.conf import settings  # noqa: E402

from bench.database import finish, grew, throwaway_database  # noqa: E402
from bench.rows import round_create, signatories_publish  # noqa: E402

# Every request renders its page: what is measured is rendering, not the page cache.
settings.PUBLIC_CACHE_MAX_AGE = 0

from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pages import RENDER_TARGET_MS, queries, render_median_ms  # noqa: E402
from declaration.models import Organisation, OrganisationType  # noqa: E402
from funding.models import (  # noqa: E402
    Application,
    ApplicationPartner,
    ApplicationStatus,
    Award,
    AwardStatus,
    Phase,
    ProgressUpdate,
    ProjectOutput,
    ProjectOutputType,
    Round,
)
from funding.views.open_data import threesixtygiving_json  # noqa: E402

QUERY_SIZES = (10, 2000)
GIVING_SIZES = (2000, 5000)
BATCH = 2000
ORGANISATIONS = 300
# The package may use at most this many times the memory at the larger size.
FLAT_FACTOR = 2
PHASES = list(Phase)
STATUSES = [AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED]
GSS_PREFIXES = ["E06", "E07", "E08", "E09", "E10"]


def world() -> tuple[Round, list[Organisation]]:
    """Make an announced round and the councils (signatories) that lead and partner."""
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Benchmark Council {n}",
            slug=f"benchmark-{n}",
            register_code=f"B{n:03d}",
            gss_code=f"{GSS_PREFIXES[n % len(GSS_PREFIXES)]}{n:06d}",
            organisation_type=OrganisationType.DISTRICT,
            nation="England",
        )
        for n in range(ORGANISATIONS)
    )
    signatories_publish(organisations)
    round = round_create(
        3,
        applications_open_at=now - timedelta(days=90),
        applications_close_at=now - timedelta(days=60),
        decisions_announced_at=now - timedelta(days=30),
        decisions_approved_at=now - timedelta(days=40),
        announced_at=now - timedelta(days=30),
    )
    return round, organisations


def add_projects(count: int, *, round: Round, organisations: list[Organisation]) -> None:
    """Add public projects, in batches, until there are ``count``: each with two partners,
    a progress update and an output."""
    now = timezone.now()
    start = Award.objects.count()
    for first in range(start, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        applications = Application.objects.bulk_create(
            Application(
                reference=f"LDF-B{n:06d}",
                round=round,
                lead_organisation=organisations[n % ORGANISATIONS],
                title=f"Shared planning service {n}",
                problem="Planning applications arrive on paper and are typed in again.",
                phase=PHASES[n % len(PHASES)],
                requested_amount=Decimal(80000),
                status=ApplicationStatus.SUBMITTED,
                submitted_at=now - timedelta(days=70),
            )
            for n in numbers
        )
        ApplicationPartner.objects.bulk_create(
            ApplicationPartner(
                application=application,
                organisation=organisations[(n + offset) % ORGANISATIONS],
                confirmed_at=now,
            )
            for n, application in zip(numbers, applications, strict=True)
            for offset in (1, 2)
        )
        awards = Award.objects.bulk_create(
            Award(
                application=application,
                slug=f"shared-planning-service-{n}",
                title=f"Shared planning service {n}",
                summary="Planning applications arrive on paper and are typed in again.",
                amount=Decimal(60000) + n,
                awarded_on=date(2019, 10, 14),
                status=STATUSES[n % len(STATUSES)],
                planned_start_on=date(2019, 11, 1),
                planned_end_on=date(2020, 3, 31),
            )
            for n, application in zip(numbers, applications, strict=True)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(award=award, title="Discovery finished", body="We met 20 residents.")
            for award in awards
        )
        ProjectOutput.objects.bulk_create(
            ProjectOutput(
                award=award,
                title="Prototype",
                url=f"https://github.com/benchmark/planning-{award.pk}",
                output_type=ProjectOutputType.CODE,
            )
            for award in awards
        )
    # Statistics for the planner, as autovacuum keeps them in a running service.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def grow_first_project(award: Award, size: int, organisations: list[Organisation]) -> None:
    """Give the first project ``size`` partners, updates and outputs in all."""
    have = ApplicationPartner.objects.filter(application=award.application).count()
    taken = set(
        ApplicationPartner.objects.filter(application=award.application).values_list(
            "organisation_id", flat=True
        )
    )
    free = [
        o
        for o in organisations
        if o.pk not in taken and o.pk != award.application.lead_organisation_id
    ]
    ApplicationPartner.objects.bulk_create(
        ApplicationPartner(application=award.application, organisation=organisation)
        for organisation in free[: max(0, min(size, ORGANISATIONS - 1) - have)]
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(award=award, title=f"Update {n}", body="Progress.")
        for n in range(size - award.updates.count())
    )
    ProjectOutput.objects.bulk_create(
        ProjectOutput(
            award=award,
            title=f"Output {n}",
            url=f"https://example.org/output-{n}",
            output_type=ProjectOutputType.RESEARCH,
        )
        for n in range(size - award.outputs.count())
    )


def giving_read() -> int:
    """Read the whole 360Giving response; return its size in bytes."""
    response = threesixtygiving_json(RequestFactory().get("/funding/360giving.json"))
    if response.status_code != 200:
        raise SystemExit(f"/funding/360giving.json answered {response.status_code}")
    size = sum(len(chunk) for chunk in response)
    response.close()
    return size


def giving_peak() -> tuple[int, int, float]:
    """Read the whole 360Giving response twice: return the peak traced memory of one read,
    its size, and the time of another read without tracing (which slows Python down)."""
    gc.collect()
    started = time.perf_counter()
    size = giving_read()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    try:
        giving_read()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size, seconds


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_funding_projects"):
        round, organisations = world()
        client = Client()
        list_counts, page_counts = [], []
        for size in QUERY_SIZES:
            add_projects(size, round=round, organisations=organisations)
            first = Award.objects.select_related("application").order_by("pk").first()
            assert first is not None
            grow_first_project(first, size, organisations)
            list_counts.append(queries(client, "/funding/projects/?phase=alpha&page=2"))
            print(f"funding_projects_list_queries_{size}_projects {list_counts[-1]}", flush=True)
            page_counts.append(queries(client, f"/funding/projects/{first.slug}/"))
            print(f"funding_project_page_queries_{size}_projects {page_counts[-1]}", flush=True)
        render_ms, cpu_ms = render_median_ms(Client(), "/funding/projects/")
        print(f"funding_projects_list_render_ms_{QUERY_SIZES[-1]}_projects {render_ms:.1f}")
        print(f"funding_projects_list_render_cpu_ms_{QUERY_SIZES[-1]}_projects {cpu_ms:.1f}")
        if render_ms > RENDER_TARGET_MS:
            print(f"(above the {RENDER_TARGET_MS} ms target)", file=sys.stderr)
        failures += grew(list_counts, "/funding/projects/ queries grow with projects")
        failures += grew(page_counts, "a project page's queries grow with its rows")

        add_projects(GIVING_SIZES[0], round=round, organisations=organisations)
        giving_peak()  # once to warm imports and caches, which are not the package's own cost
        peaks = []
        for awards in GIVING_SIZES:
            add_projects(awards, round=round, organisations=organisations)
            peak, size, seconds = giving_peak()
            peaks.append(peak)
            print(f"funding_360giving_peak_bytes_{awards}_awards {peak}", flush=True)
        print(f"funding_360giving_bytes_{GIVING_SIZES[-1]}_awards {size}", flush=True)
        print(f"funding_360giving_seconds_{GIVING_SIZES[-1]}_awards {seconds:.2f}", flush=True)
        if peaks[-1] > FLAT_FACTOR * peaks[0]:
            failures.append(
                f"the 360Giving package's peak memory is not flat: {peaks[0]} bytes at "
                f"{GIVING_SIZES[0]} awards, {peaks[-1]} at {GIVING_SIZES[-1]}"
            )
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
