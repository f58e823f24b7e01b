"""The organisation admin's pages (declaration/views/organisation_admin.py): members, requests
to join, removing, and their part of the account page. Handing over the admin role and
withdrawing from the Declaration are tested beside it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from declaration.models import Membership, MembershipRole
from declaration.selectors import organisation_admin as selectors
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, SigningFactory
from tests.declaration.support import assert_error_summary, organisation_admin_url, text_of
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


class TestMembersPage:
    def test_lists_members_with_roles_and_requests_with_buttons(
        self, admin_client, member, waiting
    ):
        response = admin_client.get(organisation_admin_url("members"))

        assert response.status_code == 200
        page = text_of(response)
        assert "Ada Archer (you) ada@borsetshire.gov.uk Organisation admin" in page
        assert "Cy Carter cy@borsetshire.gov.uk Member" in page
        assert "Bo Baker Email address bo@example.org Asked on" in page
        html = response.content.decode()
        assert organisation_admin_url("member-approve", pk=waiting.pk) in html
        assert organisation_admin_url("member-refuse", pk=waiting.pk) in html
        assert organisation_admin_url("member-remove", pk=member.pk) in html
        assert "Approve Bo Baker" in page and "Refuse Bo Baker" in page

    def test_dates_each_request_in_london_time(self, admin_client, organisation):
        """Asked at 23:30 UTC on 31 March 2025, which was 00:30 on 1 April in London."""
        MembershipFactory(
            organisation=organisation,
            pending=True,
            user__full_name="Bo Baker",
            created_at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC),
        )

        page = text_of(admin_client.get(organisation_admin_url("members")))

        assert re.search(r"Bo Baker Email address \S+@\S+ Asked on 1 April 2025", page)

    def test_offers_no_way_out_to_the_only_admin(self, admin_client, admin, member):
        """The only admin hands the role over before they can leave."""
        response = admin_client.get(organisation_admin_url("members"))

        assert organisation_admin_url("member-remove", pk=admin.pk) not in response.content.decode()
        assert "Hand over the admin role" in text_of(response)

    def test_lets_an_admin_leave_when_another_admin_remains(
        self, admin_client, admin, organisation
    ):
        MembershipFactory(organisation=organisation, admin=True)

        response = admin_client.get(organisation_admin_url("members"))

        assert organisation_admin_url("member-remove", pk=admin.pk) in response.content.decode()
        assert "Leave Borsetshire County Council" in text_of(response)

    def test_says_so_when_nobody_is_waiting_and_nobody_can_take_over(self, admin_client):
        page = text_of(admin_client.get(organisation_admin_url("members")))

        assert "Nobody is waiting to join Borsetshire County Council." in page
        assert "someone else must be a member of Borsetshire County Council first" in page
        assert organisation_admin_url("hand-over") not in page

    def test_offers_withdrawal_only_to_a_signatory(self, admin_client, organisation):
        assert (
            organisation_admin_url("withdraw")
            not in admin_client.get(organisation_admin_url("members")).content.decode()
        )

        SigningFactory(organisation=organisation)

        response = admin_client.get(organisation_admin_url("members"))
        assert organisation_admin_url("withdraw") in response.content.decode()
        assert "Withdraw Borsetshire County Council from the Declaration" in text_of(response)

    def test_escapes_what_people_call_themselves(self, admin_client, organisation):
        MembershipFactory(
            organisation=organisation, pending=True, user=UserFactory(full_name="<b>Eve</b>")
        )

        html = admin_client.get(organisation_admin_url("members")).content.decode()

        assert "<b>Eve</b>" not in html
        assert "&lt;b&gt;Eve&lt;/b&gt;" in html


class TestApprove:
    def test_approves_emails_and_says_so_when_asked(self, admin_client, admin, waiting):
        response = admin_client.post(
            organisation_admin_url("member-approve", pk=waiting.pk), follow=True
        )

        assert response.redirect_chain == [(organisation_admin_url("members"), 302)]
        assert messages_of(response) == ["Bo Baker is now a member of Borsetshire County Council"]
        waiting.refresh_from_db()
        assert waiting.is_approved and waiting.approved_by == admin.user
        assert OutgoingEmail.objects.filter(recipient="bo@example.org").count() == 1

    def test_is_a_button_not_a_page(self, admin_client, waiting):
        response = admin_client.get(organisation_admin_url("member-approve", pk=waiting.pk))

        assert response.status_code == 405
        waiting.refresh_from_db()
        assert not waiting.is_approved

    def test_says_so_when_the_member_is_approved_already(self, admin_client, member):
        response = admin_client.post(
            organisation_admin_url("member-approve", pk=member.pk), follow=True
        )

        assert messages_of(response) == [
            "Cy Carter is already a member of Borsetshire County Council"
        ]
        assert not OutgoingEmail.objects.exists()

    def test_says_so_when_the_request_was_refused_meanwhile(
        self, admin_client, waiting, monkeypatch
    ):
        """Another admin refused it between the page and the press of the button."""
        stale = Membership.objects.get(pk=waiting.pk)
        waiting.delete()
        monkeypatch.setattr(selectors, "organisation_membership_get", lambda **kwargs: stale)

        response = admin_client.post(
            organisation_admin_url("member-approve", pk=stale.pk), follow=True
        )

        assert messages_of(response) == ["Bo Baker's request to join has already been refused"]

    def test_finds_nothing_when_the_request_is_for_another_organisation(self, admin_client):
        elsewhere = MembershipFactory(pending=True)

        response = admin_client.post(organisation_admin_url("member-approve", pk=elsewhere.pk))

        assert response.status_code == 404
        elsewhere.refresh_from_db()
        assert not elsewhere.is_approved


class TestRefuse:
    def test_refuses_emails_and_says_so_when_asked(self, admin_client, waiting):
        response = admin_client.post(
            organisation_admin_url("member-refuse", pk=waiting.pk), follow=True
        )

        assert response.redirect_chain == [(organisation_admin_url("members"), 302)]
        assert messages_of(response) == ["You refused Bo Baker's request to join"]
        assert not Membership.objects.filter(pk=waiting.pk).exists()
        assert OutgoingEmail.objects.filter(recipient="bo@example.org").count() == 1

    def test_is_a_button_not_a_page(self, admin_client, waiting):
        assert (
            admin_client.get(organisation_admin_url("member-refuse", pk=waiting.pk)).status_code
            == 405
        )
        assert Membership.objects.filter(pk=waiting.pk).exists()

    def test_keeps_a_member_who_is_approved_already(self, admin_client, member):
        response = admin_client.post(
            organisation_admin_url("member-refuse", pk=member.pk), follow=True
        )

        assert messages_of(response) == [
            "Cy Carter is already a member of Borsetshire County Council. "
            "To take them out, remove them"
        ]
        assert Membership.objects.filter(pk=member.pk).exists()

    def test_finds_nothing_when_the_request_is_for_another_organisation(self, admin_client):
        elsewhere = MembershipFactory(pending=True)

        assert (
            admin_client.post(organisation_admin_url("member-refuse", pk=elsewhere.pk)).status_code
            == 404
        )
        assert Membership.objects.filter(pk=elsewhere.pk).exists()


class TestRemove:
    def test_asks_to_confirm_with_the_member_named(self, admin_client, member):
        response = admin_client.get(organisation_admin_url("member-remove", pk=member.pk))

        assert response.status_code == 200
        page = text_of(response)
        assert "Are you sure you want to remove Cy Carter?" in page
        assert "Cy Carter (cy@borsetshire.gov.uk)" in page
        assert Membership.objects.filter(pk=member.pk).exists()

    def test_removes_emails_and_returns_to_the_members_when_confirmed(self, admin_client, member):
        response = admin_client.post(
            organisation_admin_url("member-remove", pk=member.pk), follow=True
        )

        assert response.redirect_chain == [(organisation_admin_url("members"), 302)]
        assert messages_of(response) == [
            "Cy Carter has been removed from Borsetshire County Council"
        ]
        assert not Membership.objects.filter(pk=member.pk).exists()
        assert OutgoingEmail.objects.filter(recipient="cy@borsetshire.gov.uk").count() == 1

    def test_lets_an_admin_leave_when_another_admin_remains(
        self, admin_client, admin, organisation
    ):
        MembershipFactory(organisation=organisation, admin=True)

        assert "Are you sure you want to leave" in text_of(
            admin_client.get(organisation_admin_url("member-remove", pk=admin.pk))
        )
        response = admin_client.post(
            organisation_admin_url("member-remove", pk=admin.pk), follow=True
        )

        assert response.redirect_chain == [(reverse("pages:account"), 302)]
        assert messages_of(response) == ["You have left Borsetshire County Council"]
        assert not Membership.objects.filter(pk=admin.pk).exists()

    def test_explains_when_the_only_admin_tries_to_leave(self, admin_client, admin, member):
        response = admin_client.post(organisation_admin_url("member-remove", pk=admin.pk))

        assert_error_summary(
            response,
            "You are the only organisation admin for Borsetshire County Council. "
            "Make someone else the organisation admin before you leave",
        )
        assert organisation_admin_url("hand-over") in response.content.decode()
        assert Membership.objects.filter(pk=admin.pk, role=MembershipRole.ADMIN).exists()

    def test_finds_nothing_for_a_request_to_join(self, admin_client, waiting):
        """A request is refused, not removed."""
        assert (
            admin_client.get(organisation_admin_url("member-remove", pk=waiting.pk)).status_code
            == 404
        )

    def test_finds_nothing_for_a_member_of_another_organisation(self, admin_client):
        elsewhere = MembershipFactory()

        assert (
            admin_client.get(organisation_admin_url("member-remove", pk=elsewhere.pk)).status_code
            == 404
        )
        assert (
            admin_client.post(organisation_admin_url("member-remove", pk=elsewhere.pk)).status_code
            == 404
        )
        assert Membership.objects.filter(pk=elsewhere.pk).exists()


class TestAccountPage:
    def test_lists_the_organisations_an_admin_manages_with_their_requests(
        self, admin_client, admin, waiting, organisation
    ):
        MembershipFactory(organisation=organisation, pending=True)
        other = MembershipFactory(
            user=admin.user, admin=True, organisation__name="Felpersham City Council"
        )

        response = admin_client.get(reverse("pages:account"))

        page = text_of(response)
        assert "Organisations you manage" in page
        assert "Borsetshire County Council 2 requests to join Manage members" in page
        assert "Felpersham City Council No requests to join Manage members" in page
        html = response.content.decode()
        assert organisation_admin_url("members") in html
        assert (
            reverse("declaration:organisation-members", kwargs={"slug": other.organisation.slug})
            in html
        )

    @pytest.mark.parametrize("state", ["member", "pending admin"])
    def test_shows_nothing_to_manage_to_anyone_else(self, client, organisation, state):
        membership = MembershipFactory(
            organisation=organisation,
            admin=state == "pending admin",
            pending=state == "pending admin",
        )
        client.force_login(membership.user)

        response = client.get(reverse("pages:account"))

        assert "Organisations you manage" not in text_of(response)
