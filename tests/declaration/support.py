"""Helpers the Declaration's tests share."""

from __future__ import annotations

from django.urls import reverse
from pytest_django.asserts import assertContains

from declaration.models import Signing
from localdigital.mail.models import OutgoingEmail
from tests.declaration.factories import SigningFactory

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


def emails_to(address: str) -> list[OutgoingEmail]:
    """Return the emails queued to ``address``, oldest first."""
    return list(OutgoingEmail.objects.filter(recipient=address).order_by("pk"))
