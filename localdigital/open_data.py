"""What every file the service publishes or exports shares: spreadsheet-safe CSV cells, CSV
sent in pieces, the column documentation, and the headers of open data.

Each domain keeps its own columns and how its values become cells; this module knows no
domain.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# Open data may be cached for 5 minutes, by browsers and by shared caches.
CACHE_CONTROL = "public, max-age=300"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection);
# such a cell is written with a leading apostrophe, which makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A streamed CSV is sent in pieces of about this many characters.
CSV_CHUNK_CHARACTERS = 64 * 1024


@dataclass(frozen=True)
class OpenDataColumn:
    """A column of an open data file, as its documentation page describes it."""

    name: str
    description: str
    example: str


def csv_safe(value: str) -> str:
    """Return ``value`` so that no spreadsheet runs it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_cell_safe(value: Any) -> Any:
    """Return ``value`` made safe when it is text; numbers, dates and empty cells as they are."""
    return csv_safe(value) if isinstance(value, str) else value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a CSV of ``header`` then ``rows`` (cells already made safe) in pieces of about
    ``CSV_CHUNK_CHARACTERS``, so a streamed response holds only one piece at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= CSV_CHUNK_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def open_data_headers(
    response: HttpResponse | StreamingHttpResponse,
    *,
    etag: str | None = None,
    last_modified: int | None = None,
) -> None:
    """Let any website read ``response`` (CORS), cache it for 5 minutes, and give it its
    validators: a quoted ``etag``, and ``last_modified`` as a Unix time."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = CACHE_CONTROL
    if etag is not None:
        response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
