"""The organisation admin's pages: members, requests to join, removing, handing over the admin
role and withdrawing from the Declaration, and their part of the account page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from declaration.errors import MembershipAlreadyAdminError
from declaration.models import Membership, MembershipRole, SigningStatus
from declaration.selectors import organisation_admin as selectors
from declaration.services import memberships
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory

pytestmark = pytest.mark.django_db

SLUG = "borsetshire"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Borsetshire County Council", slug=SLUG)


@pytest.fixture
def admin(organisation):
    return MembershipFactory(
        organisation=organisation,
        admin=True,
        user=UserFactory(email="ada@borsetshire.gov.uk", full_name="Ada Archer"),
    )


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin.user)
    return client


@pytest.fixture
def member(organisation):
    return MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="cy@borsetshire.gov.uk", full_name="Cy Carter"),
    )


@pytest.fixture
def waiting(organisation):
    return MembershipFactory(
        organisation=organisation,
        pending=True,
        user=UserFactory(email="bo@example.org", full_name="Bo Baker"),
    )


def url(name: str, **kwargs: object) -> str:
    return reverse(f"declaration:organisation-{name}", kwargs={"slug": SLUG, **kwargs})


def text_of(response) -> str:
    """Return the page's text with tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


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


class TestMembersPage:
    def test_lists_members_with_roles_and_requests_with_buttons(
        self, admin_client, member, waiting
    ):
        response = admin_client.get(url("members"))

        assert response.status_code == 200
        page = text_of(response)
        assert "Ada Archer (you) ada@borsetshire.gov.uk Organisation admin" in page
        assert "Cy Carter cy@borsetshire.gov.uk Member" in page
        assert "Bo Baker bo@example.org" in page
        html = response.content.decode()
        assert url("member-approve", pk=waiting.pk) in html
        assert url("member-refuse", pk=waiting.pk) in html
        assert url("member-remove", pk=member.pk) in html
        assert "Approve Bo Baker" in page and "Refuse Bo Baker" in page

    def test_dates_each_request_in_london_time(self, admin_client, organisation):
        """Asked at 23:30 UTC on 31 March 2025, which was 00:30 on 1 April in London."""
        MembershipFactory(
            organisation=organisation,
            pending=True,
            user__full_name="Bo Baker",
            created_at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC),
        )

        page = text_of(admin_client.get(url("members")))

        assert re.search(r"Bo Baker \S+@\S+ 1 April 2025", page)

    def test_offers_no_way_out_to_the_only_admin(self, admin_client, admin, member):
        """The only admin hands the role over before they can leave."""
        response = admin_client.get(url("members"))

        assert url("member-remove", pk=admin.pk) not in response.content.decode()
        assert "Hand over the admin role" in text_of(response)

    def test_lets_an_admin_leave_when_another_admin_remains(
        self, admin_client, admin, organisation
    ):
        MembershipFactory(organisation=organisation, admin=True)

        response = admin_client.get(url("members"))

        assert url("member-remove", pk=admin.pk) in response.content.decode()
        assert "Leave Borsetshire County Council" in text_of(response)

    def test_says_so_when_nobody_is_waiting_and_nobody_can_take_over(self, admin_client):
        page = text_of(admin_client.get(url("members")))

        assert "Nobody is waiting to join Borsetshire County Council." in page
        assert "someone else must be a member of Borsetshire County Council first" in page
        assert url("hand-over") not in page

    def test_offers_withdrawal_only_to_a_signatory(self, admin_client, organisation):
        assert url("withdraw") not in admin_client.get(url("members")).content.decode()

        SigningFactory(organisation=organisation)

        response = admin_client.get(url("members"))
        assert url("withdraw") in response.content.decode()
        assert "Withdraw Borsetshire County Council from the Declaration" in text_of(response)

    def test_escapes_what_people_call_themselves(self, admin_client, organisation):
        MembershipFactory(
            organisation=organisation, pending=True, user=UserFactory(full_name="<b>Eve</b>")
        )

        html = admin_client.get(url("members")).content.decode()

        assert "<b>Eve</b>" not in html
        assert "&lt;b&gt;Eve&lt;/b&gt;" in html


