"""How many SQL queries and how long the admin's home page (the staff work queue) and a
round's overview take, with 10 and with 1,000 rows of everything waiting.

Prints::

    work_queue_queries_10_rows N
    work_queue_ms_10_rows T
    round_overview_queries_10_rows M
    round_overview_ms_10_rows T
    work_queue_queries_1000_rows N
    ...

Read it as: each pair of query counts must be equal (the times are for information). The
work queue counts, for a superuser who is also an assessor, every thing waiting: signings
and requests to join, EOIs to sort, applications needing assessors, assessments overdue,
offers expiring, registers to take and newsletter drafts; the overview counts a round's
applications and assessments at each stage. A larger second figure means a query per row
has crept in, and the script then exits non-zero.

Rows are made with ``bulk_create`` (``tests/pages/waiting_rows.py``), then the tables are
analysed, as autovacuum would. Each count is taken from a second request, after a first one
has warmed Django's caches. The script runs against
a throwaway database with a unique name on the configured PostgreSQL server
(``DATABASE_URL``, or the embedded server when that is unset), made and dropped by Django's
test-database machinery, so it never touches the development or test databases.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.database import finish, grew, throwaway_database  # noqa: E402
from bench.pages import staff_client  # noqa: E402
from localdigital.accounts.groups import ASSESSOR  # noqa: E402
from localdigital.accounts.models import User  # noqa: E402
from tests.pages.waiting_rows import WaitingRows  # noqa: E402

SIZES = (10, 1000)


def measured(client: Client, path: str) -> tuple[int, float]:
    """Return the number of queries and the milliseconds a warm request for ``path`` takes."""
    client.get(path)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return len(captured), elapsed


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_work_queue"):
        staff = User.objects.create_superuser(email="staff@benchmark.gov.uk", password=None)
        staff.groups.add(Group.objects.get(name=ASSESSOR))
        client = staff_client(staff)
        rows = WaitingRows.make(
            assessor=staff,
            second_assessor=User.objects.create(email="assessor@benchmark.gov.uk"),
        )
        pages = {
            "work_queue": reverse("admin:index"),
            "round_overview": reverse("admin:funding_round_overview", args=[rows.round.pk]),
        }
        counts: dict[str, list[int]] = {name: [] for name in pages}
        grown = 0
        for size in SIZES:
            rows.grow(size - grown)
            grown = size
            # Fresh planner statistics, as autovacuum keeps them: without them PostgreSQL
            # plans the counts for tables it believes empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            for name, path in pages.items():
                count, elapsed = measured(client, path)
                counts[name].append(count)
                print(f"{name}_queries_{size}_rows {count}", flush=True)
                print(f"{name}_ms_{size}_rows {elapsed:.0f}", flush=True)
        for name, found in counts.items():
            failures += grew(found, f"the {name.replace('_', ' ')}'s queries grow with rows")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
