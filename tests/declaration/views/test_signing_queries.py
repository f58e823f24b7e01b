"""The account page's list of signings makes the same number of queries however long it is."""

from __future__ import annotations

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, SigningFactory

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "published", "rejected", "withdrawn", "unpublished"]


def signings(user, count: int) -> None:
    """Give ``user`` ``count`` signings in every state, each for an organisation of its own."""
    for index in range(count):
        state = STATES[index % len(STATES)]
        SigningFactory(signer=user, **({} if state == "published" else {state: True}))


def queries_for_account(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("pages:account"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize(("small", "large"), [(10, 200)])
def test_account_page_lists_signings_in_flat_queries(client, small, large):
    user = UserFactory()
    client.force_login(user)
    signings(user, small)
    few, page = queries_for_account(client)
    assert page.count("Reference LDD-") == small

    signings(user, large - small)
    many, page = queries_for_account(client)

    assert page.count("Reference LDD-") == large
    assert few == many, f"{few} queries with {small} signings, {many} with {large}"


def test_account_page_lists_unlisted_organisations_in_flat_queries(client):
    user = UserFactory()
    client.force_login(user)
    SigningFactory.create_batch(10, signer=user, submitted=True, unlisted=True)
    few, _ = queries_for_account(client)

    SigningFactory.create_batch(
        190, signer=user, draft=True, unlisted=True, proposed_name=factory.Sequence(str)
    )
    many, _ = queries_for_account(client)

    assert few == many


def test_account_page_lists_what_the_members_organisations_signed_in_flat_queries(client):
    """A member of many signatories: "What your organisation signed" costs one query."""
    user = UserFactory()
    client.force_login(user)

    def signed_organisations(count: int) -> None:
        for _ in range(count):
            SigningFactory(organisation=MembershipFactory(user=user).organisation)

    signed_organisations(2)
    few, page = queries_for_account(client)
    assert page.count("What your organisation signed") == 1
    signed_organisations(20)
    many, page = queries_for_account(client)

    assert page.count(">View<") == 22
    assert few == many, f"{few} queries with 2 organisations, {many} with 22"
