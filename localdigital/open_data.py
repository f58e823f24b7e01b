"""What every file the service publishes or exports shares: spreadsheet-safe CSV cells, CSV
sent in pieces, the one CSV download response, the column documentation, and open data's
cells, JSON document, headers and conditional responses.

Each domain keeps its own columns and the rows of its values; this module knows no domain.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from localdigital.links import absolute_url

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# Open data may be cached for 5 minutes, by browsers and by shared caches.
CACHE_CONTROL = "public, max-age=300"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection);
# such a cell is written with a leading apostrophe, which makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A streamed CSV is sent in pieces of about this many characters.
CSV_CHUNK_CHARACTERS = 64 * 1024
# Several values in one cell of an open data CSV (a list in its JSON) are separated by this.
LIST_SEPARATOR = "; "


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


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, name: str, dated: bool = False
) -> StreamingHttpResponse:
    """Return a CSV download of ``header`` then ``rows``, every text cell made safe, streamed
    in pieces (``csv_chunks``) so that a long file is never held whole.

    The file is called ``<name>.csv``, or ``<name>-<today>.csv`` when ``dated`` (an export
    that staff keep copies of). Open data adds its own headers (``open_data_headers``).
    """
    safe_rows = ([csv_cell_safe(cell) for cell in row] for row in rows)
    response = StreamingHttpResponse(
        csv_chunks(header, safe_rows), content_type="text/csv; charset=utf-8"
    )
    filename = f"{name}-{timezone.localdate().isoformat()}" if dated else name
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


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


@dataclass(frozen=True)
class Validators:
    """What a client revalidates a file by: a quoted ETag, and its Last-Modified as a Unix
    time (None while nothing has been published)."""

    etag: str
    last_modified: int | None


def open_data_validators(
    *, kind: str, count: int, last_changed: datetime | None, shaped_by: Sequence[str] = ()
) -> Validators:
    """Return the validators of the ``kind`` of file that holds ``count`` rows last changed
    at ``last_changed``. ``shaped_by`` are the settings the file's text depends on (the
    site's address in its links, say), so a change to them is a new version too."""
    changed = last_changed.isoformat() if last_changed else "never"
    fingerprint = ":".join((kind, str(count), changed, *shaped_by))
    return Validators(
        etag=quote_etag(hashlib.sha256(fingerprint.encode()).hexdigest()[:32]),
        last_modified=int(last_changed.timestamp()) if last_changed else None,
    )


def open_data_not_modified(request: HttpRequest, validators: Validators) -> HttpResponse | None:
    """Return the 304 (or 412) that ``request``'s conditional headers call for, with the open
    data headers, or None when the file must be sent."""
    response = get_conditional_response(
        request, etag=validators.etag, last_modified=validators.last_modified
    )
    if response is not None:
        open_data_headers(response, etag=validators.etag, last_modified=validators.last_modified)
    return response


def open_data_response(
    request: HttpRequest,
    validators: Validators,
    build: Callable[[], HttpResponse | StreamingHttpResponse],
) -> HttpResponse | StreamingHttpResponse:
    """Return the 304 (or 412) that ``request``'s conditional headers call for, else the file
    that ``build`` makes, with the open data headers and ``validators``."""
    response: HttpResponse | StreamingHttpResponse | None = open_data_not_modified(
        request, validators
    )
    if response is None:
        response = build()
    open_data_headers(response, etag=validators.etag, last_modified=validators.last_modified)
    return response


def open_data_cells(row: Iterable[object]) -> list[str]:
    """Return the CSV cells of a row of open data: true or false, dates as YYYY-MM-DD, amounts
    with their pence, a list's items separated by ``LIST_SEPARATOR``, nothing as an empty
    cell, and text made safe."""
    cells = []
    for value in row:
        if isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, date):
            cells.append(value.isoformat())
        elif isinstance(value, Decimal):
            cells.append(f"{value:.2f}")
        elif isinstance(value, list):
            cells.append(LIST_SEPARATOR.join(csv_safe(str(item)) for item in value))
        elif value is None:
            cells.append("")
        else:
            cells.append(csv_safe(str(value)))
    return cells


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def open_data_json(
    *, columns: Sequence[str], rows: Iterable[Sequence[object]], key: str, documentation: str
) -> JsonResponse:
    """Return the JSON document of open data: its licence, where it is documented, the count
    and names of its ``columns``, and under ``key`` each row as an object (dates as
    YYYY-MM-DD, amounts as numbers)."""
    objects = [
        {name: _json_value(value) for name, value in zip(columns, row, strict=True)} for row in rows
    ]
    return JsonResponse(
        {
            "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
            "documentation": documentation,
            "count": len(objects),
            "columns": list(columns),
            key: objects,
        },
        json_dumps_params={"ensure_ascii": False},
    )


OpenDataView = Callable[[HttpRequest], HttpResponse | StreamingHttpResponse]


@dataclass(frozen=True)
class OpenDataFiles:
    """A domain's open data as two files with the same ``columns``: a CSV, streamed, and a
    JSON document. Both send the open data headers and ``validators`` (called with ``"csv"``
    or ``"json"``), and answer a matching conditional request with 304 without reading a
    row."""

    columns: Sequence[OpenDataColumn]
    rows: Callable[[], Iterable[Sequence[object]]]
    validators: Callable[[str], Validators]
    # The CSV's download name, without ".csv"; the JSON's key for its rows; the name of the
    # URL of the page that documents both.
    csv_name: str
    json_key: str
    documentation: str

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def csv_view(self) -> OpenDataView:
        """Return the view of the CSV: one line a row, in UTF-8."""
        return self._view(
            "csv",
            lambda: csv_response(
                self.column_names,
                (open_data_cells(row) for row in self.rows()),
                name=self.csv_name,
            ),
        )

    def json_view(self) -> OpenDataView:
        """Return the view of the JSON document (see ``open_data_json``)."""
        return self._view(
            "json",
            lambda: open_data_json(
                columns=self.column_names,
                rows=self.rows(),
                key=self.json_key,
                documentation=absolute_url(self.documentation),
            ),
        )

    def _view(
        self, kind: str, build: Callable[[], HttpResponse | StreamingHttpResponse]
    ) -> OpenDataView:
        @require_safe
        def view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
            return open_data_response(request, self.validators(kind), build)

        return view
