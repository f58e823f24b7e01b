"""The CSV of signatories streams from a server-side cursor, so memory stays flat however
many rows there are (bench/bench_signatories.py measures it)."""

import pytest
from django.db import connection

from tests.declaration.factories import SigningFactory

pytestmark = pytest.mark.django_db


def test_reads_rows_through_a_server_side_cursor(client, monkeypatch):
    SigningFactory.create_batch(3)
    chunked = []
    original = connection.chunked_cursor

    def counting_chunked_cursor():
        cursor = original()
        chunked.append(cursor)
        return cursor

    monkeypatch.setattr(connection, "chunked_cursor", counting_chunked_cursor)
    response = client.get("/signatories.csv")
    body = b"".join(response.streaming_content)
    assert response.streaming
    assert body.count(b"\n") == 4
    # psycopg2 names a cursor only when it is server-side.
    assert chunked and all(cursor.cursor.name for cursor in chunked)
