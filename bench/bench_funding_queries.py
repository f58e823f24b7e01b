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

import os
import sys
import uuid
from datetime import timedelta
from decimal import Decimal
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
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from declaration.models import Membership, Organisation, Signing, SigningStatus  # noqa: E402
from funding.models import (  # noqa: E402
    Application,
    ApplicationPartner,
    ApplicationStatus,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Fund,
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
    Signing.objects.bulk_create(
        Signing(
            reference=f"B-{n}",
            organisation=organisation,
            status=SigningStatus.PUBLISHED,
            signed_on=now.date(),
        )
        for n, organisation in enumerate(organisations)
    )
    person = User.objects.create(email="officer@benchmark.gov.uk")
    Membership.objects.create(user=person, organisation=organisations[0], approved_at=now)
    round = Round.objects.create(
        fund=Fund.objects.create(name="Local Digital Fund", slug="local-digital-fund"),
        number=5,
        name="Round 5",
        slug="round-5",
        budget=Decimal(7_500_000),
        is_published=True,
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


def queries(client: Client, path: str) -> int:
    """Return the number of queries a warm request for ``path`` makes."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return len(captured)


def staff_client() -> Client:
    """Return a client signed in to the admin as a superuser, with two factors."""
    staff = User.objects.create_superuser(email="staff@benchmark.gov.uk", password=None)
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main() -> int:
    connection.settings_dict["TEST"]["NAME"] = f"bench_funding_queries_{uuid.uuid4().hex[:12]}"
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    failures = []
    try:
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
        if len(set(dashboard)) > 1:
            failures.append(f"the dashboard's queries grow with bids: {dashboard}")
        if len(set(changelist)) > 1:
            failures.append(f"the EOI list's queries grow with EOIs: {changelist}")
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
