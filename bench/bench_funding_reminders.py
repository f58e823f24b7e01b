"""The deadline reminder scan over 100,000 draft applications in one round.

The beat job (``funding.services.reminders.deadline_reminders_queue``) finds, for each
reminder due, the round's drafts with no reminder yet at that offset
(``unreminded_drafts``). This times that scan in a table that also holds other rounds'
applications, and shows its plan. Prints::

    reminder_scan_applications_in_table N
    reminder_scan_drafts_in_round 100000
    reminder_scan_found F
    reminder_scan_seconds_100000_drafts S
    reminder_queue_seconds_100000_drafts Q
    reminder_queue_server_side_cursors 0

then the ``EXPLAIN (ANALYZE, BUFFERS)`` of the scan exactly as the job sent it.

Read it as: S is the scan's query read to the end, best of five; Q the whole scan of the job
(the advisory lock, the rounds, the scan and the list of reminders), best of three, with the
tasks it would queue after commit replaced by a counter, so no Celery task is queued. The
round's drafts were all reminded at 7 days a week ago, and a tenth of them at 1 day already
(an interrupted run), so F is 90,000. The script exits non-zero unless the plan reads the
round's drafts through the partial index ``funding_app_drafts_idx``, with no sequential scan
of ``funding_application``, and unless the job reads them in a plain query: Postgres plans
a server-side cursor (``.iterator()``) for its first rows, and for this scan that plan walks
the whole table in primary-key order instead.

Rows are inserted with ``INSERT … SELECT … generate_series``, copying a row made by the ORM.
The script runs against a throwaway database with a unique name on the configured PostgreSQL
server (``DATABASE_URL``, or the embedded server when that is unset), made and dropped by
Django's test-database machinery, so it never touches the development or test databases.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The job logs how many reminders it queues; keep the output to the figures.
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.django_setup import django_setup

django_setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.database import finish, throwaway_database  # noqa: E402
from bench.rows import round_create  # noqa: E402
from declaration.models import Organisation, OrganisationType  # noqa: E402
from funding.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    DeadlineReminder,
    Round,
)
from funding.services import reminders  # noqa: E402
from localdigital.accounts.models import User  # noqa: E402

DRAFTS = 100_000
# Earlier rounds, long closed: mostly submitted, some withdrawn, some drafts never sent.
OLD_ROUNDS = 4
OLD_ROUND_APPLICATIONS = 50_000
# Another round open at the same time, whose reminders are not due in this run.
OTHER_OPEN_DRAFTS = 10_000
SUBMITTED_IN_ROUND = 5_000
ALREADY_REMINDED_AT_1_DAY = DRAFTS // 10
ORGANISATIONS = 300
INDEX = "funding_app_drafts_idx"
TABLE = Application._meta.db_table
SEQ_SCAN = re.compile(rf"Seq Scan on {TABLE}\b")

CLOSE = datetime(2030, 11, 18, 17, tzinfo=UTC)
NOW = CLOSE - timedelta(days=1) + timedelta(hours=1)


def make_round(number: int, closes_at: datetime, **fields: Any) -> Round:
    return round_create(
        number,
        applications_open_at=closes_at - timedelta(days=30),
        applications_close_at=closes_at,
        reminder_offsets_days=[7, 1],
        **fields,
    )


def copy_rows(template: Model, count: int, values: dict[str, str]) -> None:
    """Insert ``count`` copies of ``template``'s row, numbered ``n`` from 1, with the columns
    in ``values`` set to those SQL expressions (which may use ``n``)."""
    table = template._meta.db_table
    columns = [
        column
        for field in template._meta.concrete_fields
        if not field.primary_key and (column := field.column) is not None
    ]
    selected = [values.get(column, f"t.{column}") for column in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (our own names)
            f"SELECT {', '.join(selected)} FROM {table} AS t, generate_series(1, %s) AS n "
            "WHERE t.id = %s",
            [count, template.pk],
        )


def add_applications(
    template: Application, round: Round, count: int, prefix: str, statuses: Sequence[str]
) -> None:
    """Add ``count`` applications to ``round``, cycling through ``statuses``, each led by one
    of the organisations in turn."""
    status_array = "ARRAY[" + ", ".join(f"'{status}'" for status in statuses) + "]"
    status = f"({status_array})[1 + mod(n, {len(statuses)})]"
    copy_rows(
        template,
        count,
        {
            "reference": f"'{prefix}' || lpad(n::text, 9, '0')",
            "round_id": str(round.pk),
            "status": status,
            "lead_organisation_id": (
                "(SELECT array_agg(id ORDER BY id) FROM declaration_organisation)"  # noqa: S608
                f"[1 + mod(n, {ORGANISATIONS})]"
            ),
            "submitted_at": f"CASE WHEN {status} = 'submitted' THEN t.created_at END",
            "withdrawn_at": f"CASE WHEN {status} = 'withdrawn' THEN t.created_at END",
        },
    )


def add_reminders(round: Round, offset_days: int, limit: int | None, recipient: User) -> None:
    """Record that the first ``limit`` (or all) drafts of ``round`` were reminded at
    ``offset_days``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DeadlineReminder._meta.db_table} "  # noqa: S608 (our own names)
            "(application_id, eoi_id, offset_days, recipient_id, sent_at) "
            f"SELECT id, NULL, %s, %s, %s FROM {TABLE} "
            "WHERE round_id = %s AND status = 'draft' ORDER BY id LIMIT %s",
            [offset_days, recipient.pk, NOW, round.pk, limit],
        )


