"""Importing signatories who signed before this service existed, from a CSV file.

The file has one signatory a line, in four columns: ``register code or name``, ``date
signed`` (YYYY-MM-DD), ``co-publisher`` (yes or no) and ``declaration project title``. Staff
upload it, see a dry run line by line, then import it: every line, or nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from declaration.services.signing_import_matching import (
    _date_read,
    _OrganisationMatcher,
    _start_of_day,
    _version_on,
)
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import calendar_date
from localdigital.locks import advisory_lock_take, lock_register
from localdigital.public_cache import content_changed

from ..errors import SigningImportConflict, SigningImportFileError
from ..models import Organisation, Signing, SigningStatus
from ..selectors import moderation as selectors
from .moderation import CO_PUBLISHED_ON

COLUMN_ORGANISATION = "register code or name"
COLUMN_SIGNED_ON = "date signed"
COLUMN_CO_PUBLISHER = "co-publisher"
COLUMN_PROJECT_TITLE = "declaration project title"
COLUMNS = (COLUMN_ORGANISATION, COLUMN_SIGNED_ON, COLUMN_CO_PUBLISHER, COLUMN_PROJECT_TITLE)
MAX_LINES = 5_000
PROJECT_TITLE_MAX_LENGTH = Signing._meta.get_field("project_title").max_length or 200
# Two imports at once could both find an organisation unsigned; this lock serialises them.
SIGNING_IMPORT_LOCK = lock_register("declaration.signing_import")
YES, NO = "yes", "no"


@dataclass(frozen=True)
class SigningImportRow:
    """One line of the file, as written."""

    line: int
    organisation: str
    signed_on: str
    co_publisher: str
    project_title: str


@dataclass(frozen=True)
class SigningImportLine:
    """What the import makes of one line: the signing it will create, or what is wrong."""

    line: int
    given: str
    organisation_name: str = ""
    signed_on: datetime.date | None = None
    co_publisher: bool = False
    project_title: str = ""
    error: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.error

    @property
    def description(self) -> str:
        """Return the published signing this line makes, in words, or its error."""
        if self.error:
            return self.error
        signed_on = calendar_date(self.signed_on) if self.signed_on else ""
        role = " as a co-publisher" if self.co_publisher else ""
        return f"A published signing for {self.organisation_name}, signed on {signed_on}{role}."


@dataclass(frozen=True)
class SigningImportResult:
    """Every line's outcome, and whether the signings were written."""

    lines: tuple[SigningImportLine, ...]
    imported: bool

    @property
    def is_valid(self) -> bool:
        return bool(self.lines) and all(line.is_valid for line in self.lines)

    @property
    def error_count(self) -> int:
        return sum(not line.is_valid for line in self.lines)


def signing_import_rows_parse(*, content: str) -> list[SigningImportRow]:
    """Return the lines of a CSV file of signatories, numbered as a spreadsheet shows them.

    The header names the four columns, in any order and case; other columns are ignored.
    Blank lines are skipped. Raise ``SigningImportFileError`` for a file with a column
    missing, no signatories, more than ``MAX_LINES`` of them, or that is not valid CSV (a
    stray quotation mark, say, which makes the rest of the file one overlong cell).
    """
    records = _records(content.removeprefix("\ufeff"))
    first = next(records, None)
    if first is None:
        raise SigningImportFileError(["The file is empty."])
    _, header = first
    positions = {name.strip().lower(): index for index, name in enumerate(header)}
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        raise SigningImportFileError(
            [
                "The first line must name the columns "
                + ", ".join(f"“{column}”" for column in COLUMNS)
                + ". Missing: "
                + ", ".join(f"“{column}”" for column in missing)
                + "."
            ]
        )

    def cell(values: list[str], column: str) -> str:
        index = positions[column]
        return values[index].strip() if index < len(values) else ""

    rows = []
    for line, values in records:
        if not any(value.strip() for value in values):
            continue
        rows.append(
            SigningImportRow(
                line=line,
                organisation=cell(values, COLUMN_ORGANISATION),
                signed_on=cell(values, COLUMN_SIGNED_ON),
                co_publisher=cell(values, COLUMN_CO_PUBLISHER),
                project_title=cell(values, COLUMN_PROJECT_TITLE),
            )
        )
        if len(rows) > MAX_LINES:
            raise SigningImportFileError(
                [
                    f"The file has more than {MAX_LINES:,} signatories: "
                    "split it, and import each part."
                ]
            )
    if not rows:
        raise SigningImportFileError(["The file has no signatories under its first line."])
    return rows


def _records(content: str) -> Iterator[tuple[int, list[str]]]:
    """Yield each record of the CSV text, with the number of the line it ends on.

    Raise ``SigningImportFileError``, naming the line it starts on, for a record that is not
    valid CSV: Python's reader refuses a cell longer than ``csv.field_size_limit()``, which
    is what a quotation mark opened and never closed makes of the rest of a file.
    """
    reader = csv.reader(io.StringIO(content))
    while True:
        starts_on = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                why = (
                    f"a cell is longer than {csv.field_size_limit():,} characters, usually "
                    'because a quotation mark (") opens a cell and is never closed'
                )
            else:
                why = f"it is not valid CSV ({error})"
            raise SigningImportFileError(
                [
                    f"The file cannot be read from line {starts_on}: {why}. Correct the file, "
                    "save it as CSV and upload it again."
                ]
            ) from error
        yield reader.line_num, values


