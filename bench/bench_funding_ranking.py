"""The time of a round's ranking in the admin with 1,000 applications and 3 submitted
assessments each, and the queries of the admin's list of applications with 10 and with
2,000 applications.

Prints::

    funding_ranking_seconds_1000_applications S
    funding_ranking_queries_1000_applications R
    funding_ranking_csv_seconds_1000_applications C
    funding_application_changelist_queries_10_applications M
    funding_application_changelist_queries_2000_applications M
    funding_assessor_changelist_queries_10_applications A
    funding_assessor_changelist_queries_2000_applications A

Read it as: S is the whole request for ``/admin/funding/round/<id>/ranking/`` (the ranking
computed and its 1,000 rows rendered), the median of 5 after a first that warms Django's
caches, and C the same for its CSV; R its queries. Each application has 3 submitted
assessments scoring 4 criteria, half are moderated and a third recommended. The list of
applications shows each one's assessments counted by state, whether it is moderated and its
decision, as a fund manager sees it (M), and each one's own assessment, as an assessor
assigned every application sees it (A); each pair must be equal, or a query per row has
crept in. The script exits non-zero if a pair differs, or if S is more than 2 seconds.

Rows are made with ``bulk_create``. The script runs against a throwaway database with a
unique name on the configured PostgreSQL server (``DATABASE_URL``, or the embedded server
when that is unset), made and dropped by Django's test-database machinery, so it never
touches the development or test databases.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.django_setup import django_setup

django_setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.database import finish, grew, throwaway_database  # noqa: E402
from bench.pages import queries, seconds, staff_client  # noqa: E402
from bench.rows import round_create  # noqa: E402
from declaration.models import Organisation  # noqa: E402
from funding.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Decision,
    ModeratedScore,
    Recommendation,
    Round,
)
from localdigital.accounts.models import User  # noqa: E402

RANKED = 1000
SIZES = (10, 2000)
ASSESSORS_PER_APPLICATION = 3
TIMED_RUNS = 5
MAX_RANKING_SECONDS = 2.0


def world() -> tuple[Round, list[Criterion], list[Organisation], list[User]]:
    """Make a closed round with 4 criteria, a few lead organisations and 6 assessors."""
    now = timezone.now()
    round = round_create(
        5,
        applications_open_at=now - timedelta(days=40),
        applications_close_at=now - timedelta(days=10),
        decisions_announced_at=now + timedelta(days=20),
        assessors_per_application=ASSESSORS_PER_APPLICATION,
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round, name=name, weight=weight, scale_max=4, position=position)
        for position, (name, weight) in enumerate(
            [("Problem", 30), ("Approach", 30), ("Reuse", 25), ("Team", 15)]
        )
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Benchmark Council {n}", slug=f"benchmark-{n}") for n in range(20)
    )
    assessors = User.objects.bulk_create(
        User(email=f"assessor{n}@benchmark.gov.uk", full_name=f"Assessor {n}", is_staff=True)
        for n in range(6)
    )
    Group.objects.get(name="Assessor").user_set.add(*assessors)
    return round, criteria, organisations, assessors


def add_applications(
    count: int,
    *,
    round: Round,
    criteria: list[Criterion],
    organisations: list[Organisation],
    assessors: list[User],
) -> None:
    """Add submitted applications until there are ``count``, each with 3 submitted
    assessments (the first assessor's always one of them) scoring every criterion; every
    second one moderated, every third recommended."""
    now = timezone.now()
    start = Application.objects.count()
    numbers = range(start, count)
    applications = Application.objects.bulk_create(
        Application(
            reference=f"LDF-R{n:06d}",
            round=round,
            lead_organisation=organisations[n % len(organisations)],
            title=f"Benchmark application {n}",
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            requested_amount=Decimal(20_000 + (n % 7) * 10_000),
        )
        for n in numbers
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            application=application,
            assessor=assessors[0 if k == 0 else 1 + (n + k) % (len(assessors) - 1)],
            status=AssessmentStatus.SUBMITTED,
            due_on=now.date(),
            submitted_at=now,
            conflict_declared_at=now,
        )
        for n, application in zip(numbers, applications, strict=True)
        for k in range(ASSESSORS_PER_APPLICATION)
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(
            assessment=assessment,
            criterion=criterion,
            score=(assessment.pk + index) % 5,
            justification="The bid shows this, with evidence.",
        )
        for assessment in assessments
        for index, criterion in enumerate(criteria)
    )
    ModeratedScore.objects.bulk_create(
        ModeratedScore(application=application, criterion=criterion, score=(n + index) % 5)
        for n, application in zip(numbers, applications, strict=True)
        if n % 2 == 0
        for index, criterion in enumerate(criteria)
    )
    Decision.objects.bulk_create(
        Decision(
            application=application,
            recommendation=Recommendation.FUND,
            recommended_amount=application.requested_amount,
            recommended_at=now,
        )
        for n, application in zip(numbers, applications, strict=True)
        if n % 3 == 0
    )


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_funding_ranking"):
        round, criteria, organisations, assessors = world()
        manager = staff_client()
        assessor = staff_client(assessors[0])

        def grow(count: int) -> None:
            add_applications(
                count,
                round=round,
                criteria=criteria,
                organisations=organisations,
                assessors=assessors,
            )

        changelist = "/admin/funding/application/"
        managers, assessors_seen = [], []
        for size in SIZES:
            if size > RANKED:
                grow(RANKED)
                ranking = f"/admin/funding/round/{round.pk}/ranking/"
                taken = seconds(manager, ranking, runs=TIMED_RUNS)
                print(f"funding_ranking_seconds_{RANKED}_applications {taken:.3f}", flush=True)
                ranked_queries = queries(manager, ranking)
                print(f"funding_ranking_queries_{RANKED}_applications {ranked_queries}")
                taken_csv = seconds(
                    manager, f"/admin/funding/round/{round.pk}/ranking.csv", runs=TIMED_RUNS
                )
                print(f"funding_ranking_csv_seconds_{RANKED}_applications {taken_csv:.3f}")
                if taken > MAX_RANKING_SECONDS:
                    failures.append(f"the ranking took {taken:.2f}s for {RANKED} applications")
            grow(size)
            managers.append(queries(manager, changelist))
            print(f"funding_application_changelist_queries_{size}_applications {managers[-1]}")
            assessors_seen.append(queries(assessor, changelist))
            print(
                f"funding_assessor_changelist_queries_{size}_applications {assessors_seen[-1]}",
                flush=True,
            )
        failures += grew(managers, "the list's queries grow with applications")
        failures += grew(assessors_seen, "the assessor's list's queries grow")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
