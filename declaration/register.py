"""Read and check mySociety's register of local authorities, a CSV file.

Nothing here touches the database: the file is fetched, parsed and checked as a whole, so
that ``services.organisations_import_register`` writes only what a sound file describes.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import RegisterFileError
from .models import OrganisationType

REQUIRED_COLUMNS = (
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "end-date",
    "replaced-by",
    "nation",
    "region",
    "local-authority-type",
    "county-la",
    "combined-authority",
    "alt-names",
)
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{0,7}")
GSS_CODE_PATTERN = re.compile(r"[A-Z][0-9]{8}")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Names in alt-names are separated by a bare comma; a comma followed by a space is part of
# a name, as in "Kingston upon Hull, City of".
ALT_NAMES_SEPARATOR = re.compile(r",(?! )")
FETCH_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class RegisterEntry:
    """One authority from the register, checked and tidied."""

    line: int
    code: str
    name: str
    nice_name: str
    alternative_names: tuple[str, ...]
    organisation_type: str
    gss_code: str
    region: str
    nation: str
    parent_county_code: str
    combined_authority_code: str
    replaced_by_codes: tuple[str, ...]
    closed_on: date | None


def register_csv_read(*, location: str) -> str:
    """Return the text of the register at ``location``, a file path or an http(s) URL."""
    scheme = urllib.parse.urlsplit(location).scheme.lower()
    if scheme in {"http", "https"}:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            location, headers={"User-Agent": "Local Digital register import"}
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 - the scheme is checked above
                request, timeout=FETCH_TIMEOUT_SECONDS
            ) as response:
                content = response.read()
        except urllib.error.HTTPError as error:
            error.close()
            raise RegisterFileError(
                [f"Could not download {location}: the server answered {error.code} {error.reason}."]
            ) from error
        except (urllib.error.URLError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            raise RegisterFileError([f"Could not download {location}: {reason}."]) from error
    else:
        try:
            content = Path(location).read_bytes()
        except OSError as error:
            raise RegisterFileError(
                [f"Could not read {location}: {error.strerror or error}."]
            ) from error
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegisterFileError([f"{location} is not UTF-8 text."]) from error


def register_entries_parse(*, csv_text: str) -> list[RegisterEntry]:
    """Return every authority in the register's CSV text, of every nation.

    Raise ``RegisterFileError`` listing every problem found: missing columns, rows of the
    wrong length, empty or malformed codes, duplicate codes or GSS codes, unknown types,
    bad dates, and links (``county-la``, ``combined-authority``, ``replaced-by``) to codes
    that are not in the file.
    """
    reader = csv.DictReader(io.StringIO(csv_text, newline=""))
    header = reader.fieldnames
    if not header:
        raise RegisterFileError(["The file is empty."])
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RegisterFileError(
            [
                f"Line 1: the header has no {_join(missing)} column"
                f"{'s' if len(missing) > 1 else ''}. Is this mySociety's register of "
                "local authorities?"
            ]
        )
    problems: list[str] = []
    entries: list[RegisterEntry] = []
    lines_by_code: dict[str, int] = {}
    lines_by_gss_code: dict[str, int] = {}
    codes_in_file: set[str] = set()
    for row in reader:
        line = reader.line_num
        if None in row or None in row.values():
            problems.append(
                f"Line {line}: it has {_field_count(row)} fields, the header has {len(header)}."
            )
            continue
        # A row with other problems still names its code, for the links to it.
        codes_in_file.add(row["local-authority-code"].strip())
        entry, row_problems = _entry_from_row(row, line=line)
        problems.extend(row_problems)
        if entry is None:
            continue
        if entry.code in lines_by_code:
            problems.append(
                f"Line {line}: code {entry.code} is already used on line "
                f"{lines_by_code[entry.code]}."
            )
            continue
        lines_by_code[entry.code] = line
        if entry.gss_code:
            if entry.gss_code in lines_by_gss_code:
                problems.append(
                    f"Line {line}: GSS code {entry.gss_code} is already used on line "
                    f"{lines_by_gss_code[entry.gss_code]}."
                )
            lines_by_gss_code.setdefault(entry.gss_code, line)
        entries.append(entry)
    for entry in entries:
        problems.extend(_unknown_links(entry, known_codes=codes_in_file))
    if not entries and not problems:
        problems.append("The file has a header but no authorities.")
    if problems:
        raise RegisterFileError(problems)
    return entries


def _entry_from_row(row: Mapping[str, str], *, line: int) -> tuple[RegisterEntry | None, list[str]]:
    values = {key: value.strip() for key, value in row.items()}
    code = values["local-authority-code"]
    name = values["official-name"]
    problems: list[str] = []
    if not CODE_PATTERN.fullmatch(code):
        problems.append(
            f"Line {line}: local-authority-code {code!r} is not 1 to 8 capital letters, "
            "digits or hyphens."
        )
    if not name:
        problems.append(f"Line {line}: official-name is empty.")
    type_code = values["local-authority-type"]
    known_types = sorted(str(t) for t in OrganisationType.local_authority_types())
    if type_code not in known_types:
        problems.append(
            f"Line {line}: local-authority-type {type_code!r} is not one of "
            f"{', '.join(known_types)}."
        )
    gss_code = values["gss-code"]
    if gss_code and not GSS_CODE_PATTERN.fullmatch(gss_code):
        problems.append(f"Line {line}: gss-code {gss_code!r} is not a letter and 8 digits.")
    start_date = _date(
        values.get("start-date", ""), column="start-date", line=line, problems=problems
    )
    end_date = _date(values["end-date"], column="end-date", line=line, problems=problems)
    if start_date and end_date and end_date < start_date:
        problems.append(f"Line {line}: end-date {end_date} is before start-date {start_date}.")
    if problems:
        return None, problems
    nice_name = values["nice-name"]
    return (
        RegisterEntry(
            line=line,
            code=code,
            name=name,
            nice_name=nice_name or name,
            alternative_names=_alternative_names(
                [nice_name, *ALT_NAMES_SEPARATOR.split(values["alt-names"])], name=name
            ),
            organisation_type=type_code,
            gss_code=gss_code,
            region=values["region"],
            nation=values["nation"],
            parent_county_code=values["county-la"],
            combined_authority_code=values["combined-authority"],
            replaced_by_codes=tuple(
                successor.strip()
                for successor in values["replaced-by"].split(",")
                if successor.strip()
            ),
            closed_on=end_date,
        ),
        [],
    )


def _alternative_names(candidates: Iterable[str], *, name: str) -> tuple[str, ...]:
    """Return the candidates once each, ignoring case, leaving out blanks and ``name``."""
    seen = {name.casefold()}
    names = []
    for candidate in (c.strip() for c in candidates):
        if candidate and candidate.casefold() not in seen:
            seen.add(candidate.casefold())
            names.append(candidate)
    return tuple(names)


def _date(value: str, *, column: str, line: int, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        if not DATE_PATTERN.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"Line {line}: {column} {value!r} is not a date in the form YYYY-MM-DD.")
        return None


def _unknown_links(entry: RegisterEntry, *, known_codes: set[str]) -> list[str]:
    links = [
        ("county-la", entry.parent_county_code),
        ("combined-authority", entry.combined_authority_code),
        *(("replaced-by", code) for code in entry.replaced_by_codes),
    ]
    return [
        f"Line {entry.line}: {column} {code} is not a local-authority-code in the file."
        for column, code in links
        if code and code not in known_codes
    ]


def _field_count(row: Mapping[str | None, object]) -> int:
    extra = row.get(None)
    present = [value for key, value in row.items() if key is not None and value is not None]
    return len(present) + (len(extra) if isinstance(extra, list) else 0)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