def signings_import(
    *,
    rows: Sequence[SigningImportRow],
    imported_by: User | None,
    dry_run: bool,
    source: str = "",
) -> SigningImportResult:
    """Check every line, and unless ``dry_run``, create a published signing for each.

    A line names an organisation by its register code or its name (or one of its other
    names), and gives the date it signed, whether it was a co-publisher and its declaration
    project's title. It is invalid if the organisation is unknown, or its name matches more
    than one; if the date is not YYYY-MM-DD, is before the Declaration was launched or is
    still to come; if a co-publisher's date is not 4 July 2018; if the organisation has a
    pending or published signing already, or appears on an earlier line.

    Imported signings are published, signed on the date given, of the version current then,
    with no signer. Their publication time is the start of the day they signed, in London
    (``created_at`` says when they were imported): so their yearly reminders fall on the
    anniversaries of signing, not all on the anniversary of the import, and they sort among
    other signatories by the day they signed. Every line is checked again when importing,
    and if any is invalid nothing is written. The import is one transaction with one audit
    event. Raise ``SigningImportConflict`` if a signing for one of the organisations is saved
    while it runs.
    """
    try:
        return _signings_import(rows=rows, imported_by=imported_by, dry_run=dry_run, source=source)
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if constraint != "declaration_signing_one_live_per_organisation":
            raise
        raise SigningImportConflict(
            "One of these organisations signed while the import ran, so nothing was imported. "
            "Upload the file again to see which."
        ) from error


def _signings_import(
    *, rows: Sequence[SigningImportRow], imported_by: User | None, dry_run: bool, source: str
) -> SigningImportResult:
    with transaction.atomic():
        if not dry_run:
            advisory_lock_take(SIGNING_IMPORT_LOCK, wait=True)
        matcher = _OrganisationMatcher(selectors.organisations_for_signing_import())
        matches = [matcher.match(row.organisation) for row in rows]
        live = selectors.live_signings_by_organisation(
            organisation_ids={match.pk for match in matches if isinstance(match, Organisation)}
        )
        first_line: dict[int, int] = {}
        lines = []
        organisations: dict[int, Organisation] = {}
        for row, match in zip(rows, matches, strict=True):
            line = _line_check(row, match, live=live, first_line=first_line)
            lines.append(line)
            if line.is_valid and isinstance(match, Organisation):
                organisations[row.line] = match
        result = SigningImportResult(lines=tuple(lines), imported=False)
        if dry_run or not result.is_valid:
            return result
        versions = selectors.published_versions()
        now = timezone.now()
        signings = Signing.objects.bulk_create(
            [
                Signing(
                    status=SigningStatus.PUBLISHED,
                    organisation=organisations[line.line],
                    signer=None,
                    project_title=line.project_title,
                    signed_on=line.signed_on,
                    co_publisher=line.co_publisher,
                    version=_version_on(versions, line.signed_on),
                    created_at=now,
                    published_at=_start_of_day(line.signed_on),
                    published_by=imported_by,
                )
                for line in lines
            ]
        )
        content_changed("declaration")
        audit_record(
            actor=imported_by,
            verb="declaration.signing.imported",
            target=None,
            data={
                "source": source,
                "count": len(signings),
                "references": [signing.reference for signing in signings],
            },
        )
    return SigningImportResult(lines=tuple(lines), imported=True)


def _line_check(
    row: SigningImportRow,
    match: Organisation | str,
    *,
    live: dict[int, Signing],
    first_line: dict[int, int],
) -> SigningImportLine:
    """Return the line's signing, or its first error."""
    invalid = SigningImportLine(line=row.line, given=row.organisation)
    if isinstance(match, str):
        return _with_error(invalid, match)
    organisation = match
    invalid = SigningImportLine(
        line=row.line, given=row.organisation, organisation_name=organisation.name
    )
    if organisation.pk in first_line:
        return _with_error(
            invalid,
            f"Duplicate line: {organisation.name} is already on line "
            f"{first_line[organisation.pk]}.",
        )
    first_line[organisation.pk] = row.line
    if organisation.pk in live:
        signing = live[organisation.pk]
        state = (
            f"signed on {calendar_date(signing.signed_on)}"
            if signing.status != SigningStatus.SUBMITTED and signing.signed_on is not None
            else "is waiting for checks"
        )
        return _with_error(
            invalid,
            f"Already signed: {organisation.name} {state} (reference {signing.reference}).",
        )
    signed_on = _date_read(row.signed_on)
    if isinstance(signed_on, str):
        return _with_error(invalid, signed_on)
    co_publisher = row.co_publisher.strip().lower()
    if co_publisher not in (YES, NO):
        return _with_error(
            invalid, f"Bad co-publisher: write “yes” or “no”, not “{row.co_publisher}”."
        )
    if co_publisher == YES and signed_on != CO_PUBLISHED_ON:
        return _with_error(
            invalid,
            f"Bad date: co-publishers signed on {CO_PUBLISHED_ON.isoformat()}, "
            "the day the Declaration was launched.",
        )
    if len(row.project_title) > PROJECT_TITLE_MAX_LENGTH:
        return _with_error(
            invalid,
            f"The declaration project title is longer than {PROJECT_TITLE_MAX_LENGTH} characters.",
        )
    return SigningImportLine(
        line=row.line,
        given=row.organisation,
        organisation_name=organisation.name,
        signed_on=signed_on,
        co_publisher=co_publisher == YES,
        project_title=row.project_title,
    )


def _with_error(line: SigningImportLine, error: str) -> SigningImportLine:
    return SigningImportLine(
        line=line.line, given=line.given, organisation_name=line.organisation_name, error=error
    )
