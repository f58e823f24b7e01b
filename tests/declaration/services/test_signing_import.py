"""Importing existing signatories from a CSV file (declaration/services/signing_import.py):
reading it, the dry run line by line, and the import that writes every line or nothing. The
admin's import page is tested in admin/test_signing_import.py."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from declaration.errors import SigningImportConflict, SigningImportFileError
from declaration.models import Signing, SigningStatus
from declaration.services import signing_import
from declaration.services.signing_import import signing_import_rows_parse, signings_import
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    OrganisationFactory,
    SigningFactory,
)
from tests.declaration.support import HEADER
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db


TODAY = datetime.date(2025, 3, 12)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def staff():
    return UserFactory(staff=True)


def rows(text: str):
    return signing_import_rows_parse(content=HEADER + text)


def run(text: str, *, dry_run: bool, staff=None):
    return signings_import(rows=rows(text), imported_by=staff, dry_run=dry_run, source="test.csv")


def errors(result) -> dict[int, str]:
    return {line.line: line.error for line in result.lines if line.error}


class TestSigningImportRowsParse:
    def test_numbers_lines_as_a_spreadsheet_does_and_skips_blank_ones(self):
        parsed = signing_import_rows_parse(
            content="\ufeff" + HEADER + "HCK,2019-01-10,no,Booking\n\n LDS , 2018-07-04 ,Yes,\n"
        )

        assert [
            (row.line, row.organisation, row.signed_on, row.co_publisher) for row in parsed
        ] == [
            (2, "HCK", "2019-01-10", "no"),
            (4, "LDS", "2018-07-04", "Yes"),
        ]
        assert parsed[0].project_title == "Booking"

    def test_reads_the_columns_in_any_order_and_case(self):
        parsed = signing_import_rows_parse(
            content=(
                "Date Signed,Declaration Project Title,CO-PUBLISHER,Register code or name,notes\n"
                "2019-01-10,Booking,no,HCK,ignored\n"
            )
        )

        assert parsed[0].organisation == "HCK"
        assert parsed[0].project_title == "Booking"

    def test_names_the_missing_columns_when_the_header_lacks_some(self):
        with pytest.raises(SigningImportFileError) as raised:
            signing_import_rows_parse(content="register code or name,date\nHCK,2019-01-10\n")

        assert "Missing: “date signed”, “co-publisher”, “declaration project title”." in str(
            raised.value
        )

    @pytest.mark.parametrize("content", ["", HEADER, HEADER + "\n,,,\n"])
    def test_refuses_a_file_with_no_signatories(self, content):
        with pytest.raises(SigningImportFileError):
            signing_import_rows_parse(content=content)

    def test_refuses_a_file_with_too_many_lines(self, monkeypatch):
        monkeypatch.setattr(signing_import, "MAX_LINES", 2)

        with pytest.raises(SigningImportFileError, match="more than 2 signatories"):
            signing_import_rows_parse(content=HEADER + "A,2019-01-01,no,\n" * 3)

    def test_refuses_a_file_whose_stray_quotation_mark_makes_a_cell_too_long(self):
        """An unclosed quote runs on to the end of the file, past the reader's cell limit."""
        content = HEADER + "HCK,2019-01-10,no,Booking\n" + 'LDS,2019-01-10,no,"Bins\n'
        content += "Leeds recycling,2019-01-10,no,Bins\n" * 5_000

        with pytest.raises(SigningImportFileError) as refusal:
            signing_import_rows_parse(content=content)

        assert refusal.value.problems == [
            "The file cannot be read from line 3: a cell is longer than 131,072 characters, "
            'usually because a quotation mark (") opens a cell and is never closed. Correct '
            "the file, save it as CSV and upload it again."
        ]


