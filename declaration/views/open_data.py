"""Open data: every published signatory as CSV and as JSON, and the page that documents them.

Both files have the same columns, in the same order, documented on the open data page. The
CSV streams, so memory stays flat however many signatories there are. Both may be read from
any website (CORS), are cacheable for 5 minutes, and carry an ETag and a Last-Modified date:
a matching conditional request is answered with 304.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from declaration.models import OrganisationType
from declaration.selectors import public_open_data
from localdigital.links import absolute_url
from localdigital.open_data import (
    LICENCE_NAME,
    LICENCE_URL,
    OpenDataColumn,
    OpenDataFiles,
    Validators,
    open_data_validators,
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


def _rows() -> Iterator[tuple[str, str, str, str, str, str, str, date | None, bool, str]]:
    """Yield every signatory's values in the order of ``COLUMNS``."""
    labels = dict(OrganisationType.choices)
    signatories_url = absolute_url("declaration:signatories")
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
    ) in public_open_data.signatories_open_data():
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


def _validators(kind: str) -> Validators:
    """Return the validators of the CSV or JSON file as the signatories stand. They change
    whenever a signing or a signatory organisation changes (Last-Modified to the second),
    and with the site's address, which is in every row's link."""
    version = public_open_data.signatories_open_data_version()
    return open_data_validators(
        kind=kind,
        count=version.count,
        last_changed=version.last_changed,
        shaped_by=(settings.SITE_URL,),
    )


FILES = OpenDataFiles(
    columns=COLUMNS,
    rows=_rows,
    validators=_validators,
    csv_name="signatories",
    json_key="signatories",
    documentation="declaration:open-data",
)
# Every published signatory, by name, as CSV (streamed) and as JSON; or 304 when the
# client's copy is current.
signatories_csv = FILES.csv_view()
signatories_json = FILES.json_view()


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
