"""What the list benchmarks measure of a page: its warm, uncached render time and its query
count, through Django's test client. Imported once Django is set up."""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

# Uncached, a list of 2,000 rows must render within this many milliseconds (median).
RENDER_TARGET_MS = 30
RENDER_REPEATS = 30


def render_median_ms(client: Client, path: str) -> tuple[float, float]:
    """Return the median time, in milliseconds, of rendering ``path`` (warm, uncached), and
    the median CPU time this process spent on it (the database's own time is not in it; on
    a busy machine it says what the wall-clock figure would be on a quiet one, less the
    queries).

    The test environment's instrumented template rendering (which records every template
    and context for assertions) is taken away meanwhile: production renders without it.
    """
    teardown_test_environment()
    try:
        client.get(path)
        times, cpu_times = [], []
        for _ in range(RENDER_REPEATS):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
    finally:
        setup_test_environment()
    return statistics.median(times), statistics.median(cpu_times)


def queries(client: Client, path: str) -> int:
    """Return the number of queries a warm request for ``path`` makes."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return len(captured)
