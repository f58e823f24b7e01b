"""Post/Redirect/Get for the signing journey: every form of it, and of the sign-in it starts
with, answers a valid post with a redirect to a page that opens, so that Back and Refresh
never send it again."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest
from django.test import Client
from django.urls import reverse

from declaration.models import Signing
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.declaration.support import (
    DIGITAL_LEAD,
    ORGANISATION_DETAILS,
    PROJECT,
    SENIOR_LEADER,
    step_url,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def _signer_of(signing: Signing) -> Client:
    return client_for(signing.signer)


def _posts() -> dict[str, object]:
    """Each form of the signing journey and of sign-in, filled in validly: a function that
    makes what it needs and returns (client, url, data)."""

    def new_signing():
        OrganisationFactory(slug="borsetshire")
        return (
            client_for(UserFactory()),
            reverse("declaration:sign-new"),
            {"organisation": "borsetshire"},
        )

    def new_unlisted():
        return (
            client_for(UserFactory()),
            reverse("declaration:sign-new-organisation-details"),
            ORGANISATION_DETAILS,
        )

    def question(step: str, data: Mapping[str, object], **traits: object):
        def make():
            signing = SigningFactory(draft=True, **traits)
            return _signer_of(signing), step_url(step, signing), data

        return make

    def organisation():
        OrganisationFactory(slug="borsetshire")
        signing = SigningFactory(draft=True, organisation=None)
        return (
            _signer_of(signing),
            step_url("organisation", signing),
            {"organisation": "borsetshire"},
        )

    def check():
        organisation = OrganisationFactory()
        signer = UserFactory(email=f"clerk@{organisation.email_domains[0]}")
        signing = SigningFactory(draft=True, organisation=organisation, signer=signer)
        return client_for(signer), step_url("check", signing), {}

    def withdraw():
        signing = SigningFactory(submitted=True)
        return _signer_of(signing), step_url("withdraw", signing), {"reason": ""}

    def delete():
        signing = SigningFactory(draft=True)
        return _signer_of(signing), step_url("delete", signing), {}

    def join():
        organisation = OrganisationFactory(slug="borsetshire")
        SigningFactory(organisation=organisation)
        return client_for(UserFactory()), reverse("declaration:sign-join", args=["borsetshire"]), {}

    def sign_in():
        return Client(), reverse("accounts:sign-in"), {"email": "clerk@borsetshire.gov.uk"}

    def sign_in_continue():
        client = Client()
        UserFactory(email="clerk@borsetshire.gov.uk")
        client.post(reverse("accounts:sign-in"), {"email": "clerk@borsetshire.gov.uk"})
        body = OutgoingEmail.objects.get(recipient="clerk@borsetshire.gov.uk").body_text
        link = re.search(r"https?://[^/\s]+(/account/sign-in/link/\?\S+)", body)
        assert link is not None
        client.get(link.group(1))
        return client, reverse("accounts:link"), {}

    return {
        "organisation, starting the draft": new_signing,
        "organisation not listed, starting the draft": new_unlisted,
        "organisation": organisation,
        "organisation details": question("organisation-details", ORGANISATION_DETAILS),
        "role": question("role", {"signer_role": "Head of digital"}),
        "senior leader": question("senior-leader", SENIOR_LEADER),
        "digital lead": question("digital-lead", DIGITAL_LEAD),
        "project": question("project", PROJECT),
        "check your answers: sign": check,
        "withdraw": withdraw,
        "delete a draft": delete,
        "join an organisation that has signed": join,
        "sign in: send the link": sign_in,
        "sign in: continue": sign_in_continue,
    }


@pytest.mark.parametrize("form", list(_posts()))
def test_every_successful_post_redirects_to_a_page_that_opens(
    form, django_capture_on_commit_callbacks
):
    """Post/Redirect/Get: after any form is sent, Back or reload never sends it again."""
    with django_capture_on_commit_callbacks(execute=False):
        client, url, data = _posts()[form]()

        response = client.post(url, data)

    assert response.status_code in (302, 303), response.status_code
    assert client.get(response["Location"]).status_code == 200
