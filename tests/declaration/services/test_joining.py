"""A second signer is told the organisation has signed, and asks to join it instead."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.test.utils import override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from declaration.errors import OrganisationClosed
from declaration.models import Membership, MembershipRole
from declaration.services import joining, memberships
from declaration.services.joining import JoinOutcome, organisation_join_request
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.support.audit import audit_break
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

STAFF_INBOX = "localdigital-staff@communities.example"


@pytest.fixture
def organisation():
    """An organisation that has signed, whose staff have email addresses at borsetshire.gov.uk."""
    organisation = OrganisationFactory(
        name="Borsetshire County Council", slug="borsetshire", email_domains=["borsetshire.gov.uk"]
    )
    SigningFactory(
        organisation=organisation,
        senior_leader_name="Pat Jones",
        senior_leader_job_title="Chief executive",
        signer_role="Head of digital",
    )
    return organisation


class TestOrganisationJoinRequest:
    def test_joins_at_once_and_audits_when_the_verified_email_domain_matches(self, organisation):
        user = UserFactory(email="clerk@Borsetshire.gov.uk")

        result = organisation_join_request(organisation=organisation, user=user)

        assert result.outcome == JoinOutcome.JOINED
        membership = Membership.objects.get(user=user, organisation=organisation)
        assert membership.is_approved
        assert membership.approved_by is None  # by email domain, so by nobody
        assert membership.role == MembershipRole.MEMBER
        verbs = set(AuditEvent.objects.values_list("verb", flat=True))
        assert verbs == {"declaration.membership.added", "declaration.membership.joined"}
        assert not OutgoingEmail.objects.exists()

    def test_waits_for_approval_when_the_email_address_is_not_verified(self, organisation):
        user = UserFactory(email="clerk@borsetshire.gov.uk", unverified=True)

        result = organisation_join_request(organisation=organisation, user=user)

        assert result.outcome == JoinOutcome.REQUESTED
        assert not result.is_approved

    def test_waits_and_emails_each_admin_once_when_the_domain_differs(self, organisation):
        admins = [MembershipFactory(organisation=organisation, admin=True).user for _ in range(2)]
        MembershipFactory(organisation=organisation)  # an ordinary member is not asked
        MembershipFactory(organisation=organisation, admin=True, pending=True)  # nor a waiting one
        # nor one whose account is deactivated
        MembershipFactory(organisation=organisation, admin=True, user__is_active=False)
        user = UserFactory(email="consultant@example.com", full_name="Sam Lee")

        first = organisation_join_request(organisation=organisation, user=user)
        second = organisation_join_request(organisation=organisation, user=user)

        assert first.outcome == JoinOutcome.REQUESTED
        assert second.outcome == JoinOutcome.ALREADY_REQUESTED
        membership = Membership.objects.get(user=user, organisation=organisation)
        assert membership.approved_at is None
        emails = OutgoingEmail.objects.order_by("recipient")
        assert [email.recipient for email in emails] == sorted(admin.email for admin in admins)
        for email in emails:
            assert "consultant@example.com" in email.subject
            assert "Sam Lee" in email.body_text
            assert "http://testserver/account/" in email.body_text
        assert AuditEvent.objects.filter(verb="declaration.membership.requested").count() == 1

    def test_names_someone_without_a_name_by_their_address_once(self, organisation):
        MembershipFactory(organisation=organisation, admin=True)
        user = UserFactory(email="consultant@example.com", full_name="")

        organisation_join_request(organisation=organisation, user=user)

        email = OutgoingEmail.objects.get()
        assert email.body_text.startswith("consultant@example.com has asked to join")

    @override_settings(FEEDBACK_EMAIL=STAFF_INBOX)
    def test_emails_staff_when_the_organisation_has_no_active_admin(self, organisation):
        """An admin whose account is deactivated cannot approve anyone, so staff are asked."""
        MembershipFactory(organisation=organisation, admin=True, user__is_active=False)

        organisation_join_request(organisation=organisation, user=UserFactory())

        assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [STAFF_INBOX]

    @override_settings(FEEDBACK_EMAIL=STAFF_INBOX)
    def test_emails_staff_when_the_organisation_has_no_admin(self, organisation):
        user = UserFactory(email="consultant@example.com")

        organisation_join_request(organisation=organisation, user=user)
        organisation_join_request(organisation=organisation, user=user)

        [email] = OutgoingEmail.objects.all()
        assert email.recipient == STAFF_INBOX
        membership = Membership.objects.get(user=user)
        assert f"/admin/declaration/membership/{membership.pk}/change/" in email.body_text

    def test_says_so_and_changes_nothing_when_already_a_member(self, organisation):
        membership = MembershipFactory(organisation=organisation)

        result = organisation_join_request(organisation=organisation, user=membership.user)

        assert result.outcome == JoinOutcome.ALREADY_MEMBER
        assert result.membership == membership
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_refuses_when_the_organisation_has_closed(self):
        with pytest.raises(OrganisationClosed):
            organisation_join_request(
                organisation=OrganisationFactory(closed=True), user=UserFactory()
            )

        assert not Membership.objects.exists()

    def test_writes_nothing_when_the_audit_fails_for_a_request(self, organisation, monkeypatch):
        audit_break(monkeypatch, joining)
        MembershipFactory(organisation=organisation, admin=True)

        with pytest.raises(IntegrityError):
            organisation_join_request(
                organisation=organisation, user=UserFactory(email="x@example.com")
            )

        assert Membership.objects.count() == 1
        assert not OutgoingEmail.objects.exists()

    def test_writes_nothing_when_the_audit_fails_for_a_join_by_domain(
        self, organisation, monkeypatch
    ):
        audit_break(monkeypatch, memberships)

        with pytest.raises(IntegrityError):
            organisation_join_request(
                organisation=organisation, user=UserFactory(email="clerk@borsetshire.gov.uk")
            )

        assert not Membership.objects.exists()


class TestAlreadySignedPage:
    def test_says_who_signed_and_when_and_offers_to_join(self, organisation):
        response = client_for(UserFactory()).get(
            reverse("declaration:sign-already-signed", args=["borsetshire"])
        )

        assertContains(response, "Borsetshire County Council has already signed the Declaration")
        assertContains(response, "Pat Jones, Chief executive")
        assertContains(response, "Head of digital")
        assertContains(response, "Ask to join Borsetshire County Council</button>")

    def test_says_who_signed_and_when_and_that_it_is_waiting_when_pending(self):
        organisation = OrganisationFactory(slug="waiting")
        signing = SigningFactory(
            organisation=organisation,
            submitted=True,
            senior_leader_name="Pat Jones",
            senior_leader_job_title="Chief executive",
            signed_on=datetime.date(2026, 11, 30),
        )

        response = client_for(UserFactory()).get(
            reverse("declaration:sign-already-signed", args=["waiting"])
        )

        assertContains(response, "waiting for the Local Digital team to check it")
        assertContains(response, "Pat Jones, Chief executive")
        assertContains(response, "30 November 2026")
        assertNotContains(response, signing.signer.email)
        assertContains(response, "Ask to join")

    def test_says_so_instead_of_offering_to_join_when_already_a_member(self, organisation):
        membership = MembershipFactory(organisation=organisation)

        response = client_for(membership.user).get(
            reverse("declaration:sign-already-signed", args=["borsetshire"])
        )

        assertContains(response, "You are already a member of Borsetshire County Council")
        assertNotContains(response, "Ask to join")

    def test_goes_back_to_the_signers_draft(self, organisation):
        draft = SigningFactory(draft=True, organisation=None)
        url = reverse("declaration:sign-already-signed", args=["borsetshire"])

        own = client_for(draft.signer).get(f"{url}?reference={draft.reference}")
        other = client_for(UserFactory()).get(f"{url}?reference={draft.reference}")

        organisation_url = reverse("declaration:sign-organisation", args=[draft.reference])
        assertContains(own, f'href="{organisation_url}" class="govuk-back-link"')
        assertNotContains(other, organisation_url)

    def test_not_found_when_the_organisation_has_not_signed(self):
        OrganisationFactory(slug="unsigned")

        response = client_for(UserFactory()).get(
            reverse("declaration:sign-already-signed", args=["unsigned"])
        )

        assert response.status_code == 404


class TestJoinPages:
    def test_joins_at_once_and_confirms_when_the_domain_matches(self, organisation):
        user = UserFactory(email="clerk@borsetshire.gov.uk")

        response = client_for(user).post(
            reverse("declaration:sign-join", args=["borsetshire"]), follow=True
        )

        assertRedirects(response, reverse("declaration:sign-joined", args=["borsetshire"]))
        assertContains(response, "You are a member of Borsetshire County Council")
        assert Membership.objects.get(user=user).is_approved

    def test_asks_for_approval_and_confirms_when_the_domain_differs(self, organisation):
        admin = MembershipFactory(organisation=organisation, admin=True)
        user = UserFactory(email="consultant@example.com")

        response = client_for(user).post(
            reverse("declaration:sign-join", args=["borsetshire"]), follow=True
        )

        assertContains(response, "Request to join sent")
        assertContains(response, "What happens next")
        assert not Membership.objects.get(user=user).is_approved
        assert OutgoingEmail.objects.get().recipient == admin.user.email

    def test_shows_the_page_again_when_too_many_requests(self, organisation):
        user = UserFactory(email="consultant@example.com")
        client = client_for(user)
        url = reverse("declaration:sign-join", args=["borsetshire"])
        for _ in range(10):
            client.post(url)

        response = client.post(url, follow=True)

        assertContains(response, "You have asked to join too many organisations")

    def test_not_found_when_the_organisation_has_closed(self):
        OrganisationFactory(slug="gone", closed=True)

        response = client_for(UserFactory()).post(reverse("declaration:sign-join", args=["gone"]))

        assert response.status_code == 404
        assert not Membership.objects.exists()

    def test_joining_needs_a_signed_in_person(self, client, organisation):
        response = client.post(reverse("declaration:sign-join", args=["borsetshire"]))

        assert response.status_code == 302
        assert not Membership.objects.exists()

    def test_confirmation_not_found_for_someone_who_has_not_asked(self, organisation):
        response = client_for(UserFactory()).get(
            reverse("declaration:sign-joined", args=["borsetshire"])
        )

        assert response.status_code == 404
