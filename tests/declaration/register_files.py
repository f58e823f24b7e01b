"""The register of local authorities, as the import reads it: the shared data file, and
copies of it written with lines changed."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.shared_data import shared_data

# mySociety's register, kept beside the repository rather than copied into it.
REGISTER_CSV = shared_data("uk_local_authorities.csv")


def register_rows() -> list[dict[str, str]]:
    with REGISTER_CSV.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def register_text() -> str:
    return REGISTER_CSV.read_text(encoding="utf-8")


def write_register(path: Path, rows: list[dict[str, str]], fieldnames: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def register_with_gss_codes(tmp_path: Path, gss_codes: dict[str, str]) -> Path:
    """Write a copy of the register where each authority in ``gss_codes`` has that GSS code."""
    rows = register_rows()
    for row in rows:
        if row["local-authority-code"] in gss_codes:
            row["gss-code"] = gss_codes[row["local-authority-code"]]
    return write_register(tmp_path / "register.csv", rows, list(rows[0]))


def line_of(code: str) -> int:
    """Return the line of the real register where the authority ``code`` is."""
    for number, line in enumerate(register_text().splitlines(), start=1):
        if line.startswith(f"{code},"):
            return number
    raise AssertionError(f"{code} is not in the register")
