"""Helpers the Declaration's tests share."""

from __future__ import annotations

import re

from django.urls import reverse
from pytest_django.asserts import assertContains

from declaration.models import OrganisationType, Signing
from tests.declaration.factories import OrganisationFactory, SigningFactory

# Valid answers to the signing questions that ask for more than one thing.
ORGANISATION_DETAILS = {
    "name": "Borsetshire Fire and Rescue Service",
    "organisation_type": OrganisationType.FIRE_AND_RESCUE,
    "website": "www.borsetshire-fire.example",
    "region": "South West",
}
SENIOR_LEADER = {
    "senior_leader_name": "Pat Jones",
    "senior_leader_job_title": "Chief executive",
    "elected_member_name": "",
    "elected_member_role": "",
}
DIGITAL_LEAD = {
    "digital_lead_name": "Ada Lovelace",
    "digital_lead_job_title": "Head of digital and IT",
    "digital_lead_email": "ada@borsetshire.gov.uk",
}
PROJECT = {
    "project_title": "Open booking",
    "project_description": "One booking component, shared.",
    "project_principles": ["services", "open"],
}

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


SLUG = "borsetshire"


def organisation_admin_url(name: str, **kwargs: object) -> str:
    """Return the address of one of the organisation admin's pages for ``SLUG``."""
    return reverse(f"declaration:organisation-{name}", kwargs={"slug": SLUG, **kwargs})


def text_of(response) -> str:
    """Return the page's text with tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def assert_error_summary(response, *errors: str) -> None:
    """The page is a GOV.UK error page: "Error:" title, summary linking to real controls."""
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    for error in errors:
        assert error in summary
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in html, f"the error summary links to a missing #{target}"


def new_update_url(slug: str = "hackney") -> str:
    return reverse("declaration:update-new", kwargs={"slug": slug})


HEADER = "register code or name,date signed,co-publisher,declaration project title\n"


LIST_URL = "/signatories/"


def signatory(name: str, **organisation: object) -> object:
    """Make a published signatory called ``name``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    signing_fields = {
        key: organisation.pop(key) for key in ("signed_on", "co_publisher") if key in organisation
    }
    return SigningFactory.create(
        organisation=OrganisationFactory.create(name=name, slug=slug, **organisation),
        **signing_fields,
    )