class TestSigningsImportDryRun:
    def test_reports_what_each_line_will_create_and_writes_nothing(self, hackney, leeds, staff):
        result = run(
            "HCK,2019-01-10,no,Booking\nLeeds City Council,2018-07-04,yes,\n", dry_run=True
        )

        assert result.is_valid
        assert not result.imported
        assert [line.description for line in result.lines] == [
            "A published signing for London Borough of Hackney, signed on 10 January 2019.",
            "A published signing for Leeds City Council, signed on 4 July 2018 as a co-publisher.",
        ]
        assert not Signing.objects.exists()
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize(
        "given",
        ["HCK", "hck", "London Borough of Hackney", "hackney", "  LONDON  borough of hackney "],
    )
    def test_finds_the_organisation_by_register_code_name_or_other_name(self, hackney, given):
        result = run(f"{given},2019-01-10,no,\n", dry_run=True)

        assert result.is_valid
        assert result.lines[0].organisation_name == "London Borough of Hackney"

    def test_reports_an_unknown_organisation(self, hackney):
        result = run("Ambridge Parish Council,2019-01-10,no,\n,2019-01-10,no,\n", dry_run=True)

        assert errors(result) == {
            2: "Unknown organisation: no organisation has the register code or name "
            "“Ambridge Parish Council”.",
            3: "Unknown organisation: the line gives no register code or name.",
        }

    def test_reports_an_ambiguous_name(self):
        OrganisationFactory(
            name="Somerset County Council", slug="somerset-som", register_code="SOM"
        )
        OrganisationFactory(
            name="Somerset County Council", slug="somerset-smt", register_code="SMT"
        )

        result = run("Somerset County Council,2019-01-10,no,\nSMT,2019-01-10,no,\n", dry_run=True)

        assert errors(result) == {
            2: "Ambiguous name: “Somerset County Council” could be Somerset County Council "
            "(SMT); Somerset County Council (SOM). Give the register code."
        }

    @pytest.mark.parametrize(
        "date, error",
        [
            ("10/01/2019", "Bad date: “10/01/2019” is not a date written as YYYY-MM-DD"),
            ("2019-02-30", "Bad date: “2019-02-30” is not a date written as YYYY-MM-DD"),
            ("20190110", "Bad date: “20190110” is not a date written as YYYY-MM-DD"),
            ("", "Bad date: “” is not a date written as YYYY-MM-DD"),
            ("2018-07-03", "Bad date: 2018-07-03 is before the Declaration was launched"),
            ("2025-03-13", "Bad date: 2025-03-13 is in the future."),
        ],
    )
    def test_reports_a_bad_date(self, hackney, date, error):
        result = run(f"HCK,{date},no,\n", dry_run=True)

        assert errors(result)[2].startswith(error)

    def test_reports_a_co_publisher_that_signed_on_another_day(self, hackney):
        result = run("HCK,2019-01-10,yes,\n", dry_run=True)

        assert errors(result) == {
            2: "Bad date: co-publishers signed on 2018-07-04, the day the Declaration was launched."
        }

    def test_reports_a_co_publisher_column_that_is_not_yes_or_no(self, hackney):
        result = run("HCK,2019-01-10,maybe,\n", dry_run=True)

        assert errors(result) == {2: "Bad co-publisher: write “yes” or “no”, not “maybe”."}

    def test_reports_a_project_title_that_is_too_long(self, hackney):
        result = run(f"HCK,2019-01-10,no,{'x' * 201}\n", dry_run=True)

        assert "longer than 200 characters" in errors(result)[2]

    @pytest.mark.parametrize(
        "state, error",
        [
            ({}, "Already signed: London Borough of Hackney signed on 1 February 2020"),
            (
                {"submitted": True},
                "Already signed: London Borough of Hackney is waiting for checks",
            ),
        ],
    )
    def test_reports_an_organisation_that_has_signed_or_is_waiting(self, hackney, state, error):
        SigningFactory(organisation=hackney, signed_on=datetime.date(2020, 2, 1), **state)

        result = run("HCK,2019-01-10,no,\n", dry_run=True)

        assert errors(result)[2].startswith(error)

    @pytest.mark.parametrize("state", ["rejected", "withdrawn", "unpublished", "draft"])
    def test_accepts_an_organisation_whose_earlier_signing_is_not_live(self, hackney, state):
        SigningFactory(organisation=hackney, **{state: True})

        assert run("HCK,2019-01-10,no,\n", dry_run=True).is_valid

    def test_reports_a_duplicate_line_whatever_name_it_uses(self, hackney):
        result = run("HCK,2019-01-10,no,\nHackney,2019-01-10,no,\n", dry_run=True)

        assert errors(result) == {
            3: "Duplicate line: London Borough of Hackney is already on line 2."
        }


