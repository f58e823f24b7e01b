"""manage.py import_organisations: the register from a file or a URL, a dry run, and what it
reports."""

import functools
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from declaration.errors import RegisterFileError
from declaration.models import Organisation
from declaration.register import register_entries_parse
from declaration.services import register as register_services
from tests.declaration.factories import OrganisationFactory
from tests.declaration.register_files import (
    REGISTER_CSV,
    line_of,
    register_rows,
    register_text,
    register_with_gss_codes,
    write_register,
)

pytestmark = pytest.mark.django_db


def import_command(location: str) -> str:
    out = io.StringIO()
    call_command("import_organisations", location, stdout=out)
    return out.getvalue()


def malformed_register(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """Write a copy of the register broken in one way; return it and the expected message."""
    lines = register_text().splitlines(keepends=True)
    bir = line_of("BIR")
    all_ = line_of("ALL")
    match kind:
        case "missing column":
            rows = register_rows()
            fieldnames = [name for name in rows[0] if name != "official-name"]
            for row in rows:
                del row["official-name"]
            path = write_register(tmp_path / "register.csv", rows, fieldnames)
            return path, "Line 1: the header has no official-name column"
        case "duplicate code":
            lines.append(lines[bir - 1].replace("E08000025", "E08999999"))
            message = f"Line {len(lines)}: code BIR is already used on line {bir}."
        case "duplicate GSS code":
            lines.append(lines[bir - 1].replace("BIR,", "ZZBIR,", 1))
            message = f"Line {len(lines)}: GSS code E08000025 is already used on line {bir}."
        case "bad date":
            lines[all_ - 1] = lines[all_ - 1].replace("2023-04-01", "01/04/2023")
            message = f"Line {all_}: end-date '01/04/2023' is not a date in the form YYYY-MM-DD."
        case "impossible date":
            lines[all_ - 1] = lines[all_ - 1].replace("2023-04-01", "2023-02-30")
            message = f"Line {all_}: end-date '2023-02-30' is not a date"
        case "unknown type":
            lines[bir - 1] = lines[bir - 1].replace(",MD,", ",MET,", 1)
            message = f"Line {bir}: local-authority-type 'MET' is not one of CC, COMB, CTY"
        case "unknown link":
            lines[all_ - 1] = lines[all_ - 1].replace(",CBD,", ",ZZZ,", 1)
            message = f"Line {all_}: replaced-by ZZZ is not a local-authority-code in the file."
        case "short row":
            lines[bir - 1] = "BIR,Birmingham City Council,Birmingham\n"
            message = f"Line {bir}: it has 3 fields, the header has 38."
        case "empty":
            lines = []
            message = "The file is empty."
        case _:
            raise AssertionError(kind)
    path = tmp_path / "register.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path, message


MALFORMED_KINDS = [
    "missing column",
    "duplicate code",
    "duplicate GSS code",
    "bad date",
    "impossible date",
    "unknown type",
    "unknown link",
    "short row",
    "empty",
]


class TestImportOrganisationsCommand:
    def test_prints_the_counts_when_importing_the_real_register(self):
        output = import_command(str(REGISTER_CSV))

        assert output.splitlines() == [
            "English authorities in the register: 380",
            "Created: 380",
            "Updated: 0",
            "Unchanged: 0",
            "Closed (ended authorities marked closed by this import): 48",
        ]

    def test_prints_no_changes_when_run_again(self):
        import_command(str(REGISTER_CSV))

        output = import_command(str(REGISTER_CSV))

        assert "Created: 0\nUpdated: 0\nUnchanged: 380\n" in output
        assert "import): 0" in output

    @pytest.mark.parametrize("kind", MALFORMED_KINDS)
    def test_writes_nothing_and_names_the_line_when_the_file_is_malformed(self, tmp_path, kind):
        path, message = malformed_register(tmp_path, kind)

        with pytest.raises(CommandError) as raised:
            import_command(str(path))

        assert f"Nothing was imported from {path}" in str(raised.value)
        assert message in str(raised.value)
        assert not Organisation.objects.exists()

    def test_leaves_earlier_imports_alone_when_a_later_file_is_malformed(self, tmp_path):
        import_command(str(REGISTER_CSV))
        path, _ = malformed_register(tmp_path, "unknown type")

        with pytest.raises(CommandError):
            import_command(str(path))

        assert Organisation.objects.count() == 380
        assert Organisation.objects.get(register_code="BIR").organisation_type == "MD"

    def test_lists_every_problem_when_a_file_has_several(self, tmp_path):
        text = register_text().replace(",MD,", ",MET,")

        with pytest.raises(RegisterFileError) as raised:
            register_entries_parse(csv_text=text)

        assert len(raised.value.problems) == 36
        assert "… and 16 more." in str(raised.value)

    def test_prints_the_counts_when_two_authorities_swap_gss_codes(self, tmp_path):
        import_command(str(REGISTER_CSV))
        swapped = register_with_gss_codes(tmp_path, {"BIR": "E08000003", "MAN": "E08000025"})

        output = import_command(str(swapped))

        assert "Updated: 2\n" in output

    def test_prints_a_clear_message_not_a_traceback_when_a_save_breaks_a_unique_code(
        self, monkeypatch
    ):
        OrganisationFactory(name="Somewhere Else", register_code="", gss_code="E08000025")
        monkeypatch.setattr(register_services, "_check_gss_codes_are_free", lambda entries: None)

        with pytest.raises(CommandError) as raised:
            import_command(str(REGISTER_CSV))

        assert str(raised.value).startswith(f"Nothing was imported from {REGISTER_CSV}:\n")
        assert "a GSS code, register code or slug in it belongs to another organisation" in str(
            raised.value
        )
        assert Organisation.objects.count() == 1

    def test_says_so_when_the_file_does_not_exist(self, tmp_path):
        with pytest.raises(CommandError, match=r"Could not read .*missing\.csv: No such file"):
            import_command(str(tmp_path / "missing.csv"))


class RegisterHandler(http.server.BaseHTTPRequestHandler):
    """Serve the register at /register.csv, and nothing else."""

    def do_GET(self) -> None:
        if self.path != "/register.csv":
            self.send_error(404)
            return
        body = REGISTER_CSV.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def register_server() -> Iterator[str]:
    """Serve the register over HTTP on this machine, and return the server's base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RegisterHandler)
    thread = threading.Thread(
        target=functools.partial(server.serve_forever, poll_interval=0.05), daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class TestImportOrganisationsFromUrl:
    def test_imports_the_register_when_given_a_url(self, register_server):
        output = import_command(f"{register_server}/register.csv")

        assert "Created: 380" in output
        assert Organisation.objects.get(register_code="BIR").region == "West Midlands"

    def test_writes_nothing_and_says_why_when_the_url_is_not_found(self, register_server):
        with pytest.raises(CommandError, match="the server answered 404"):
            import_command(f"{register_server}/missing.csv")

        assert not Organisation.objects.exists()