def build() -> Round:
    """Fill the database; return the round whose drafts are due their 1-day reminder."""
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Benchmark Borough Council {number}",
            slug=f"benchmark-borough-{number}",
            organisation_type=OrganisationType.DISTRICT,
        )
        for number in range(ORGANISATIONS)
    )
    writer = User.objects.create(email="writer@benchmark-borough-0.gov.uk")
    round = make_round(5, CLOSE)
    other_open = make_round(6, CLOSE + timedelta(days=3))
    template = Application.objects.create(
        round=round,
        lead_organisation=organisations[0],
        created_by=writer,
        title="Shared housing repairs reporting",
        problem="Tenants report repairs by phone; nobody can see what happens next.",
    )
    for number in range(1, OLD_ROUNDS + 1):
        old = make_round(number, datetime(2018 + number, 11, 18, 17, tzinfo=UTC))
        add_applications(
            template,
            old,
            OLD_ROUND_APPLICATIONS,
            f"O{number}",
            ["submitted"] * 8 + ["withdrawn", "draft"],
        )
    add_applications(template, round, DRAFTS, "D", ["draft"])
    add_applications(template, round, SUBMITTED_IN_ROUND, "S", ["submitted", "withdrawn"])
    add_applications(template, other_open, OTHER_OPEN_DRAFTS, "X", ["draft"])
    template.delete()
    add_reminders(round, 7, None, writer)
    add_reminders(round, 1, ALREADY_REMINDED_AT_1_DAY, writer)
    add_reminders(Round.objects.get(number=OLD_ROUNDS), 7, None, writer)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
        cursor.execute(f"VACUUM ANALYZE {DeadlineReminder._meta.db_table}")
    return round


def plan(sql: str, params: Sequence[Any], *, prefix: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [line for (line,) in cursor.fetchall()]


def plan_problems(lines: list[str], name: str) -> list[str]:
    text = "\n".join(lines)
    problems = []
    if INDEX not in text:
        problems.append(f"the {name} does not use {INDEX}")
    if SEQ_SCAN.search(text):
        problems.append(f"the {name} reads {TABLE} with a sequential scan")
    return problems


def best_of(runs: int, function: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    failures: list[str] = []
    with throwaway_database("bench_funding_reminders"):
        round = build()
        [due] = [
            offset
            for offset in reminders.due_offsets(now=NOW)
            if offset.round_id == round.pk and offset.kind == reminders.APPLICATION
        ]
        assert due.offset_days == 1, due
        scan = reminders.unreminded_drafts(due)
        expected = DRAFTS - ALREADY_REMINDED_AT_1_DAY

        print(f"reminder_scan_applications_in_table {Application.objects.count()}")
        drafts = Application.objects.filter(round=round, status=ApplicationStatus.DRAFT).count()
        print(f"reminder_scan_drafts_in_round {drafts}")

        seconds, found = best_of(5, lambda: list(scan.all()))
        print(f"reminder_scan_found {len(found)}")
        print(f"reminder_scan_seconds_{DRAFTS}_drafts {seconds:.4f}", flush=True)
        if len(found) != expected:
            failures.append(f"the scan found {len(found)} drafts, not {expected}")

        queued: list[int] = []

        def count_instead_of_queuing(task: object, calls: Iterable[object]) -> None:
            queued.append(len(list(calls)))

        backend = type(connections["default"])
        with (
            mock.patch.object(reminders, "enqueue_each_on_commit", count_instead_of_queuing),
            mock.patch.object(
                backend, "chunked_cursor", autospec=True, side_effect=backend.chunked_cursor
            ) as server_side_cursors,
        ):
            seconds, result = best_of(3, lambda: reminders.deadline_reminders_queue(now=NOW))
            with CaptureQueriesContext(connection) as captured:
                reminders.deadline_reminders_queue(now=NOW)
        print(f"reminder_queue_seconds_{DRAFTS}_drafts {seconds:.4f}", flush=True)
        print(f"reminder_queue_server_side_cursors {server_side_cursors.call_count}")
        if queued != [expected] * 4 or result is None or len(result) != expected:
            failures.append(f"the job would have queued {queued}, not {expected} each run")
        if server_side_cursors.call_count:
            # Postgres plans a cursor for its first rows: a walk of the whole table in
            # primary-key order rather than the round's drafts by their index.
            failures.append("the job reads the scan through a server-side cursor")

        # The plan of the scan exactly as the job sent it.
        [job_scan] = [
            query["sql"] for query in captured.captured_queries if f'FROM "{TABLE}"' in query["sql"]
        ]
        analysed = plan(job_scan, [], prefix="EXPLAIN (ANALYZE, BUFFERS) ")
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the job's scan:")
        print("\n".join(analysed), flush=True)
        failures += plan_problems(analysed, "scan")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
