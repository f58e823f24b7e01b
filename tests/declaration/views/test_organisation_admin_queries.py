"""The organisation admin's lists make the same number of queries whatever their length."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("small, large", [(10, 200)])
def test_members_page_at_10_and_200_members(client, small, large):
    """Members and requests to join, half and half, at 10 and then at 200."""
    organisation = OrganisationFactory()
    SigningFactory(organisation=organisation)
    admin = MembershipFactory(organisation=organisation, admin=True)
    client.force_login(admin.user)
    path = reverse("declaration:organisation-members", kwargs={"slug": organisation.slug})

    def grow_to(total: int) -> None:
        have = organisation.memberships.count()
        more = total - have
        MembershipFactory.create_batch(more // 2, organisation=organisation)
        MembershipFactory.create_batch(more - more // 2, organisation=organisation, pending=True)
        assert organisation.memberships.count() == total

    grow_to(small)
    few = queries_for(client, path)
    grow_to(large)
    many = queries_for(client, path)

    assert few == many, f"{few} queries with {small} members, {many} with {large}"


def test_hand_over_page_at_10_and_200_members(client):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, admin=True)
    client.force_login(admin.user)
    path = reverse("declaration:organisation-hand-over", kwargs={"slug": organisation.slug})

    MembershipFactory.create_batch(9, organisation=organisation)
    few = queries_for(client, path)
    MembershipFactory.create_batch(190, organisation=organisation)
    many = queries_for(client, path)

    assert few == many


def test_account_page_section_at_1_and_20_managed_organisations(client):
    """Organisations managed, each with requests to join, add no query to the account page."""
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    MembershipFactory.create_batch(3, organisation=admin.organisation, pending=True)
    path = reverse("pages:account")

    few = queries_for(client, path)
    for organisation in OrganisationFactory.create_batch(19):
        MembershipFactory(organisation=organisation, user=admin.user, admin=True)
        MembershipFactory.create_batch(2, organisation=organisation, pending=True)
    many = queries_for(client, path)

    assert few == many
