"""The funded projects as a 360Giving Data Standard package (``/funding/360giving.json``).

Each public award is one grant:

- ``id``: the 360Giving prefix (``THREESIXTYGIVING_IDENTIFIER_PREFIX``) and the
  application's reference, which never changes;
- ``fundingOrganization``: MHCLG, with its org-id (``THREESIXTYGIVING_FUNDER_ORG_ID``);
- ``recipientOrganization``: the lead organisation, with its area as its ``location``
  (GSS code and code type, as below) when it has a GSS code. An English local authority with a code
  in the register of local authorities is ``GB-LAE-<code>`` (org-id's list of local
  authorities in England, whose codes are the register's). Any other organisation (a
  Scottish, Welsh or Northern Irish council, a fire authority, a sector body) has no
  identifier here that we can vouch for, so it gets one of our own, as 360Giving's guidance
  on organisations without a register identifier says: ``<prefix>-ORG-<number>``, where the
  number is the organisation's id in this service and never changes;
- ``beneficiaryLocation``: the areas of the councils taking part, lead first then partners,
  each with its GSS code as ``geoCode`` and, where 360Giving's codelist has it, the
  ``geoCodeType`` of the code's prefix (E06 UA, E07 NMD, E08 MD, E09 LONB, E10 CTY, E31 FRA,
  W06 UA, S12 CA); organisations without a GSS code are left out;
- ``amountAwarded`` (pounds), ``currency`` GBP, ``awardDate``, ``grantProgramme`` (the
  round) and ``plannedDates`` (when the project has them);
- ``dateModified`` (the standard's "Last Modified"): when anything the grant says last
  changed; ``dataSource``: the open data page that documents the file.

An organisation without a GSS code (a sector body, say) has no area we can vouch for, so its
grants carry no recipient location rather than an invented one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from localdigital.links import absolute_url, link_on_site
from localdigital.open_data import LICENCE_URL

PACKAGE_VERSION = "1.4"
# 360Giving's codelist of geographic code types, for the GSS prefixes of councils' areas.
GEO_CODE_TYPES = {
    "E06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "E31": "FRA",
    "W06": "UA",
    "S12": "CA",
}
ENGLISH_LOCAL_AUTHORITIES = "GB-LAE"
# The package is sent in pieces of about this many characters.
CHUNK_CHARACTERS = 64 * 1024


def geo_code_type(gss_code: str) -> str | None:
    """Return 360Giving's geographic code type for a GSS code, or None when it has none."""
    return GEO_CODE_TYPES.get(gss_code[:3].upper())


def is_english(gss_code: str, nation: str) -> bool:
    return nation.strip().lower() == "england" or gss_code.upper().startswith("E")


def organisation_identifier(
    *, pk: int, register_code: str, gss_code: str, nation: str, prefix: str
) -> str:
    """Return a 360Giving organisation identifier for an organisation of this service."""
    if register_code and is_english(gss_code, nation):
        return f"{ENGLISH_LOCAL_AUTHORITIES}-{register_code.upper()}"
    return f"{prefix}-ORG-{pk}"


def grant_identifier(reference: str, *, prefix: str) -> str:
    return f"{prefix}-{reference}"


def _location(name: str, gss_code: str) -> dict[str, str]:
    location = {"name": name, "countryCode": "GB", "geoCode": gss_code}
    code_type = geo_code_type(gss_code)
    if code_type:
        location["geoCodeType"] = code_type
    return location


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


SLUG_PLACEHOLDER = "__slug__"


class Links:
    """The full addresses of projects and rounds, each pattern reversed once, not once per
    grant (reversing is most of the time a grant takes to write)."""

    def __init__(self) -> None:
        self.project = absolute_url("funding:project-detail", SLUG_PLACEHOLDER)
        self.round = absolute_url("funding:round-detail", SLUG_PLACEHOLDER)

    def project_url(self, slug: str) -> str:
        return self.project.replace(SLUG_PLACEHOLDER, slug)

    def round_url(self, slug: str) -> str:
        return self.round.replace(SLUG_PLACEHOLDER, slug)


