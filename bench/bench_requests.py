"""Requests per second of the home page (``/``) served by gunicorn, against a trivial view.

Prints::

    home_requests_per_second X
    trivial_requests_per_second Y
    home_to_trivial_ratio Z

gunicorn runs on loopback with 2 sync workers and production settings (DEBUG off, http without
the redirect to https, static files collected by WhiteNoise's manifest storage), plus the
benchmark's own ``/bench/trivial``, which answers "ok" through the same middleware (see
bench/settings.py and bench/urls.py). A separate client process keeps 4 threads making requests
with ``http.client``. After a warm-up, each URL is loaded for 5 seconds in all, the two taking
turns in rounds of 1 second.

Read the ratio, not the raw figures. X and Y depend on the machine, and the client shares its
CPUs, but both are measured in the same run on the same machine, so Z = X / Y is the share of
the trivial view's throughput that the home page keeps. Z near 1 means the page costs little
beyond the framework; a fall in Z between runs means the page itself got slower.

The data lives in a throwaway database with a unique name on the configured PostgreSQL server
(``DATABASE_URL``, or the embedded server when that is unset), made, migrated and dropped with
Django's test-database machinery. It holds 400 organisations, about the size of the register of
UK local authorities. Production settings need REDIS_URL, which is passed on (or a local default
given); neither page touches the cache or the broker.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WORKERS = 2
CLIENT_THREADS = 4
WARM_UP_SECONDS = 1.5
MEASURE_SECONDS = 5.0
ROUNDS = 5
ORGANISATIONS = 400
PATHS = {"home": "/", "trivial": "/bench/trivial"}


# --- The client, run as a process of its own: `bench_requests.py --client PORT` ---------------


def load(port: int, path: str, seconds: float) -> tuple[int, float]:
    """Request ``path`` from every thread until ``seconds`` pass; return requests and time taken."""
    deadline = time.monotonic() + seconds
    completed = [0] * CLIENT_THREADS
    failures: list[str] = []

    def requests(index: int) -> None:
        # http.client reconnects by itself when the server closes the connection.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline and not failures:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"GET {path} answered {response.status}")
                    return
                completed[index] += 1
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=requests, args=(i,)) for i in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if failures:
        raise SystemExit(failures[0])
    return sum(completed), elapsed


def client(port: int) -> dict[str, float]:
    """Warm up, then load each path in turn for MEASURE_SECONDS in all; return requests/second.

    The paths take turns in short rounds, so that whatever else the machine is doing weighs on
    both alike.
    """
    for path in PATHS.values():
        load(port, path, WARM_UP_SECONDS)
    totals = {name: [0, 0.0] for name in PATHS}
    for _ in range(ROUNDS):
        for name, path in PATHS.items():
            requests, seconds = load(port, path, MEASURE_SECONDS / ROUNDS)
            totals[name][0] += requests
            totals[name][1] += seconds
    return {name: requests / seconds for name, (requests, seconds) in totals.items()}


def run_client(port: int) -> dict[str, float]:
    """Run the client in a separate process; return its requests per second for each path."""
    result = subprocess.run(
        [sys.executable, __file__, "--client", str(port)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"the client failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


# --- The server and its data ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """Return a postgres:// URL for the database that ``settings_dict`` describes."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or ""
    name = quote(settings_dict["NAME"], safe="")
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{name}?host={quote(host, safe='')}"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def add_organisations(count: int) -> None:
    from declaration.models import Organisation, OrganisationType

    types = list(OrganisationType)
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Benchmark Council {number}",
            slug=f"benchmark-council-{number}",
            organisation_type=types[number % len(types)],
            region="South West",
            nation="England",
        )
        for number in range(count)
    )


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", PATHS["trivial"])
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def serve_and_measure(server_environment: dict[str, str]) -> dict[str, float]:
    """Collect static files, start gunicorn, and load each path; return requests per second."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=REPO,
        env=server_environment,
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "localdigital.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--no-control-socket",
            "--log-level=warning",
        ],
        cwd=REPO,
        env=server_environment,
    )
    try:
        wait_until_serving(port, server)
        return run_client(port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "localdigital.settings.test"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    connection.settings_dict["TEST"]["NAME"] = f"bench_requests_{uuid.uuid4().hex[:12]}"
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        add_organisations(ORGANISATIONS)
        with tempfile.TemporaryDirectory(prefix="localdigital-bench-") as static_root:
            server_environment = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": database_url(connection.settings_dict),
                "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "False",
                "BENCH_STATIC_ROOT": static_root,
            }
            connection.close()
            rates = serve_and_measure(server_environment)
    finally:
        teardown_databases(databases, verbosity=0)
    print(f"home_requests_per_second {rates['home']:.1f}")
    print(f"trivial_requests_per_second {rates['trivial']:.1f}")
    print(f"home_to_trivial_ratio {rates['home'] / rates['trivial']:.3f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--client"]:
        print(json.dumps(client(int(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
