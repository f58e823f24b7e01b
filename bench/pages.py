"""What the benchmarks measure of a page through Django's test client: its warm, uncached render
time, its query count and its median time, and the staff client that the admin's pages need.
Imported once Django is set up."""

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
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.accounts.models import User

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
    """Return the number of queries a warm request for ``path`` makes, a streamed response
    read to the end."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(captured)


def seconds(client: Client, path: str, *, runs: int = 5) -> float:
    """Return the median time of ``runs`` warm requests for ``path``."""
    client.get(path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
    return statistics.median(times)


def staff_client(user: User | None = None) -> Client:
    """Return a client signed in to the admin as ``user`` (by default a new superuser), with
    two factors."""
    if user is None:
        user = User.objects.create_superuser(email="staff@benchmark.gov.uk", password=None)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
