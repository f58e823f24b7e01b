"""How many SQL queries the applicant's dashboard and the admin's list of expressions of
interest take, with 10 and with 2,000 bids.

Prints::

    funding_dashboard_queries_10_bids N
    funding_dashboard_queries_2000_bids N
    funding_eoi_changelist_queries_10_eois M
    funding_eoi_changelist_queries_2000_eois M

Read it as: each pair must be equal. The dashboard (``/account/``) lists every EOI and
application that the person's organisation leads or partners on; the admin's list shows
each EOI with its lead organisation, its partners' count and its cluster. A larger second
figure means a query per row has crept in, and the script then exits non-zero.

Rows are made with ``bulk_create``: half of the bids are led by the person's organisation,
half partnered. Each count is taken from a second request, after a first one has warmed
Django's caches. The script runs against a throwaway database with a unique name on the
configured PostgreSQL server (``DATABASE_URL``, or the embedded server when that is unset),
made and dropped by Django's test-database machinery, so it never touches the development or
test databases.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.database import finish, grew, throwaway_database  # noqa: E402
from bench.pages import queries, staff_client  # noqa: E402
from bench.rows import round_create, signatories_publish  # noqa: E402
from declaration.models import Membership, Organisation  # noqa: E402
from funding.models import (  # noqa: E402
    Application,
    ApplicationPartner,
    ApplicationStatus,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)
from localdigital.accounts.models import User  # noqa: E402

SIZES = (10, 2000)


def world() -> tuple[User, Organisation, Round, list[Organisation]]:
    """Make the person, their signatory organisation, a round and a few other signatories."""
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Benchmark Council {n}", slug=f"benchmark-{n}") for n in range(6)
    )
    signatories_publish(organisations, signed_on=now.date())
    person = User.objects.create(email="officer@benchmark.gov.uk")
    Membership.objects.create(user=person, organisation=organisations[0], approved_at=now)
    round = round_create(
        5,
        eoi_opens_at=now - timedelta(days=5),
        eoi_closes_at=now + timedelta(days=10),
        applications_open_at=now + timedelta(days=15),
        applications_close_at=now + timedelta(days=45),
    )
    return person, organisations[0], round, organisations[1:]


def add_bids(
    count: int, *, person: User, mine: Organisation, round: Round, others: list[Organisation]
) -> None:
    """Add EOIs and applications until there are ``count`` of each, alternately led by the
    person's organisation and partnered by it."""
    start = ExpressionOfInterest.objects.count()
    numbers = range(start, count)
    eois = ExpressionOfInterest.objects.bulk_create(
        ExpressionOfInterest(
            reference=f"EOI-B{n:06d}",
            round=round,
            lead_organisation=mine if n % 2 == 0 else others[n % len(others)],
            created_by=person,
            title=f"Benchmark bid {n}",
            problem="Residents phone us when their bins are missed.",
            status=EoiStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for n in numbers
    )
    EoiPartner.objects.bulk_create(
        EoiPartner(eoi=eoi, organisation=mine if n % 2 else others[0])
        for n, eoi in zip(numbers, eois, strict=True)
    )
    applications = Application.objects.bulk_create(
        Application(
            reference=f"LDF-B{n:06d}",
            round=round,
            lead_organisation=mine if n % 2 == 0 else others[n % len(others)],
            created_by=person,
            title=f"Benchmark application {n}",
            status=ApplicationStatus.DRAFT,
        )
        for n in numbers
    )
    ApplicationPartner.objects.bulk_create(
        ApplicationPartner(application=application, organisation=mine if n % 2 else others[0])
        for n, application in zip(numbers, applications, strict=True)
    )


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_funding_queries"):
        person, mine, round, others = world()
        applicant, staff = Client(), staff_client()
        applicant.force_login(person)
        dashboard, changelist = [], []
        for size in SIZES:
            add_bids(size, person=person, mine=mine, round=round, others=others)
            dashboard.append(queries(applicant, "/account/"))
            print(f"funding_dashboard_queries_{size}_bids {dashboard[-1]}", flush=True)
            changelist.append(queries(staff, "/admin/funding/expressionofinterest/?status=all"))
            print(f"funding_eoi_changelist_queries_{size}_eois {changelist[-1]}", flush=True)
        failures += grew(dashboard, "the dashboard's queries grow with bids")
        failures += grew(changelist, "the EOI list's queries grow with EOIs")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
