"""Unpublishing a signing, and the organisation admin's withdrawal of a published one
(declaration/services/moderation_withdrawal.py)."""

import pytest
from django.db import IntegrityError

from declaration.errors import NotOrganisationAdmin, ReasonRequired, TransitionNotAllowed
from declaration.models import SigningStatus
from declaration.services.moderation_withdrawal import signing_unpublish, signing_withdraw_published
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, SigningFactory
from tests.declaration.support import OTHER_STATES, signing_in, snapshot
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


class TestSigningUnpublish:
    def test_unpublishes_with_the_reason_when_the_signing_is_published(self, staff):
        signing = SigningFactory()

        signing_unpublish(signing=signing, unpublished_by=staff, reason="Signed in error.")

        signing.refresh_from_db()
        assert signing.status == SigningStatus.UNPUBLISHED
        assert signing.unpublish_reason == "Signed in error."
        assert signing.unpublished_by == staff
        assert signing.unpublished_at is not None
        assert AuditEvent.objects.get(verb="declaration.signing.unpublished").actor == staff

    def test_emails_each_approved_admin_and_nobody_else_when_unpublishing(self, staff):
        signing = SigningFactory()
        admins = MembershipFactory.create_batch(2, organisation=signing.organisation, admin=True)
        member = MembershipFactory(organisation=signing.organisation)
        waiting_admin = MembershipFactory(
            organisation=signing.organisation, admin=True, pending=True
        )

        signing_unpublish(signing=signing, unpublished_by=staff, reason="Signed in error.")

        recipients = set(OutgoingEmail.objects.values_list("recipient", flat=True))
        assert recipients == {admin.user.email for admin in admins}
        assert member.user.email not in recipients
        assert waiting_admin.user.email not in recipients
        assert all("Signed in error." in e.body_text for e in OutgoingEmail.objects.all())

    def test_emails_no_admin_whose_account_is_deactivated_when_unpublishing(self, staff):
        signing = SigningFactory()
        active = MembershipFactory(organisation=signing.organisation, admin=True)
        MembershipFactory(
            organisation=signing.organisation, admin=True, user=UserFactory(is_active=False)
        )

        signing_unpublish(signing=signing, unpublished_by=staff, reason="Signed in error.")

        assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == [
            active.user.email
        ]

    @pytest.mark.parametrize("reason", ["", "  "])
    def test_refuses_and_changes_nothing_when_no_reason_is_given(self, staff, reason):
        signing = SigningFactory()
        before = snapshot(signing)

        with pytest.raises(ReasonRequired):
            signing_unpublish(signing=signing, unpublished_by=staff, reason=reason)

        assert snapshot(signing) == before

    @pytest.mark.parametrize("state", [s for s in OTHER_STATES if s != "published"])
    def test_refuses_and_changes_nothing_when_the_signing_is_not_published(self, staff, state):
        signing = signing_in(state)
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed):
            signing_unpublish(signing=signing, unpublished_by=staff, reason="No.")

        assert snapshot(signing) == before
        assert not AuditEvent.objects.exists()

    def test_sends_once_when_unpublishing_is_tried_twice(self, staff):
        signing = SigningFactory()
        MembershipFactory(organisation=signing.organisation, admin=True)
        signing_unpublish(signing=signing, unpublished_by=staff, reason="No.")

        with pytest.raises(TransitionNotAllowed):
            signing_unpublish(signing=signing, unpublished_by=staff, reason="No.")

        assert OutgoingEmail.objects.count() == 1

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit):
        signing = SigningFactory()
        MembershipFactory(organisation=signing.organisation, admin=True)
        before = snapshot(signing)

        with pytest.raises(IntegrityError):
            signing_unpublish(signing=signing, unpublished_by=staff, reason="No.")

        assert snapshot(signing) == before
        assert not OutgoingEmail.objects.exists()


class TestSigningWithdrawPublished:
    @pytest.fixture(autouse=True)
    def _feedback_email(self, settings):
        settings.FEEDBACK_EMAIL = "localdigital@example.gov.uk"

    @pytest.fixture
    def admin(self):
        return MembershipFactory(admin=True)

    def test_withdraws_with_the_reason_when_an_organisation_admin_asks(self, admin):
        signing = SigningFactory(organisation=admin.organisation)

        signing_withdraw_published(
            signing=signing, withdrawn_by=admin.user, reason="We are merging with a neighbour."
        )

        signing.refresh_from_db()
        assert signing.status == SigningStatus.WITHDRAWN
        assert signing.withdrawal_reason == "We are merging with a neighbour."
        assert signing.withdrawn_by == admin.user
        assert signing.withdrawn_at is not None
        event = AuditEvent.objects.get(verb="declaration.signing.withdrawn")
        assert event.actor == admin.user

    def test_emails_the_active_admins_and_the_local_digital_team_when_withdrawing(self, admin):
        signing = SigningFactory(organisation=admin.organisation)
        other_admin = MembershipFactory(organisation=admin.organisation, admin=True)
        MembershipFactory(
            organisation=admin.organisation, admin=True, user=UserFactory(is_active=False)
        )

        signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason="Merging.")

        assert set(OutgoingEmail.objects.values_list("recipient", flat=True)) == {
            admin.user.email,
            other_admin.user.email,
            "localdigital@example.gov.uk",
        }
        (to_staff,) = emails_to("localdigital@example.gov.uk")
        assert "Merging." in to_staff.body_text
        assert f"/admin/declaration/signing/{signing.pk}/change/" in to_staff.body_text

    @pytest.mark.parametrize(
        "membership",
        [{}, {"pending": True, "admin": True}, None],
        ids=["ordinary member", "admin waiting for approval", "not a member"],
    )
    def test_refuses_and_changes_nothing_when_the_person_is_not_an_approved_admin(self, membership):
        signing = SigningFactory()
        user = UserFactory()
        if membership is not None:
            MembershipFactory(user=user, organisation=signing.organisation, **membership)
        before = snapshot(signing)

        with pytest.raises(NotOrganisationAdmin):
            signing_withdraw_published(signing=signing, withdrawn_by=user, reason="Merging.")

        assert snapshot(signing) == before
        assert not OutgoingEmail.objects.exists()

    def test_refuses_when_no_reason_is_given(self, admin):
        signing = SigningFactory(organisation=admin.organisation)

        with pytest.raises(ReasonRequired):
            signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason=" ")

        assert snapshot(signing)["status"] == SigningStatus.PUBLISHED

    @pytest.mark.parametrize("state", [s for s in OTHER_STATES if s != "published"])
    def test_refuses_and_changes_nothing_when_the_signing_is_not_published(self, admin, state):
        signing = signing_in(state, organisation=admin.organisation)
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed):
            signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason="No.")

        assert snapshot(signing) == before

    def test_sends_once_when_withdrawing_is_tried_twice(self, admin):
        signing = SigningFactory(organisation=admin.organisation)
        signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason="No.")

        with pytest.raises(TransitionNotAllowed):
            signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason="No.")

        assert OutgoingEmail.objects.count() == 2

    def test_writes_nothing_when_the_audit_fails(self, admin, broken_audit):
        signing = SigningFactory(organisation=admin.organisation)
        before = snapshot(signing)

        with pytest.raises(IntegrityError):
            signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason="No.")

        assert snapshot(signing) == before
        assert not OutgoingEmail.objects.exists()
