"""Open data about funded projects: projects.csv and projects.json, the 360Giving package,
and the page that documents them.

Only public projects are in them: announced, and not declined. The CSV and the 360Giving
package stream, so memory stays flat however many projects there are. Every file may be
read from any website (CORS), is cacheable for 5 minutes, and carries an ETag and a
Last-Modified date (the JSON files answer a matching request with 304).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from localdigital.links import absolute_url
from localdigital.open_data import (
    LICENCE_NAME,
    LICENCE_URL,
    OpenDataColumn,
    OpenDataFiles,
    Validators,
    open_data_headers,
    open_data_response,
    open_data_validators,
)
from localdigital.public_cache import public_page

from .. import threesixtygiving
from ..selectors import open_data as selectors

COLUMNS = (
    OpenDataColumn(
        "slug", "The project's identifier in this service's addresses.", "digital-planning"
    ),
    OpenDataColumn("title", "The project's title.", "Digital planning service"),
    OpenDataColumn(
        "url",
        "The project's page on this service.",
        "https://localdigital.example.gov.uk/funding/projects/digital-planning/",
    ),
    OpenDataColumn("summary", "What the project does.", "A planning service that…"),
    OpenDataColumn("round", "The name of the round that funded it.", "Round 3"),
    OpenDataColumn("round_slug", "The round's identifier in this service's addresses.", "round-3"),
    OpenDataColumn(
        "phase",
        "The phase of the GOV.UK service lifecycle funded: discovery, alpha, beta or live; "
        "empty when not given.",
        "alpha",
    ),
    OpenDataColumn(
        "amount_awarded",
        "The amount awarded, in pounds, with pence (a number in the JSON).",
        "350000.00",
    ),
    OpenDataColumn("award_date", "The date the grant was awarded (YYYY-MM-DD).", "2019-10-14"),
    OpenDataColumn(
        "status",
        "Where the grant stands: offered, accepted, active (work started) or completed.",
        "accepted",
    ),
    OpenDataColumn("lead_organisation", "The organisation leading the project.", "Hackney"),
    OpenDataColumn(
        "lead_organisation_slug",
        "The lead organisation's identifier; its signatory page is /signatories/<slug>/.",
        "hackney",
    ),
    OpenDataColumn(
        "partner_organisations",
        "The partner organisations, by name: separated by “; ” in the CSV, a list in the JSON.",
        "Buckinghamshire; Southwark",
    ),
    OpenDataColumn(
        "partner_organisation_slugs",
        "The partners' identifiers, in the same order: “; ” in the CSV, a list in the JSON.",
        "buckinghamshire; southwark",
    ),
    OpenDataColumn(
        "planned_start", "When the work is planned to start (YYYY-MM-DD), if known.", "2019-11-01"
    ),
    OpenDataColumn(
        "planned_end", "When the work is planned to end (YYYY-MM-DD), if known.", "2020-03-31"
    ),
    OpenDataColumn(
        "grant_identifier",
        "The grant's identifier in the 360Giving file.",
        "360G-mhclg-ldf-LDF-7K2M9Q",
    ),
    OpenDataColumn(
        "completed_on",
        "The date the project was completed (YYYY-MM-DD, UK time): when the Fund accepted its "
        "final report; empty until then.",
        "2020-04-15",
    ),
)


def _rows() -> Iterator[tuple[Any, ...]]:
    """Yield every public project's values in the order of ``COLUMNS``."""
    projects_url = absolute_url("funding:project-list")
    prefix = settings.THREESIXTYGIVING_IDENTIFIER_PREFIX
    for (
        slug,
        title,
        summary,
        round_name,
        round_slug,
        phase,
        amount,
        awarded_on,
        status,
        completed_at,
        lead_name,
        lead_slug,
        partner_names,
        partner_slugs,
        planned_start_on,
        planned_end_on,
        reference,
    ) in selectors.projects_open_data():
        yield (
            slug,
            title,
            f"{projects_url}{slug}/",
            summary,
            round_name,
            round_slug,
            phase,
            amount,
            awarded_on,
            status,
            lead_name,
            lead_slug,
            list(partner_names or []),
            list(partner_slugs or []),
            planned_start_on,
            planned_end_on,
            threesixtygiving.grant_identifier(reference, prefix=prefix),
            timezone.localdate(completed_at) if completed_at else None,
        )


def _validators(kind: str, version: selectors.OpenDataVersion) -> Validators:
    """Return the ETag and Last-Modified of one of the files at ``version``. The settings
    that shape the files are part of the ETag, so a change to them is a new version."""
    return open_data_validators(
        kind=kind,
        count=version.count,
        last_changed=version.last_changed,
        shaped_by=(
            settings.SITE_URL,
            settings.THREESIXTYGIVING_IDENTIFIER_PREFIX,
            settings.THREESIXTYGIVING_FUNDER_ORG_ID,
            settings.THREESIXTYGIVING_FUNDER_NAME,
        ),
    )


FILES = OpenDataFiles(
    columns=COLUMNS,
    rows=_rows,
    validators=lambda kind: _validators(kind, selectors.projects_open_data_version()),
    csv_name="projects",
    json_key="projects",
    documentation="funding:open-data",
)
# Every public project, newest award first, as CSV (streamed) and as JSON; or 304 when the
# client's copy is current.
projects_csv = FILES.csv_view()
projects_json = FILES.json_view()


@require_safe
def threesixtygiving_json(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Stream every public award as a 360Giving Data Standard package, or answer 404 with
    a JSON explanation while there is none (the standard needs at least one grant)."""
    version = selectors.projects_open_data_version()
    if version.count == 0:
        response: HttpResponse | StreamingHttpResponse = JsonResponse(
            {
                "error": "no-grants",
                "message": (
                    "There are no Local Digital Fund grants to publish yet. A 360Giving "
                    "package must hold at least one grant, so this file exists once a round's "
                    "decisions have been announced."
                ),
                "documentation": absolute_url("funding:open-data"),
            },
            status=404,
        )
        open_data_headers(response)
        return response
    return open_data_response(request, _validators("360giving", version), lambda: _package(version))


def _package(version: selectors.OpenDataVersion) -> StreamingHttpResponse:
    """Return the 360Giving package of every public award, streamed."""
    header = threesixtygiving.package_header(
        last_changed=version.last_changed,
        documentation_url=absolute_url("funding:open-data"),
    )
    return StreamingHttpResponse(
        threesixtygiving.package_chunks(selectors.grants_open_data(), header=header),
        content_type="application/json",
    )


@public_page()
@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    """Explain the open data about funded projects: the files, their columns, 360Giving and
    the licence."""
    return render(
        request,
        "funding/projects/open_data.html",
        {
            "columns": COLUMNS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "prefix": settings.THREESIXTYGIVING_IDENTIFIER_PREFIX,
            "funder_org_id": settings.THREESIXTYGIVING_FUNDER_ORG_ID,
            "geo_code_types": sorted(threesixtygiving.GEO_CODE_TYPES.items()),
        },
    )
