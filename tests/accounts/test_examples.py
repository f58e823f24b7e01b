"""Every hint and error message gives the same example addresses: name@example.gov.uk for
an email address, and https://www.example.gov.uk for a website. Sign-in and the newsletter
said one, signing and applications another."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from tests.declaration.factories import SigningFactory

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("declaration", "funding", "training", "localdigital")
EMAIL_EXAMPLE = re.compile(r"\bname@([\w-]+(?:\.[\w-]+)+)")
WEBSITE_EXAMPLE = re.compile(r"(?:like|For example,?)\s+https?://www\.([\w-]+(?:\.[\w-]+)+)")


def python_strings() -> Iterator[tuple[str, str]]:
    """Yield (file, text) for every string in the service's Python, with strings written
    across lines joined, as Python joins them."""
    for directory in SOURCES:
        for path in sorted((REPO / directory).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield str(path.relative_to(REPO)), node.value


def template_texts() -> Iterator[tuple[str, str]]:
    for path in sorted((REPO / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"}:
            yield str(path.relative_to(REPO)), path.read_text()


def examples(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    return [
        (where, match.rstrip("."))
        for where, text in [*python_strings(), *template_texts()]
        for match in pattern.findall(text)
    ]


def test_every_example_email_address_is_name_at_example_gov_uk():
    found = examples(EMAIL_EXAMPLE)

    assert found, "the scan found no examples at all"
    assert [(where, domain) for where, domain in found if domain != "example.gov.uk"] == []


def test_every_example_website_is_www_example_gov_uk():
    found = examples(WEBSITE_EXAMPLE)

    assert found, "the scan found no examples at all"
    assert [(where, domain) for where, domain in found if domain != "example.gov.uk"] == []


@pytest.mark.django_db
class TestTheSameExampleOnEveryPage:
    def test_on_sign_in(self, client):
        response = client.post(reverse("accounts:sign-in"), {"email": "someone at council"})

        assert "like name@example.gov.uk" in response.text

    def test_on_signing(self, client):
        signing = SigningFactory(draft=True)
        client.force_login(signing.signer)

        response = client.post(
            reverse("declaration:sign-digital-lead", args=[signing.reference]),
            {
                "digital_lead_name": "Ada Lovelace",
                "digital_lead_job_title": "Head of digital",
                "digital_lead_email": "ada at borsetshire",
            },
        )
        details = client.get(
            reverse("declaration:sign-organisation-details", args=[signing.reference])
        )

        assert "like name@example.gov.uk" in response.text
        assert "For example, https://www.example.gov.uk" in details.text

    def test_on_the_newsletter(self, client):
        response = client.post(reverse("newsletter:subscribe"), {"email": "someone at council"})

        assert "like name@example.gov.uk" in response.text