def grant(row: dict[str, Any], *, prefix: str, links: Links, data_source: str) -> dict[str, Any]:
    """Return one 360Giving grant for a row of ``grants_open_data``; ``data_source`` is the
    address of the page that documents the file."""
    lead_name = row["application__lead_organisation__name"]
    lead_gss = row["application__lead_organisation__gss_code"] or ""
    recipient: dict[str, Any] = {
        "id": organisation_identifier(
            pk=row["application__lead_organisation_id"],
            register_code=row["application__lead_organisation__register_code"] or "",
            gss_code=lead_gss,
            nation=row["application__lead_organisation__nation"] or "",
            prefix=prefix,
        ),
        "name": lead_name,
    }
    website = row["application__lead_organisation__website"] or ""
    if website.startswith(("https://", "http://")):
        recipient["url"] = website
    if lead_gss:
        recipient["location"] = [_location(lead_name, lead_gss)]
    locations = [_location(lead_name, lead_gss)] if lead_gss else []
    for name, gss_code in zip(
        row["partner_names"] or [], row["partner_gss_codes"] or [], strict=True
    ):
        if gss_code and gss_code != lead_gss:
            locations.append(_location(name, gss_code))
    programme: dict[str, Any] = {
        "code": row["application__round__slug"],
        "title": row["application__round__name"],
    }
    if row["application__round__is_published"]:
        programme["url"] = links.round_url(row["application__round__slug"])
    awarded_on: date = row["awarded_on"]
    result: dict[str, Any] = {
        "id": grant_identifier(row["application__reference"], prefix=prefix),
        "title": row["title"],
        "description": row["summary"] or row["title"],
        "currency": "GBP",
        "amountAwarded": _amount(row["amount"]),
        "awardDate": awarded_on.isoformat(),
        "url": links.project_url(row["slug"]),
        "recipientOrganization": [recipient],
        "fundingOrganization": [
            {
                "id": settings.THREESIXTYGIVING_FUNDER_ORG_ID,
                "name": settings.THREESIXTYGIVING_FUNDER_NAME,
            }
        ],
        "grantProgramme": [programme],
        "dateModified": row["last_changed"].isoformat(timespec="seconds"),
        "dataSource": data_source,
    }
    if locations:
        result["beneficiaryLocation"] = locations
    planned: dict[str, str] = {}
    if row["planned_start_on"]:
        planned["startDate"] = row["planned_start_on"].isoformat()
    if row["planned_end_on"]:
        planned["endDate"] = row["planned_end_on"].isoformat()
    if planned:
        result["plannedDates"] = [planned]
    return result


def package_header(*, last_changed: datetime | None, documentation_url: str) -> dict[str, Any]:
    """Return the package's metadata: everything but its grants."""
    moment = (last_changed.isoformat(timespec="seconds")) if last_changed else None
    header: dict[str, Any] = {
        "version": PACKAGE_VERSION,
        "title": "Local Digital Fund grants",
        "description": (
            "Every grant of the Local Digital Fund whose round has been announced, except "
            "offers that the lead organisation declined."
        ),
        "identifier": settings.THREESIXTYGIVING_IDENTIFIER_PREFIX,
        "publisher": {
            "identifier": settings.THREESIXTYGIVING_FUNDER_ORG_ID,
            "name": settings.THREESIXTYGIVING_FUNDER_NAME,
            "website": link_on_site("/"),
        },
        "license": LICENCE_URL,
        "downloadURL": absolute_url("funding:threesixtygiving"),
        "accessURL": documentation_url,
    }
    if moment:
        header["issued"] = moment
        header["modified"] = moment
    return header


def package_chunks(rows: Iterable[dict[str, Any]], *, header: dict[str, Any]) -> Iterator[str]:
    """Yield the package as JSON text, a piece at a time: the header's fields, then each
    grant as it is read, so memory does not grow with the number of grants."""
    prefix = settings.THREESIXTYGIVING_IDENTIFIER_PREFIX
    links = Links()
    data_source = absolute_url("funding:open-data")
    opening = json.dumps(header, ensure_ascii=False)
    pieces = [opening[:-1] + ', "grants": [']
    size = len(pieces[0])
    separator = ""
    for row in rows:
        text = separator + json.dumps(
            grant(row, prefix=prefix, links=links, data_source=data_source), ensure_ascii=False
        )
        separator = ", "
        pieces.append(text)
        size += len(text)
        if size >= CHUNK_CHARACTERS:
            yield "".join(pieces)
            pieces, size = [], 0
    pieces.append("]}")
    yield "".join(pieces)
