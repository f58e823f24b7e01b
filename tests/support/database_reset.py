"""Put the test database back as migrations left it after each test that really commits, in
milliseconds rather than the second that Django's own way takes.

Tests that commit (browser tests, worker tests, tests of locks between sessions) cannot be
rolled back, so after each one Django flushes every table with one ``TRUNCATE`` and, before
the next, loads again what migrations made (staff groups and their permissions, content
types, the Declaration's first version) from a JSON copy, one ``save()`` per row. The
``TRUNCATE`` makes new files for every table and index, and took about 0.5 s here; loading
the copy about 0.25 s more, for each of a hundred tests.

``install`` keeps instead a copy of those rows in tables of a schema of their own, made once
when the test database has been migrated, and makes the flush delete every row (Django's
foreign keys are checked at commit, so the order does not matter) and copy the kept rows
back, in the same transaction: the database is then exactly as migrations left it, with the
same primary keys, so loading the JSON copy before the next test has nothing left to do.
A table whose trigger refuses deletes (the audit log is append-only) is truncated, as before,
with every table that refers to it.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

SCHEMA = "test_migrated_rows"


def commit_without_waiting_for_the_disk(connection: BaseDatabaseWrapper) -> None:
    """Let commits on the test database return before PostgreSQL has written them to disk.

    Tests that commit do so hundreds of times, each waiting on the disk; a crash would lose
    the last few, but the test database does not outlive a crash anyway. The setting is the
    database's, so the live server's and the Celery workers' connections have it too.
    """
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        cursor.execute("SET synchronous_commit = off")


def install(connection: BaseDatabaseWrapper) -> None:
    """Keep the rows migrations made, and make ``flush`` put back exactly those."""
    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    kept: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608
            if not cursor.fetchone()[0]:
                continue
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            # Named columns, not *: a migration test that goes back and forth may leave a
            # table's columns in another order.
            names = ", ".join(quote(column) for column in columns)
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{quote(table)} AS SELECT {names} FROM {quote(table)}"  # noqa: S608
            )
            kept[table] = names
        truncated = _refusing_deletes(cursor, tables)

    def sql_flush(
        style: Any, tables: list[str], *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if reset_sequences:
            raise NotImplementedError("The test database is reset without resetting sequences.")
        statements = ["SET CONSTRAINTS ALL DEFERRED"]
        statements += [
            f"DELETE FROM {quote(table)}"  # noqa: S608
            for table in tables
            if table not in truncated
        ]
        if truncated:
            statements.append(f"TRUNCATE {', '.join(quote(table) for table in sorted(truncated))}")
        statements += [
            f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {SCHEMA}.{quote(table)}"  # noqa: S608
            for table, names in kept.items()
            if table in tables
        ]
        return statements

    connection.ops.sql_flush = sql_flush  # type: ignore[method-assign, assignment]
    # The flush has put back what the JSON copy holds.
    connection.creation.deserialize_db_from_string = lambda data: None  # type: ignore[method-assign]


def _refusing_deletes(cursor: Any, tables: list[str]) -> set[str]:
    """Return the tables with a trigger on DELETE, and every table that refers to one."""
    cursor.execute(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgtype & 8 <> 0"  # TRIGGER_TYPE_DELETE
    )
    found = {name for (name,) in cursor.fetchall() if name in tables}
    cursor.execute(
        "SELECT referring.relname, referred.relname FROM pg_constraint f "
        "JOIN pg_class referring ON referring.oid = f.conrelid "
        "JOIN pg_class referred ON referred.oid = f.confrelid WHERE f.contype = 'f'"
    )
    references = cursor.fetchall()
    while True:
        more = {referring for referring, referred in references if referred in found} - found
        if not more:
            return found
        found |= more
