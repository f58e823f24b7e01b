"""The public list of signatories: its queries, and the memory the CSV takes as it grows.

Prints::

    signatories_list_queries_10_signatories N
    signatories_list_queries_2000_signatories N
    signatory_page_queries_10_signatories M
    signatory_page_queries_2000_signatories M
    signatories_csv_peak_bytes_1000_rows P
    signatories_csv_peak_bytes_100000_rows Q
    signatories_csv_rss_growth_kib_1000_rows R1
    signatories_csv_rss_growth_kib_100000_rows R2
    signatories_csv_bytes_100000_rows B
    signatories_csv_seconds_100000_rows S

Read it as: each pair of query counts must be equal (a larger second figure means a query
per signatory has crept in), and Q must stay within twice P, because the CSV streams rows
from a server-side cursor rather than holding them all. The peak is Python's own allocations
(``tracemalloc``) while the streaming response is read to the end, in this process. The
script exits non-zero if either check fails.

``tracemalloc`` does not see memory that libpq (the C client library) allocates, which is where
a cursor that fetched every row at once would show. So the CSV is also read in a forked child
process, and the growth of that process's peak resident memory while it reads
is printed (R1, R2, from ``/proc/self/status``): it must stay flat too.

Query counts are taken from a second request, after a first one has warmed Django's caches.
Rows are inserted with ``bulk_create``. The script runs against a throwaway database with a
unique name on the configured PostgreSQL server (``DATABASE_URL``, or the embedded server
when that is unset), made and dropped by Django's test-database machinery, so it never
touches the development or test databases.
"""

from __future__ import annotations

import gc
import os
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.conf import settings  # noqa: E402

from bench.database import finish, grew, throwaway_database  # noqa: E402

# Every request renders its page: what is measured is rendering, not the page cache.
settings.PUBLIC_CACHE_MAX_AGE = 0

from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from bench.pages import RENDER_TARGET_MS, queries, render_median_ms  # noqa: E402
from declaration.models import (  # noqa: E402
    Organisation,
    OrganisationType,
    ProjectUpdate,
    Signing,
    SigningStatus,
)
from declaration.views.open_data import signatories_csv  # noqa: E402

QUERY_SIZES = (10, 2000)
CSV_SIZES = (1_000, 100_000)
BATCH = 5_000
# The CSV may use at most this many times the memory at the larger size.
FLAT_FACTOR = 2
TYPES = list(OrganisationType)
REGIONS = ["London", "North West", "South West", "Yorkshire and The Humber", "West Midlands"]


def add_signatories(count: int) -> None:
    """Add published signatories, in batches, until there are ``count``."""
    start = Signing.objects.count()
    for first in range(start, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Benchmark Borough Council {number}",
                slug=f"benchmark-borough-{number}",
                organisation_type=TYPES[number % len(TYPES)],
                region=REGIONS[number % len(REGIONS)],
                nation="England",
                gss_code=f"E{number:08d}",
            )
            for number in numbers
        )
        Signing.objects.bulk_create(
            Signing(
                reference=f"B-{number:08d}",
                status=SigningStatus.PUBLISHED,
                organisation=organisation,
                signed_on=date(2018, 7, 4) + timedelta(days=number % 2000),
                co_publisher=number < 45,
                project_title=f"Shared booking service, phase {number % 7}",
                project_description="We will build one booking component and share it.",
                project_principles=["services", "open"],
                digital_lead_email=f"lead@benchmark-{number}.gov.uk",
            )
            for number, organisation in zip(numbers, organisations, strict=True)
        )


def csv_peak() -> tuple[int, int, float]:
    """Read the whole CSV response; return the peak traced memory, its size and the time."""
    request = RequestFactory().get("/signatories.csv")
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = signatories_csv(request)
        size = 0
        for chunk in response:
            size += len(chunk)
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size, time.perf_counter() - started


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def csv_rss_growth() -> int:
    """Read the whole CSV in a forked child; return how much its peak RSS grew, in KiB.

    The child starts its peak afresh (writing 5 to ``/proc/self/clear_refs``), so the
    parent's own history does not hide the read's growth.
    """
    connection.close()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: a fresh connection, then read the response to the end
        os.close(reader)
        gc.collect()
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        baseline = _status_kib("VmRSS")
        response = signatories_csv(RequestFactory().get("/signatories.csv"))
        for _chunk in response:
            pass
        response.close()
        growth = _status_kib("VmHWM") - baseline
        os.write(writer, str(growth).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        answer = pipe.read()
    os.waitpid(child, 0)
    return int(answer)


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_signatories"):
        list_counts, page_counts = [], []
        for size in QUERY_SIZES:
            add_signatories(size)
            signing = Signing.objects.select_related("organisation").order_by("pk").first()
            assert signing is not None and signing.organisation is not None
            ProjectUpdate.objects.bulk_create(
                ProjectUpdate(signing=signing, title=f"Update {n}", body="Progress.")
                for n in range(size - signing.updates.count())
            )
            client = Client()
            list_counts.append(queries(client, "/signatories/?sort=date&page=2"))
            print(f"signatories_list_queries_{size}_signatories {list_counts[-1]}", flush=True)
            page_counts.append(queries(client, f"/signatories/{signing.organisation.slug}/"))
            print(f"signatory_page_queries_{size}_signatories {page_counts[-1]}", flush=True)
        render_ms, cpu_ms = render_median_ms(Client(), "/signatories/")
        print(f"signatories_list_render_ms_{QUERY_SIZES[-1]}_signatories {render_ms:.1f}")
        print(f"signatories_list_render_cpu_ms_{QUERY_SIZES[-1]}_signatories {cpu_ms:.1f}")
        if render_ms > RENDER_TARGET_MS:
            print(f"(above the {RENDER_TARGET_MS} ms target)", file=sys.stderr)
        failures += grew(list_counts, "/signatories/ queries grow with signatories")
        failures += grew(page_counts, "a signatory page's queries grow with signatories")

        add_signatories(CSV_SIZES[0])
        csv_peak()  # once to warm imports and caches, which are not the CSV's own cost
        peaks, growths = [], []
        for rows in CSV_SIZES:
            add_signatories(rows)
            peak, size, seconds = csv_peak()
            peaks.append(peak)
            print(f"signatories_csv_peak_bytes_{rows}_rows {peak}", flush=True)
            growths.append(csv_rss_growth())
            print(f"signatories_csv_rss_growth_kib_{rows}_rows {growths[-1]}", flush=True)
        print(f"signatories_csv_bytes_{CSV_SIZES[-1]}_rows {size}", flush=True)
        print(f"signatories_csv_seconds_{CSV_SIZES[-1]}_rows {seconds:.2f}", flush=True)
        # A few MiB of growth is the allocator's noise; a non-streaming CSV of 100,000 rows
        # grows by tens of MiB.
        if growths[-1] > FLAT_FACTOR * max(growths[0], 4096):
            failures.append(
                f"the CSV's resident memory grows with its rows: {growths[0]} KiB at "
                f"{CSV_SIZES[0]} rows, {growths[-1]} KiB at {CSV_SIZES[-1]}"
            )
        if peaks[-1] > FLAT_FACTOR * peaks[0]:
            failures.append(
                f"the CSV's peak memory is not flat: {peaks[0]} bytes at {CSV_SIZES[0]} rows, "
                f"{peaks[-1]} at {CSV_SIZES[-1]}"
            )
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
