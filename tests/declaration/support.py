"""Helpers the Declaration's tests share."""

from __future__ import annotations

from django.urls import reverse
from pytest_django.asserts import assertContains

from declaration.models import Signing
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
