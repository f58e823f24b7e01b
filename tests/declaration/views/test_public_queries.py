"""The public pages make the same number of queries with 10 signatories as with 200."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declaration.models import OrganisationType, Signing
from tests.declaration.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProjectUpdateFactory,
    SigningFactory,
)
from tests.support.queries import assert_flat_between

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 200


def signatories(total: int) -> None:
    """Add published signatories, of varied types, regions and co-publishers, up to ``total``."""
    if not Signing.objects.exists():
        # One that every filter in the tests below finds, so no page is ever empty (an empty
        # page needs one query fewer).
        SigningFactory.create(
            organisation=OrganisationFactory.create(
                name="London Borough of Sample",
                organisation_type=OrganisationType.LONDON_BOROUGH,
                region="London",
            ),
            co_publisher=True,
        )
    types = itertools.cycle(OrganisationType.values)
    regions = itertools.cycle(["London", "North West", "South West", "Wales", ""])
    for _ in range(total - Signing.objects.count()):
        organisation = OrganisationFactory.create(
            organisation_type=next(types), region=next(regions), name="London Borough of Sample"
        )
        SigningFactory.create(organisation=organisation, co_publisher=organisation.pk % 3 == 0)


@pytest.mark.parametrize(
    "path",
    [
        "/signatories/",
        "/signatories/?page=2",
        "/signatories/?sort=date",
        "/signatories/?q=london+sam&region=London&type=LBO&co_publisher=1",
        "/signatories/?type=castle&page=9999",
    ],
)
def test_the_list_of_signatories(client, path):
    assert_flat_between(client, path, signatories)


def test_a_signatory_page_whatever_the_number_of_signatories(client):
    SigningFactory.create(organisation=OrganisationFactory.create(slug="hackney"))
    assert_flat_between(client, "/signatories/hackney/", signatories)


def test_a_signatory_page_whatever_the_number_of_updates(client):
    signing = SigningFactory.create(organisation=OrganisationFactory.create(slug="hackney"))

    def updates(total: int) -> None:
        ProjectUpdateFactory.create_batch(total - signing.updates.count(), signing=signing)

    assert_flat_between(client, "/signatories/hackney/", updates)


def test_the_home_page(client):
    assert_flat_between(client, "/", signatories)


def test_the_account_page_with_many_signatories_to_post_updates_for(client):
    member = MembershipFactory.create().user
    client.force_login(member)

    def memberships(total: int) -> None:
        for _ in range(total - member.memberships.count()):
            MembershipFactory.create(user=member, organisation=SigningFactory.create().organisation)

    assert_flat_between(client, "/account/", memberships)


def test_the_json_open_data(client):
    assert_flat_between(client, "/signatories.json", signatories)


def test_the_csv_open_data(client):
    """The CSV is read through one server-side cursor: its queries do not grow with rows."""

    def csv_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/signatories.csv")
            b"".join(response.streaming_content)
        return len(captured)

    signatories(SMALL)
    small = csv_queries()
    signatories(LARGE)
    assert csv_queries() == small