class TestApprove:
    def test_approves_emails_and_says_so_when_asked(self, admin_client, admin, waiting):
        response = admin_client.post(url("member-approve", pk=waiting.pk), follow=True)

        assert response.redirect_chain == [(url("members"), 302)]
        assert messages_of(response) == ["Bo Baker is now a member of Borsetshire County Council"]
        waiting.refresh_from_db()
        assert waiting.is_approved and waiting.approved_by == admin.user
        assert OutgoingEmail.objects.filter(recipient="bo@example.org").count() == 1

    def test_is_a_button_not_a_page(self, admin_client, waiting):
        response = admin_client.get(url("member-approve", pk=waiting.pk))

        assert response.status_code == 405
        waiting.refresh_from_db()
        assert not waiting.is_approved

    def test_says_so_when_the_member_is_approved_already(self, admin_client, member):
        response = admin_client.post(url("member-approve", pk=member.pk), follow=True)

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

        response = admin_client.post(url("member-approve", pk=stale.pk), follow=True)

        assert messages_of(response) == ["Bo Baker's request to join has already been refused"]

    def test_finds_nothing_when_the_request_is_for_another_organisation(self, admin_client):
        elsewhere = MembershipFactory(pending=True)

        response = admin_client.post(url("member-approve", pk=elsewhere.pk))

        assert response.status_code == 404
        elsewhere.refresh_from_db()
        assert not elsewhere.is_approved


class TestRefuse:
    def test_refuses_emails_and_says_so_when_asked(self, admin_client, waiting):
        response = admin_client.post(url("member-refuse", pk=waiting.pk), follow=True)

        assert response.redirect_chain == [(url("members"), 302)]
        assert messages_of(response) == ["You refused Bo Baker's request to join"]
        assert not Membership.objects.filter(pk=waiting.pk).exists()
        assert OutgoingEmail.objects.filter(recipient="bo@example.org").count() == 1

    def test_is_a_button_not_a_page(self, admin_client, waiting):
        assert admin_client.get(url("member-refuse", pk=waiting.pk)).status_code == 405
        assert Membership.objects.filter(pk=waiting.pk).exists()

    def test_keeps_a_member_who_is_approved_already(self, admin_client, member):
        response = admin_client.post(url("member-refuse", pk=member.pk), follow=True)

        assert messages_of(response) == [
            "Cy Carter is already a member of Borsetshire County Council. "
            "To take them out, remove them"
        ]
        assert Membership.objects.filter(pk=member.pk).exists()

    def test_finds_nothing_when_the_request_is_for_another_organisation(self, admin_client):
        elsewhere = MembershipFactory(pending=True)

        assert admin_client.post(url("member-refuse", pk=elsewhere.pk)).status_code == 404
        assert Membership.objects.filter(pk=elsewhere.pk).exists()


class TestRemove:
    def test_asks_to_confirm_with_the_member_named(self, admin_client, member):
        response = admin_client.get(url("member-remove", pk=member.pk))

        assert response.status_code == 200
        page = text_of(response)
        assert "Are you sure you want to remove Cy Carter?" in page
        assert "Cy Carter (cy@borsetshire.gov.uk)" in page
        assert Membership.objects.filter(pk=member.pk).exists()

    def test_removes_emails_and_returns_to_the_members_when_confirmed(self, admin_client, member):
        response = admin_client.post(url("member-remove", pk=member.pk), follow=True)

        assert response.redirect_chain == [(url("members"), 302)]
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
            admin_client.get(url("member-remove", pk=admin.pk))
        )
        response = admin_client.post(url("member-remove", pk=admin.pk), follow=True)

        assert response.redirect_chain == [(reverse("pages:account"), 302)]
        assert messages_of(response) == ["You have left Borsetshire County Council"]
        assert not Membership.objects.filter(pk=admin.pk).exists()

    def test_explains_when_the_only_admin_tries_to_leave(self, admin_client, admin, member):
        response = admin_client.post(url("member-remove", pk=admin.pk))

        assert_error_summary(
            response,
            "You are the only organisation admin for Borsetshire County Council. "
            "Make someone else the organisation admin before you leave",
        )
        assert url("hand-over") in response.content.decode()
        assert Membership.objects.filter(pk=admin.pk, role=MembershipRole.ADMIN).exists()

    def test_finds_nothing_for_a_request_to_join(self, admin_client, waiting):
        """A request is refused, not removed."""
        assert admin_client.get(url("member-remove", pk=waiting.pk)).status_code == 404

    def test_finds_nothing_for_a_member_of_another_organisation(self, admin_client):
        elsewhere = MembershipFactory()

        assert admin_client.get(url("member-remove", pk=elsewhere.pk)).status_code == 404
        assert admin_client.post(url("member-remove", pk=elsewhere.pk)).status_code == 404
        assert Membership.objects.filter(pk=elsewhere.pk).exists()


