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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()


from bench.bench_funding_projects import world  # noqa: E402
from bench.database import finish, grew, throwaway_database  # noqa: E402
from bench.pages import queries, staff_client  # noqa: E402
from tests.funding.portfolio_rows import add_projects  # noqa: E402

SIZES = (10, 1000)
PAGES = {"funding_portfolio": "/admin/funding/award/portfolio/?overdue=yes"}
CSV = "/admin/funding/award/portfolio.csv"


def main() -> int:
    counts: dict[str, list[int]] = {"page": [], "csv": []}
    with throwaway_database("bench_funding_portfolio"):
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
    failures: list[str] = []
    for name, found in counts.items():
        failures += grew(found, f"the portfolio's {name} queries grow with projects")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
