"""Requests per second of every public page served by gunicorn, against a trivial view.

Prints, for each public page NAME (``home``, ``signatories``, ``project``…)::

    page_NAME_requests_per_second X
    page_NAME_trivial_requests_per_second Y
    page_NAME_to_trivial_ratio Z
    page_NAME_p99_ms P

then the same for ``conditional_home`` (a GET of ``/`` with the ETag it was sent, answered
304), the figures the first version of this script printed (``home_requests_per_second``,
``trivial_requests_per_second``, ``home_to_trivial_ratio``), and a surge run::

    surge_requests_per_second R
    surge_errors 0
    surge_p99_ms P
    surge_seconds_until_listed S

gunicorn runs on loopback with 2 sync workers and production settings (DEBUG off, http without
the redirect to https, static files collected by WhiteNoise's manifest storage, the page cache
in Redis), plus the benchmark's own ``/bench/trivial``, which answers "ok" through the same
middleware (see bench/settings.py and bench/urls.py). A separate client process keeps
CLIENT_THREADS (16) connections busy with ``http.client``. After a warm-up, each page and the
trivial view take turns, ROUNDS rounds of ROUND_SECONDS each, so whatever else the machine
is doing weighs on both alike; p99 is the 99th percentile of the page's response times.

The surge: SURGE_THREADS (64) connections ask for ``/`` and ``/signatories/`` for
SURGE_SECONDS (30); half-way through, this process publishes a waiting signing through the
moderation service, as staff would in the admin. It prints the requests per second, the
number of failed requests (anything but 200), and the seconds from the publication's commit to
the first ``/signatories/`` that lists the new signatory (it must be within
``PUBLIC_CACHE_MAX_AGE``).

Read the ratios, not the raw figures. X and Y depend on the machine, and the client shares its
CPUs (on a 2-core machine the client takes a large share of them), but both are measured in
the same run, so Z = X / Y is the share of the trivial view's throughput that the page keeps.

The data lives in a throwaway database with a unique name on the configured PostgreSQL server
(``DATABASE_URL``, or the embedded server when that is unset), made, migrated and dropped with
Django's test-database machinery: 400 signatories, a round with 200 funded projects, and a
course with cohorts. ``REDIS_URL`` (or redis://127.0.0.1:6379/0) holds the page cache.
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
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from declaration.models import Signing

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.requests_client import NEW_SIGNATORY, SURGE_SECONDS, TRIVIAL, client  # noqa: E402

WORKERS = 2
SIGNATORIES = 400
PROJECTS = 200


# --- The client (requests_client.py), a process of its own: `bench_requests.py --client JSON` ----


def start_client(config: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--client", json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def client_result(process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the client failed: {stderr.strip()}")
    return json.loads(stdout)


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


def add_content() -> tuple[dict[str, str], Signing]:
    """Make the public content; return the pages to measure, and a signing waiting to be
    published in the surge."""
    from bench.bench_funding_projects import add_projects, world
    from bench.bench_signatories import add_signatories
    from declaration.models import Organisation
    from tests.declaration.factories import SigningFactory
    from tests.training.factories import CohortFactory
    from training.models import Course

    round, organisations = world()  # the signatories that lead and partner on projects
    add_projects(PROJECTS, round=round, organisations=organisations)
    add_signatories(SIGNATORIES)
    cohort = CohortFactory.create()
    CohortFactory.create(course=cohort.course)
    waiting = SigningFactory.create(
        submitted=True,
        organisation=Organisation.objects.create(
            name=NEW_SIGNATORY, slug="abbey-surge-borough", organisation_type="LBO"
        ),
    )
    course = Course.objects.get(cohorts=cohort)
    signatory = organisations[0].slug
    from funding.models import Award

    project = Award.objects.order_by("pk").values_list("slug", flat=True).first()
    pages = {
        "home": "/",
        "declaration": "/declaration/",
        "signatories": "/signatories/",
        "signatories_search": "/signatories/?q=council&type=LBO",
        "signatory": f"/signatories/{signatory}/",
        "funding": "/funding/",
        "round": f"/funding/rounds/{round.slug}/",
        "projects": "/funding/projects/",
        "projects_filtered": f"/funding/projects/?round={round.slug}&phase=alpha",
        "project": f"/funding/projects/{project}/",
        "training": "/training/",
        "course": f"/training/{course.slug}/",
        "signatories_open_data": "/signatories/open-data/",
        "funding_open_data": "/funding/open-data/",
        "threesixtygiving_json": "/funding/360giving.json",
        "signatories_csv": "/signatories.csv",
    }
    return pages, waiting


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", TRIVIAL)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def publish_half_way(waiting: Signing, started_at_file: Path) -> float:
    """Publish ``waiting`` half-way through the surge; return when it committed."""
    from declaration.services.moderation import signing_publish

    while not started_at_file.read_text():
        time.sleep(0.05)
    time.sleep(max(0.0, float(started_at_file.read_text()) + SURGE_SECONDS / 2 - time.time()))
    signing_publish(signing=waiting, published_by=None)  # commits, then moves the version
    return time.time()


def serve_and_measure(
    server_environment: dict[str, str], pages: dict[str, str], waiting: Signing
) -> dict[str, Any]:
    """Collect static files, start gunicorn, load each page, then run the surge."""
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
        results = client_result(start_client({"mode": "pages", "port": port, "pages": pages}))
        with tempfile.NamedTemporaryFile(prefix="localdigital-surge-") as started_at:
            process = start_client(
                {"mode": "surge", "port": port, "started_at_file": started_at.name}
            )
            published_at = publish_half_way(waiting, Path(started_at.name))
            results["surge"] = client_result(process)
        results["surge"]["published_at"] = published_at
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "localdigital.settings.test"
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    import django
    from django.conf import settings

    django.setup()
    from localdigital.settings.base import redis_cache

    # This process publishes the signing, so it moves the versions in the server's cache.
    settings.CACHES = redis_cache(redis_url)
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from localdigital.public_cache import content_changed

    connection.settings_dict["TEST"]["NAME"] = f"bench_requests_{uuid.uuid4().hex[:12]}"
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        pages, waiting = add_content()
        content_changed("declaration", "funding", "training")  # nothing kept from a past run
        with tempfile.TemporaryDirectory(prefix="localdigital-bench-") as static_root:
            server_environment = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": database_url(connection.settings_dict),
                "REDIS_URL": redis_url,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "False",
                "BENCH_STATIC_ROOT": static_root,
            }
            connection.close()
            results = serve_and_measure(server_environment, pages, waiting)
    finally:
        connection.close()
        teardown_databases(databases, verbosity=0)
    surge_figures = results.pop("surge")
    for name, figures in results.items():
        print(f"page_{name}_requests_per_second {figures['rps']:.1f}")
        print(f"page_{name}_trivial_requests_per_second {figures['trivial_rps']:.1f}")
        print(f"page_{name}_to_trivial_ratio {figures['rps'] / figures['trivial_rps']:.3f}")
        print(f"page_{name}_p99_ms {figures['p99_ms']:.1f}")
    home = results["home"]
    print(f"home_requests_per_second {home['rps']:.1f}")
    print(f"trivial_requests_per_second {home['trivial_rps']:.1f}")
    print(f"home_to_trivial_ratio {home['rps'] / home['trivial_rps']:.3f}")
    print(f"surge_requests_per_second {surge_figures['rps']:.1f}")
    print(f"surge_errors {surge_figures['errors']}")
    print(f"surge_p99_ms {surge_figures['p99_ms']:.1f}")
    if surge_figures["first_listed"]:
        listed = max(0.0, surge_figures["first_listed"] - surge_figures["published_at"])
        print(f"surge_seconds_until_listed {listed:.2f}")
    else:
        print("surge_seconds_until_listed never", file=sys.stderr)
        return 1
    return 1 if surge_figures["errors"] else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--client"]:
        print(json.dumps(client(json.loads(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