class TestHandOver:
    def test_offers_only_approved_members_who_are_not_admins(
        self, admin_client, admin, member, waiting, organisation
    ):
        MembershipFactory(organisation=organisation, admin=True, user__full_name="Di Dunn")

        response = admin_client.get(url("hand-over"))

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
            url("hand-over"), {"member": member.pk, "stay_admin": "no"}, follow=True
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
        response = admin_client.post(url("hand-over"), {"member": member.pk, "stay_admin": "yes"})

        assert response.url == url("members")
        admin.refresh_from_db()
        member.refresh_from_db()
        assert admin.is_admin and member.is_admin

    def test_shows_both_errors_when_nothing_is_chosen(self, admin_client, member):
        response = admin_client.post(url("hand-over"), {})

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

        response = admin_client.post(url("hand-over"), {"member": chosen, "stay_admin": "yes"})

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

        response = admin_client.post(url("hand-over"), {"member": member.pk, "stay_admin": "no"})

        assert_error_summary(
            response, "That member is already an organisation admin. Select one of the members"
        )

    def test_explains_when_nobody_can_take_over(self, admin_client):
        response = admin_client.get(url("hand-over"))

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

        response = admin_client.post(url(name, pk=waiting.pk))

        assert response.status_code == 403
        waiting.refresh_from_db()
        assert not waiting.is_approved
        assert not OutgoingEmail.objects.exists()

    def test_refuses_to_remove_a_member(self, admin_client, member, demote_on_lookup):
        demote_on_lookup("organisation_member_get")

        response = admin_client.post(url("member-remove", pk=member.pk))

        assert response.status_code == 403
        assert Membership.objects.filter(pk=member.pk).exists()
        assert not OutgoingEmail.objects.exists()

    def test_says_so_when_handing_over(self, admin_client, member, demote_on_lookup):
        demote_on_lookup("organisation_member_get")

        response = admin_client.post(url("hand-over"), {"member": member.pk, "stay_admin": "no"})

        assert_error_summary(response, "You are no longer an organisation admin")
        member.refresh_from_db()
        assert not member.is_admin


class TestWithdraw:
    @pytest.fixture
    def signing(self, organisation):
        return SigningFactory(organisation=organisation, reference="LDD-7K3Q9M")

    def test_warns_what_withdrawing_means(self, admin_client, signing):
        response = admin_client.get(url("withdraw"))

        assert response.status_code == 200
        page = text_of(response)
        assert "Warning Borsetshire County Council will stop being a signatory" in page
        assert "it leaves the public list of signatories" in page
        assert "its commitments under the Declaration end" in page
        assert "LDD-7K3Q9M" in page

    def test_finds_nothing_to_withdraw_when_the_organisation_has_not_signed(
        self, admin_client, organisation
    ):
        SigningFactory(organisation=organisation, submitted=True)

        assert admin_client.get(url("withdraw")).status_code == 404

    @pytest.mark.parametrize("reason", ["", "   \n  "])
    def test_asks_for_a_reason_when_none_is_given(self, admin_client, signing, reason):
        response = admin_client.post(url("withdraw"), {"reason": reason})

        assert_error_summary(
            response, "Enter why your organisation is withdrawing from the Declaration"
        )
        signing.refresh_from_db()
        assert signing.status == SigningStatus.PUBLISHED

    def test_refuses_a_reason_that_is_too_long_and_keeps_it(self, admin_client, signing):
        reason = "We are merging. " * 200

        response = admin_client.post(url("withdraw"), {"reason": reason})

        assert_error_summary(response, "The reason must be 2,000 characters or fewer")
        assert "We are merging. We are merging." in response.content.decode()
        signing.refresh_from_db()
        assert signing.status == SigningStatus.PUBLISHED

    def test_withdraws_and_confirms_when_a_reason_is_given(self, admin_client, admin, signing):
        response = admin_client.post(
            url("withdraw"), {"reason": "We are merging with Felpersham."}, follow=True
        )

        assert response.redirect_chain == [(url("withdrawn"), 302)]
        signing.refresh_from_db()
        assert signing.status == SigningStatus.WITHDRAWN
        assert signing.withdrawn_by == admin.user
        assert signing.withdrawal_reason == "We are merging with Felpersham."
        page = text_of(response)
        assert "Borsetshire County Council has withdrawn from the Declaration" in page
        assert "Reference LDD-7K3Q9M" in page

    def test_explains_when_the_signing_was_unpublished_meanwhile(
        self, admin_client, signing, monkeypatch
    ):
        """Staff took it off the list between the warning page and the press of the button."""
        stale = type(signing).objects.get(pk=signing.pk)
        type(signing).objects.filter(pk=signing.pk).update(
            status=SigningStatus.UNPUBLISHED, unpublish_reason="Asked to."
        )
        monkeypatch.setattr(selectors, "signing_published_get", lambda **kwargs: stale)

        response = admin_client.post(url("withdraw"), {"reason": "We are merging."})

        assert_error_summary(
            response,
            "Borsetshire County Council is no longer on the list of signatories, "
            "so there is nothing to withdraw",
        )
        assert "We are merging." in response.content.decode()

    def test_confirmation_finds_nothing_before_a_withdrawal(self, admin_client, signing):
        assert admin_client.get(url("withdrawn")).status_code == 404


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
        assert url("members") in html
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
