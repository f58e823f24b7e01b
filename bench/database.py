"""The throwaway database every benchmark runs against, and how a script ends with its
failures. Imported once Django is set up."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import (
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """Run the block against a database of its own, named after ``name`` with a unique suffix,
    on the configured PostgreSQL server (``DATABASE_URL``, or the embedded server when that is
    unset): made and dropped by Django's test-database machinery, so that a benchmark never
    touches the development or test databases."""
    connection.settings_dict["TEST"]["NAME"] = f"{name}_{uuid.uuid4().hex[:12]}"
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()


@contextmanager
def eager_database(name: str) -> Iterator[None]:
    """Run the block against a test database of its own, named after ``name`` and this
    process, with Celery's tasks run in this process as each commit queues them instead of
    going to the broker."""
    from localdigital.celery import app

    database_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"{name}_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        connection.creation.destroy_test_db(database_name, verbosity=0)


def grew(figures: list[int], failure: str) -> list[str]:
    """Return ``failure``, with the figures, when they are not all equal (a query per row has
    crept in), else nothing."""
    return [f"{failure}: {figures}"] if len(set(figures)) > 1 else []


def finish(failures: list[str]) -> int:
    """Print each failure to standard error, and return the script's exit status."""
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0