class TestSigningsImport:
    def test_creates_published_signings_with_no_signer_and_audits_once(self, hackney, leeds, staff):
        result = run(
            "HCK,2019-01-10,no,Reusable booking\nLDS,2018-07-04,yes,\n", dry_run=False, staff=staff
        )

        assert result.imported
        hackney_signing = Signing.objects.get(organisation=hackney)
        assert hackney_signing.status == SigningStatus.PUBLISHED
        assert hackney_signing.signer is None
        assert hackney_signing.signed_on == datetime.date(2019, 1, 10)
        assert hackney_signing.project_title == "Reusable booking"
        assert not hackney_signing.co_publisher
        assert hackney_signing.published_by == staff
        assert hackney_signing.version.number == 1
        leeds_signing = Signing.objects.get(organisation=leeds)
        assert leeds_signing.co_publisher
        assert leeds_signing.signed_on == datetime.date(2018, 7, 4)
        # Published at the start of the day signed in London (midnight BST is 23:00 UTC),
        # so anniversaries and the order of publication follow the date signed.
        assert hackney_signing.published_at == datetime.datetime(2019, 1, 10, tzinfo=datetime.UTC)
        assert leeds_signing.published_at == datetime.datetime(2018, 7, 3, 23, tzinfo=datetime.UTC)
        (event,) = AuditEvent.objects.all()
        assert event.verb == "declaration.signing.imported"
        assert event.actor == staff
        assert event.data["count"] == 2
        assert event.data["source"] == "test.csv"
        assert sorted(event.data["references"]) == sorted(
            [hackney_signing.reference, leeds_signing.reference]
        )
        assert not OutgoingEmail.objects.exists()

    def test_records_the_version_current_on_the_date_signed(self, hackney, leeds):
        DeclarationVersionFactory(number=2, published_on=datetime.date(2021, 1, 1))

        run("HCK,2020-12-31,no,\nLDS,2021-01-01,no,\n", dry_run=False)

        assert Signing.objects.get(organisation=hackney).version.number == 1
        assert Signing.objects.get(organisation=leeds).version.number == 2

    def test_writes_nothing_when_any_line_is_invalid(self, hackney, leeds):
        result = run("HCK,2019-01-10,no,\nLDS,not a date,no,\n", dry_run=False)

        assert not result.imported
        assert not result.is_valid
        assert result.error_count == 1
        assert not Signing.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_checks_every_line_again_when_importing(self, hackney, leeds):
        """The organisation signed between the preview and the import: nothing is written."""
        checked = rows("HCK,2019-01-10,no,\nLDS,2019-01-10,no,\n")
        assert signings_import(rows=checked, imported_by=None, dry_run=True).is_valid
        SigningFactory(organisation=leeds, submitted=True)

        result = signings_import(rows=checked, imported_by=None, dry_run=False)

        assert not result.imported
        assert errors(result)[3].startswith("Already signed: Leeds City Council")
        assert not Signing.objects.filter(organisation=hackney).exists()

    def test_writes_nothing_when_the_audit_fails(self, hackney, monkeypatch):
        audit_break(monkeypatch, signing_import)

        with pytest.raises(IntegrityError):
            run("HCK,2019-01-10,no,\n", dry_run=False)

        assert not Signing.objects.exists()

    def test_raises_a_conflict_and_writes_nothing_when_a_signing_is_saved_meanwhile(
        self, hackney, leeds, monkeypatch
    ):
        """A signer submitted while the import ran, after its check: the constraint catches it."""
        real = signing_import.selectors.live_signings_by_organisation

        def signed_meanwhile(**kwargs):
            found = real(**kwargs)
            SigningFactory(organisation=leeds, submitted=True)
            return found

        monkeypatch.setattr(
            signing_import.selectors, "live_signings_by_organisation", signed_meanwhile
        )

        with pytest.raises(SigningImportConflict):
            run("HCK,2019-01-10,no,\nLDS,2019-01-10,no,\n", dry_run=False)

        assert not Signing.objects.filter(organisation=hackney).exists()
