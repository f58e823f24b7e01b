"""Handing over the organisation admin role from its page, and an admin demoted while a page was
open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from declaration.errors import MembershipAlreadyAdminError
from declaration.models import Membership, MembershipRole
from declaration.selectors import organisation_admin as selectors
from declaration.services import memberships
from localdigital.mail.models import OutgoingEmail
from tests.declaration.factories import MembershipFactory
from tests.declaration.support import assert_error_summary, organisation_admin_url, text_of
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


class TestHandOver:
    def test_offers_only_approved_members_who_are_not_admins(
        self, admin_client, admin, member, waiting, organisation
    ):
        MembershipFactory(organisation=organisation, admin=True, user__full_name="Di Dunn")

        response = admin_client.get(organisation_admin_url("hand-over"))

        html = response.content.decode()
        assert f'value="{member.pk}"' in html
        for other in (admin, waiting):
            assert f'value="{other.pk}"' not in html
        assert "Di Dunn" not in html
        page = text_of(response)
        assert "Who do you want to make the organisation admin?" in page
        assert "Cy Carter cy@borsetshire.gov.uk" in page

    def test_hands_over_and_goes_to_the_account_when_the_admin_steps_down(
        self, admin_client, admin, member
    ):
        response = admin_client.post(
            organisation_admin_url("hand-over"),
            {"member": member.pk, "stay_admin": "no"},
            follow=True,
        )

        assert response.redirect_chain == [(reverse("pages:account"), 302)]
        assert messages_of(response) == [
            "Cy Carter is now an organisation admin for Borsetshire County Council"
        ]
        admin.refresh_from_db()
        member.refresh_from_db()
        assert (admin.role, member.role) == (MembershipRole.MEMBER, MembershipRole.ADMIN)
        assert OutgoingEmail.objects.filter(recipient="cy@borsetshire.gov.uk").count() == 1

    def test_keeps_the_admin_and_returns_to_the_members_when_they_stay(
        self, admin_client, admin, member
    ):
        response = admin_client.post(
            organisation_admin_url("hand-over"), {"member": member.pk, "stay_admin": "yes"}
        )

        assert response.url == organisation_admin_url("members")
        admin.refresh_from_db()
        member.refresh_from_db()
        assert admin.is_admin and member.is_admin

    def test_shows_both_errors_when_nothing_is_chosen(self, admin_client, member):
        response = admin_client.post(organisation_admin_url("hand-over"), {})

        assert_error_summary(
            response,
            "Select the member you want to make the organisation admin",
            "Select yes if you want to stay an organisation admin",
        )

    @pytest.mark.parametrize("who", ["waiting", "elsewhere", "admin", "nonsense"])
    def test_refuses_anyone_not_listed_and_keeps_the_other_answer(
        self, admin_client, admin, member, waiting, who
    ):
        """A request to join, a member of another organisation, oneself, or junk."""
        chosen = {
            "waiting": waiting.pk,
            "elsewhere": MembershipFactory().pk,
            "admin": admin.pk,
            "nonsense": "<script>",
        }[who]

        response = admin_client.post(
            organisation_admin_url("hand-over"), {"member": chosen, "stay_admin": "yes"}
        )

        assert_error_summary(response, "Select one of the members listed")
        assert re.search(r'value="yes"\s+checked', response.content.decode())
        assert (
            not Membership.objects.filter(role=MembershipRole.ADMIN).exclude(pk=admin.pk).exists()
        )

    def test_explains_when_the_member_became_an_admin_meanwhile(
        self, admin_client, member, monkeypatch
    ):
        def already_admin(**kwargs):
            raise MembershipAlreadyAdminError

        monkeypatch.setattr(memberships, "membership_admin_hand_over", already_admin)

        response = admin_client.post(
            organisation_admin_url("hand-over"), {"member": member.pk, "stay_admin": "no"}
        )

        assert_error_summary(
            response, "That member is already an organisation admin. Select one of the members"
        )

    def test_explains_when_nobody_can_take_over(self, admin_client):
        response = admin_client.get(organisation_admin_url("hand-over"))

        assert response.status_code == 200
        assert "you are the only member" in text_of(response)
        assert "<form" not in response.content.decode().split('id="main-content"', 1)[1]


class TestAdminDemotedMeanwhile:
    """Another admin makes this one a member between the page's check and the change: the
    service checks again, under the organisation's lock, and the change is refused."""

    @pytest.fixture
    def demote_on_lookup(self, admin, organisation, monkeypatch):
        """Make the page's lookup of the member demote the acting admin first."""
        MembershipFactory(organisation=organisation, admin=True)

        def patch(selector_name: str) -> None:
            real = getattr(selectors, selector_name)

            def demoted_then(**kwargs):
                Membership.objects.filter(pk=admin.pk).update(role=MembershipRole.MEMBER)
                return real(**kwargs)

            monkeypatch.setattr(selectors, selector_name, demoted_then)

        return patch

    @pytest.mark.parametrize(
        ("name", "selector"),
        [
            ("member-approve", "organisation_membership_get"),
            ("member-refuse", "organisation_membership_get"),
        ],
    )
    def test_refuses_to_approve_or_refuse_a_request(
        self, admin_client, waiting, demote_on_lookup, name, selector
    ):
        demote_on_lookup(selector)

        response = admin_client.post(organisation_admin_url(name, pk=waiting.pk))

        assert response.status_code == 403
        waiting.refresh_from_db()
        assert not waiting.is_approved
        assert not OutgoingEmail.objects.exists()

    def test_refuses_to_remove_a_member(self, admin_client, member, demote_on_lookup):
        demote_on_lookup("organisation_member_get")

        response = admin_client.post(organisation_admin_url("member-remove", pk=member.pk))

        assert response.status_code == 403
        assert Membership.objects.filter(pk=member.pk).exists()
        assert not OutgoingEmail.objects.exists()

    def test_says_so_when_handing_over(self, admin_client, member, demote_on_lookup):
        demote_on_lookup("organisation_member_get")

        response = admin_client.post(
            organisation_admin_url("hand-over"), {"member": member.pk, "stay_admin": "no"}
        )

        assert_error_summary(response, "You are no longer an organisation admin")
        member.refresh_from_db()
        assert not member.is_admin
