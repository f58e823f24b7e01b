"""How many SQL queries the home page (``/``) takes, with 10 and with 1,000 organisations.

Prints::

    home_queries_10_organisations N
    home_queries_1000_organisations M

Read it as: M should equal N. The home page counts organisations by type, which is one
aggregate query however many organisations there are; a larger M means a query per
organisation (an N+1) has crept in, and the script then exits non-zero.

Each count is taken from a second request, after a first one has warmed Django's caches. The
script runs against a throwaway database with a unique name on the configured PostgreSQL server
(``DATABASE_URL``, or the embedded server when that is unset), made and dropped by Django's
test-database machinery, so it never touches the development or test databases.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.conf import settings  # noqa: E402

from bench.database import throwaway_database  # noqa: E402
from bench.pages import queries  # noqa: E402

# Every request renders its page: what is measured is rendering, not the page cache.
settings.PUBLIC_CACHE_MAX_AGE = 0

from django.test import Client  # noqa: E402

from declaration.models import Organisation, OrganisationType  # noqa: E402

SIZES = (10, 1000)


def add_organisations(count: int) -> None:
    """Add organisations, of every type in turn, until there are ``count``."""
    types = list(OrganisationType)
    start = Organisation.objects.count()
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Benchmark Council {number}",
            slug=f"benchmark-council-{number}",
            organisation_type=types[number % len(types)],
            region="South West",
            nation="England",
        )
        for number in range(start, count)
    )


def main() -> int:
    with throwaway_database("bench_home_queries"):
        counts = []
        for size in SIZES:
            add_organisations(size)
            counts.append(queries(Client(), "/"))
            print(f"home_queries_{size}_organisations {counts[-1]}", flush=True)
    if counts[-1] > counts[0]:
        print(
            f"The home page makes more queries with {SIZES[-1]} organisations than with "
            f"{SIZES[0]}: a query per organisation?",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
