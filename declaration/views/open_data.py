"""Open data: every published signatory as CSV and as JSON, and the page that documents them.

Both files have the same columns, in the same order, documented on the open data page. The
CSV streams, so memory stays flat however many signatories there are. The JSON may be read
from any website (CORS), and is cacheable for 5 minutes and revalidated by its ETag or
Last-Modified date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from declaration.models import OrganisationType
from declaration.selectors import public as selectors
from localdigital.open_data import (
    LICENCE_NAME,
    LICENCE_URL,
    OpenDataColumn,
    csv_chunks,
    csv_safe,
    open_data_headers,
)
from localdigital.public_cache import public_page

COLUMNS = (
    OpenDataColumn("name", "The organisation's name.", "London Borough of Hackney"),
    OpenDataColumn("slug", "The organisation's identifier in this service's addresses.", "hackney"),
    OpenDataColumn(
        "url",
        "The signatory's page on this service.",
        "https://localdigital.example.gov.uk/signatories/hackney/",
    ),
    OpenDataColumn(
        "gss_code",
        "The Government Statistical Service code of a local authority; empty for others.",
        "E09000012",
    ),
    OpenDataColumn("type", "The type of organisation.", "London borough"),
    OpenDataColumn("region", "The region it is in; empty when it has none.", "London"),
    OpenDataColumn("nation", "The nation of the United Kingdom it is in.", "England"),
    OpenDataColumn("date_signed", "The date it signed the Declaration (YYYY-MM-DD).", "2018-07-04"),
    OpenDataColumn(
        "co_publisher",
        "Whether it is one of the 45 co-publishers who launched the Declaration on "
        "4 July 2018: true or false.",
        "true",
    ),
    OpenDataColumn(
        "declaration_project_title",
        "The title of the declaration project it committed to when it signed.",
        "Reusable booking service",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)


def _rows() -> Iterator[tuple[str, str, str, str, str, str, str, date | None, bool, str]]:
    """Yield every signatory's values in the order of ``COLUMNS``."""
    labels = dict(OrganisationType.choices)
    signatories_url = settings.SITE_URL + reverse("declaration:signatories")
    for (
        name,
        slug,
        gss_code,
        organisation_type,
        region,
        nation,
        signed_on,
        co_publisher,
        project_title,
    ) in selectors.signatories_open_data():
        yield (
            name,
            slug,
            f"{signatories_url}{slug}/",
            gss_code,
            labels.get(organisation_type, ""),
            region,
            nation,
            signed_on,
            co_publisher,
            project_title,
        )


def _csv_cells(row: Iterable[object]) -> list[str]:
    cells = []
    for value in row:
        if isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, date):
            cells.append(value.isoformat())
        elif value is None:
            cells.append("")
        else:
            cells.append(csv_safe(str(value)))
    return cells


def signatories_csv_chunks() -> Iterator[str]:
    """Yield the CSV (a header, then a line per signatory) in pieces of about 64 KB."""
    return csv_chunks(COLUMN_NAMES, (_csv_cells(row) for row in _rows()))


@require_safe
def signatories_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Stream every published signatory as CSV (UTF-8), one line each, by name."""
    response = StreamingHttpResponse(
        signatories_csv_chunks(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="signatories.csv"'
    open_data_headers(response)
    return response


@require_safe
def signatories_json(request: HttpRequest) -> HttpResponse:
    """Send every published signatory as JSON, or 304 when the client's copy is current.

    The ETag changes whenever a signing or a signatory organisation changes, and so does
    Last-Modified (to the second).
    """
    version = selectors.signatories_open_data_version()
    last_changed = version.last_changed.isoformat() if version.last_changed else "never"
    etag = quote_etag(hashlib.sha256(f"{version.count}:{last_changed}".encode()).hexdigest()[:32])
    last_modified = int(version.last_changed.timestamp()) if version.last_changed else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        signatories = [dict(zip(COLUMN_NAMES, row, strict=True)) for row in _rows()]
        response = JsonResponse(
            {
                "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
                "documentation": settings.SITE_URL + reverse("declaration:open-data"),
                "count": len(signatories),
                "columns": list(COLUMN_NAMES),
                "signatories": signatories,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    open_data_headers(response, etag=etag, last_modified=last_modified)
    return response


@public_page()
@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    """Explain the open data about signatories: the files, their columns and the licence."""
    return render(
        request,
        "declaration/public/open_data.html",
        {
            "columns": COLUMNS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        },
    )
