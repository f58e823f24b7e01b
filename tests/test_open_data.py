"""The pieces every published or exported file shares: safe cells, CSV in pieces, headers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from localdigital.open_data import (
    CSV_CHUNK_CHARACTERS,
    csv_cell_safe,
    csv_chunks,
    csv_response,
    csv_safe,
    open_data_headers,
    open_data_not_modified,
    open_data_validators,
)


def test_csv_safe_makes_every_formula_start_text():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert csv_safe(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"
    assert csv_safe("Borsetshire County Council") == "Borsetshire County Council"


def test_csv_cell_safe_leaves_numbers_dates_and_empty_cells_alone():
    assert [csv_cell_safe(value) for value in (-3, None, date(2018, 7, 4), "-3")] == [
        -3,
        None,
        date(2018, 7, 4),
        "'-3",
    ]


def test_csv_chunks_sends_the_whole_file_in_pieces_of_about_the_chunk_size():
    rows = [(f"Council {number}", "x" * 100) for number in range(3000)]

    pieces = list(csv_chunks(("name", "notes"), rows))

    assert len(pieces) > 3
    assert all(len(piece) < CSV_CHUNK_CHARACTERS + 200 for piece in pieces)
    read = list(csv.reader(io.StringIO("".join(pieces))))
    assert read[0] == ["name", "notes"]
    assert [tuple(row) for row in read[1:]] == rows


def test_csv_response_streams_a_download_with_every_text_cell_made_safe():
    response = csv_response(("name", "amount"), [("=cmd()", 5), ("Hull", None)], name="bids")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bids.csv"'
    read = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert read == [["name", "amount"], ["'=cmd()", "5"], ["Hull", ""]]


def test_csv_response_names_a_dated_export_after_today_in_the_uk():
    response = csv_response(("name",), [], name="training-cohorts", dated=True)

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="training-cohorts-{today}.csv"'


def test_open_data_headers_allow_any_site_cache_five_minutes_and_validate():
    response = HttpResponse()

    open_data_headers(response, etag='"abc"', last_modified=0)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"] == '"abc"'
    assert response["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"


def test_open_data_validators_change_with_the_rows_the_moment_and_the_settings():
    moment = datetime(2019, 10, 14, 9, 30, tzinfo=UTC)
    base = open_data_validators(kind="csv", count=3, last_changed=moment, shaped_by=("a",))

    others = [
        open_data_validators(kind="json", count=3, last_changed=moment, shaped_by=("a",)),
        open_data_validators(kind="csv", count=4, last_changed=moment, shaped_by=("a",)),
        open_data_validators(kind="csv", count=3, last_changed=None, shaped_by=("a",)),
        open_data_validators(kind="csv", count=3, last_changed=moment, shaped_by=("b",)),
    ]

    assert base.etag.startswith('"') and base.etag.endswith('"')
    assert base.last_modified == int(moment.timestamp())
    assert base == open_data_validators(kind="csv", count=3, last_changed=moment, shaped_by=("a",))
    assert all(other.etag != base.etag for other in others)
    assert others[2].last_modified is None


def test_open_data_not_modified_answers_304_with_the_headers_or_nothing():
    validators = open_data_validators(
        kind="csv", count=1, last_changed=datetime(2019, 10, 14, tzinfo=UTC)
    )
    factory = RequestFactory()

    matching = open_data_not_modified(
        factory.get("/", headers={"if-none-match": validators.etag}), validators
    )
    stale = open_data_not_modified(factory.get("/", headers={"if-none-match": '"x"'}), validators)

    assert matching is not None
    assert matching.status_code == 304
    assert matching["ETag"] == validators.etag
    assert matching["Cache-Control"] == "public, max-age=300"
    assert stale is None
