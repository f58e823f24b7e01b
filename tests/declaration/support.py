"""Helpers the Declaration's tests share."""

from __future__ import annotations

import csv
from pathlib import Path

from django.urls import reverse
from pytest_django.asserts import assertContains

from declaration.models import Signing
from tests.declaration.factories import SigningFactory
from tests.shared_data import shared_data

ERROR_SUMMARY = '<div class="govuk-error-summary" data-module="govuk-error-summary">'


def step_url(step: str, signing: Signing) -> str:
    """Return the address of one step of the signing journey for ``signing``."""
    return reverse(f"declaration:sign-{step}", args=[signing.reference])


def assert_error(response, message: str) -> None:
    """The page is shown again with a GOV.UK error summary naming ``message``, no 500."""
    assert response.status_code == 200
    assertContains(response, ERROR_SUMMARY)
    assertContains(response, message)
    assert response.content.decode().count(message) >= 2, "in the summary and by the field"
    assertContains(response, "<title>Error: ")


def complete_draft(**kwargs) -> Signing:
    """A draft answering every question (the factory fills them), for a listed organisation."""
    return SigningFactory.create(draft=True, **kwargs)


OTHER_STATES = ["draft", "submitted", "published", "rejected", "withdrawn", "unpublished"]


def signing_in(state: str, **kwargs) -> Signing:
    """Return a new signing in ``state``, one of ``OTHER_STATES`` or "published"."""
    traits = {} if state == "published" else {state: True}
    return SigningFactory.create(**traits, **kwargs)


def snapshot(signing: Signing) -> dict:
    """Return every field of the signing as saved, to show that nothing changed."""
    saved = Signing.objects.get(pk=signing.pk)
    return {field.attname: getattr(saved, field.attname) for field in Signing._meta.fields}


SIGNINGS = reverse("admin:declaration_signing_changelist")


def status_of(signing: Signing) -> str:
    return Signing.objects.get(pk=signing.pk).status


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
