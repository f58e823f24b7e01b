"""How many SQL queries the fund managers' portfolio of live projects (the admin page and
its CSV file) takes, with 10 and with 1,000 projects.

Prints::

    funding_portfolio_queries_10_projects N
    funding_portfolio_csv_queries_10_projects M
    funding_portfolio_queries_1000_projects N
    funding_portfolio_csv_queries_1000_projects M

Read it as: each pair must be equal; a larger second figure means a query per project has
crept in, and the script then exits non-zero. Each project has an instalment paid and two
reports, the second overdue for every third project (``tests/funding/portfolio_rows.py``).
Each count is taken from a second request, after a first one has warmed Django's caches.
The script runs against a throwaway database with a unique name on the configured
PostgreSQL server, made and dropped by Django's test-database machinery, so it never
touches the development or test databases.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["DJANGO_SETTINGS_MODULE"] = "localdigital.settings.test"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

from bench.bench_funding_projects import world  # noqa: E402
from bench.bench_funding_queries import staff_client  # noqa: E402
from tests.funding.portfolio_rows import add_projects  # noqa: E402

SIZES = (10, 1000)
PAGES = {"funding_portfolio": "/admin/funding/award/portfolio/?overdue=yes"}
CSV = "/admin/funding/award/portfolio.csv"


def queries(client: Client, path: str) -> int:
    """Return the number of queries a warm request for ``path`` makes, read to the end."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(captured)


def main() -> int:
    connection.settings_dict["TEST"]["NAME"] = f"bench_funding_portfolio_{uuid.uuid4().hex[:12]}"
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    counts: dict[str, list[int]] = {"page": [], "csv": []}
    try:
        round, organisations = world()
        client = staff_client()
        made = 0
        for size in SIZES:
            add_projects(size - made, round=round, organisations=organisations)
            made = size
            counts["page"].append(queries(client, PAGES["funding_portfolio"]))
            print(f"funding_portfolio_queries_{size}_projects {counts['page'][-1]}", flush=True)
            counts["csv"].append(queries(client, CSV))
            print(f"funding_portfolio_csv_queries_{size}_projects {counts['csv'][-1]}", flush=True)
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()
    failures = [name for name, found in counts.items() if len(set(found)) > 1]
    for name in failures:
        print(f"the portfolio's {name} queries grow with projects: {counts[name]}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
