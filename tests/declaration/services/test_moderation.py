"""The staff-side transitions of a signing: publish, reject, unpublish, the organisation
admin's withdrawal, and marking co-publishers."""

import datetime

import pytest
from django.db import IntegrityError

from declaration.errors import (
    NotOrganisationAdmin,
    OrganisationClosed,
    PossibleDuplicateOrganisation,
    ReasonRequired,
    TransitionNotAllowed,
)
from declaration.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
    Signing,
    SigningStatus,
)
from declaration.services import moderation, moderation_withdrawal
from declaration.services.moderation import (
    signing_co_publisher_set,
    signing_publish,
    signing_reject,
)
from declaration.services.moderation_withdrawal import signing_unpublish, signing_withdraw_published
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    MembershipFactory,
    OrganisationFactory,
    SigningFactory,
)

pytestmark = pytest.mark.django_db

OTHER_STATES = ["draft", "submitted", "published", "rejected", "withdrawn", "unpublished"]


@pytest.fixture
def staff():
    return UserFactory(staff=True, email="moderator@communities.gov.uk")


@pytest.fixture
def broken_audit(monkeypatch):
    """Make the transition's own audit write fail, as a lost connection would."""

    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (moderation, moderation_withdrawal):
        monkeypatch.setattr(module, "audit_record", fail)


def signing_in(state: str, **kwargs) -> Signing:
    traits = {} if state == "published" else {state: True}
    return SigningFactory.create(**traits, **kwargs)


def emails_to(address: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(recipient=address).order_by("pk"))


def snapshot(signing: Signing) -> dict:
    """Return every field of the signing as saved, to show that nothing changed."""
    saved = Signing.objects.get(pk=signing.pk)
    return {field.attname: getattr(saved, field.attname) for field in Signing._meta.fields}


class TestSigningPublish:
    def test_publishes_and_records_who_when_the_signing_is_pending(self, staff):
        """The signing is published, with when and by whom, and the event is audited."""
        signing = SigningFactory(submitted=True)

        signing_publish(signing=signing, published_by=staff)

        signing.refresh_from_db()
        assert signing.status == SigningStatus.PUBLISHED
        assert signing.published_by == staff
        assert signing.published_at is not None
        event = AuditEvent.objects.get(verb="declaration.signing.published")
        assert event.actor == staff
        assert event.target_object_id == str(signing.pk)

    def test_makes_the_signer_organisation_admin_when_they_were_not_a_member(self, staff):
        signing = SigningFactory(submitted=True)

        signing_publish(signing=signing, published_by=staff)

        membership = Membership.objects.get(user=signing.signer, organisation=signing.organisation)
        assert membership.role == MembershipRole.ADMIN
        assert membership.is_approved
        assert membership.approved_by == staff
        assert AuditEvent.objects.filter(verb="declaration.membership.added").exists()

    def test_approves_and_upgrades_the_signer_when_they_were_waiting_to_join(self, staff):
        signing = SigningFactory(submitted=True)
        waiting = MembershipFactory(
            user=signing.signer, organisation=signing.organisation, pending=True
        )

        signing_publish(signing=signing, published_by=staff)

        waiting.refresh_from_db()
        assert waiting.is_approved
        assert waiting.role == MembershipRole.ADMIN
        assert Membership.objects.filter(user=signing.signer).count() == 1

    def test_upgrades_the_signer_when_they_were_an_ordinary_member(self, staff):
        signing = SigningFactory(submitted=True)
        member = MembershipFactory(user=signing.signer, organisation=signing.organisation)

        signing_publish(signing=signing, published_by=staff)

        member.refresh_from_db()
        assert member.role == MembershipRole.ADMIN

    def test_creates_the_organisation_when_the_signer_described_one_not_in_the_register(
        self, staff
    ):
        """The organisation is created through the service, with its type, website and region."""
        signing = SigningFactory(
            submitted=True,
            unlisted=True,
            proposed_name="Borsetshire Fire and Rescue Service",
            proposed_type=OrganisationType.FIRE_AND_RESCUE,
            proposed_website="https://www.borsetshire-fire.example",
            proposed_region="South West",
        )

        signing_publish(signing=signing, published_by=staff)

        signing.refresh_from_db()
        organisation = signing.organisation
        assert organisation.name == "Borsetshire Fire and Rescue Service"
        assert organisation.slug == "borsetshire-fire-and-rescue-service"
        assert organisation.organisation_type == OrganisationType.FIRE_AND_RESCUE
        assert organisation.website == "https://www.borsetshire-fire.example"
        assert organisation.region == "South West"
        assert organisation.register_code == ""
        assert AuditEvent.objects.filter(
            verb="declaration.organisation.created", target_object_id=str(organisation.pk)
        ).exists()
        assert Membership.objects.get(user=signing.signer, organisation=organisation).is_admin

    def test_numbers_the_slug_when_an_organisation_has_the_name_already(self, staff):
        OrganisationFactory(name="Borsetshire Fire", slug="borsetshire-fire")
        OrganisationFactory(name="Borsetshire Fire", slug="borsetshire-fire-2")
        signing = SigningFactory(submitted=True, unlisted=True, proposed_name="Borsetshire Fire")

        signing_publish(signing=signing, published_by=staff, different_organisation_confirmed=True)

        signing.refresh_from_db()
        assert signing.organisation.slug == "borsetshire-fire-3"

    def test_refuses_and_changes_nothing_when_an_unlisted_name_is_like_a_listed_one(self, staff):
        """The register may have gained the organisation since the signer described it."""
        signing = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire and Rescue"
        )
        OrganisationFactory(name="Borsetshire Fire & Rescue Service", slug="borsetshire-fire")
        organisations = Organisation.objects.count()
        before = snapshot(signing)

        with pytest.raises(PossibleDuplicateOrganisation) as refusal:
            signing_publish(signing=signing, published_by=staff)

        assert str(refusal.value) == (
            "Borsetshire Fire and Rescue may be an organisation that is already listed: "
            "Borsetshire Fire & Rescue Service (borsetshire-fire). If it is a different "
            "organisation, publish it with “Publish anyway: it is a different organisation”; "
            "if not, reject it."
        )
        assert snapshot(signing) == before
        assert Organisation.objects.count() == organisations
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_refuses_the_second_of_two_like_unlisted_signings_once_the_first_is_published(
        self, staff
    ):
        """Publishing the first creates its organisation, which the second's name is like."""
        first = SigningFactory(submitted=True, unlisted=True, proposed_name="Ambridge Fire")
        second = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Ambridge Fire Service"
        )
        signing_publish(signing=first, published_by=staff)

        with pytest.raises(PossibleDuplicateOrganisation):
            signing_publish(signing=second, published_by=staff)

        assert snapshot(second)["status"] == SigningStatus.SUBMITTED

    def test_publishes_and_audits_the_confirmation_when_staff_say_it_is_different(self, staff):
        OrganisationFactory(name="Borsetshire Fire", slug="borsetshire-fire")
        signing = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire Cadets"
        )

        signing_publish(signing=signing, published_by=staff, different_organisation_confirmed=True)

        signing.refresh_from_db()
        assert signing.status == SigningStatus.PUBLISHED
        assert signing.organisation.name == "Borsetshire Fire Cadets"
        event = AuditEvent.objects.get(verb="declaration.signing.published")
        assert event.data == {
            "organisation": "borsetshire-fire-cadets",
            "confirmed_different_from": ["borsetshire-fire"],
        }

    def test_refuses_and_changes_nothing_when_the_organisation_has_closed(self, staff):
        """An organisation that closed while its signing waited cannot join the list."""
        signing = SigningFactory(
            submitted=True,
            organisation=OrganisationFactory(name="Borsetshire District Council", closed=True),
        )
        before = snapshot(signing)

        with pytest.raises(OrganisationClosed) as refusal:
            signing_publish(signing=signing, published_by=staff)

        assert str(refusal.value).startswith("Borsetshire District Council closed on ")
        assert str(refusal.value).endswith(
            ", so its signing cannot be published. Reject it, with a reason."
        )
        assert snapshot(signing) == before
        assert not Membership.objects.exists()
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_emails_the_signer_a_link_to_the_signatory_page_and_tells_the_digital_lead(self, staff):
        organisation = OrganisationFactory(name="Borsetshire District Council", slug="borsetshire")
        signing = SigningFactory(
            submitted=True,
            organisation=organisation,
            digital_lead_email="lead@borsetshire.gov.uk",
        )

        signing_publish(signing=signing, published_by=staff)

        (to_signer,) = emails_to(signing.signer.email)
        assert to_signer.subject == (
            "Borsetshire District Council has signed the Local Digital Declaration"
        )
        assert "http://testserver/signatories/borsetshire/" in to_signer.body_text
        assert "organisation admin" in to_signer.body_text
        (to_lead,) = emails_to("lead@borsetshire.gov.uk")
        assert "digital lead" in to_lead.body_text
        assert "http://testserver/declaration/" in to_lead.body_text

    def test_emails_once_when_the_digital_lead_is_the_signer(self, staff):
        signing = SigningFactory(submitted=True)
        signing.digital_lead_email = signing.signer.email.upper()
        signing.save()

        signing_publish(signing=signing, published_by=staff)

        assert OutgoingEmail.objects.count() == 1

    def test_sends_once_when_publishing_is_tried_twice(self, staff):
        """The second attempt is refused, and nobody is emailed again."""
        signing = SigningFactory(submitted=True, digital_lead_email="lead@example.gov.uk")
        signing_publish(signing=signing, published_by=staff)

        with pytest.raises(TransitionNotAllowed):
            signing_publish(signing=signing, published_by=staff)

        assert OutgoingEmail.objects.count() == 2
        assert AuditEvent.objects.filter(verb="declaration.signing.published").count() == 1

    def test_sends_the_emails_after_commit_when_publishing(
        self, staff, mailoutbox, django_capture_on_commit_callbacks
    ):
        signing = SigningFactory(submitted=True, digital_lead_email="lead@example.gov.uk")

        with django_capture_on_commit_callbacks(execute=True):
            signing_publish(signing=signing, published_by=staff)

        assert sorted(message.to[0] for message in mailoutbox) == sorted(
            [signing.signer.email, "lead@example.gov.uk"]
        )

    @pytest.mark.parametrize("state", [s for s in OTHER_STATES if s != "submitted"])
    def test_refuses_and_changes_nothing_when_the_signing_is_not_pending(self, staff, state):
        signing = signing_in(state)
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed):
            signing_publish(signing=signing, published_by=staff)

        assert snapshot(signing) == before
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit):
        """Organisation, membership and emails all go with the failed transaction."""
        signing = SigningFactory(submitted=True, unlisted=True)
        organisations = Organisation.objects.count()

        with pytest.raises(IntegrityError):
            signing_publish(signing=signing, published_by=staff)

        assert snapshot(signing)["status"] == SigningStatus.SUBMITTED
        assert Organisation.objects.count() == organisations
        assert not Membership.objects.exists()
        assert not AuditEvent.objects.exists()
        assert not OutgoingEmail.objects.exists()


class TestSigningReject:
    def test_rejects_with_the_reason_when_the_signing_is_pending(self, staff):
        signing = SigningFactory(submitted=True)

        signing_reject(signing=signing, rejected_by=staff, reason="  We could not verify you. ")

        signing.refresh_from_db()
        assert signing.status == SigningStatus.REJECTED
        assert signing.rejection_reason == "We could not verify you."
        assert signing.rejected_by == staff
        assert signing.rejected_at is not None
        event = AuditEvent.objects.get(verb="declaration.signing.rejected")
        assert event.data == {"reason": "We could not verify you."}

    def test_emails_the_signer_the_reason_when_rejecting(self, staff):
        signing = SigningFactory(submitted=True)

        signing_reject(signing=signing, rejected_by=staff, reason="We could not verify you.")

        (email,) = emails_to(signing.signer.email)
        assert "We could not verify you." in email.body_text
        assert signing.reference in email.body_text
        assert "http://testserver/account/" in email.body_text

    @pytest.mark.parametrize("reason", ["", "   \n "])
    def test_refuses_and_changes_nothing_when_no_reason_is_given(self, staff, reason):
        signing = SigningFactory(submitted=True)
        before = snapshot(signing)

        with pytest.raises(ReasonRequired):
            signing_reject(signing=signing, rejected_by=staff, reason=reason)

        assert snapshot(signing) == before
        assert not OutgoingEmail.objects.exists()

    @pytest.mark.parametrize("state", [s for s in OTHER_STATES if s != "submitted"])
    def test_refuses_and_changes_nothing_when_the_signing_is_not_pending(self, staff, state):
        signing = signing_in(state)
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed):
            signing_reject(signing=signing, rejected_by=staff, reason="No.")

        assert snapshot(signing) == before
        assert not AuditEvent.objects.exists()

    def test_sends_once_when_rejecting_is_tried_twice(self, staff):
        signing = SigningFactory(submitted=True)
        signing_reject(signing=signing, rejected_by=staff, reason="No.")

        with pytest.raises(TransitionNotAllowed):
            signing_reject(signing=signing, rejected_by=staff, reason="No.")

        assert OutgoingEmail.objects.count() == 1

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit):
        signing = SigningFactory(submitted=True)
        before = snapshot(signing)

        with pytest.raises(IntegrityError):
            signing_reject(signing=signing, rejected_by=staff, reason="No.")

        assert snapshot(signing) == before
        assert not OutgoingEmail.objects.exists()


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


class TestSigningCoPublisherSet:
    @pytest.fixture
    def version_2(self):
        return DeclarationVersionFactory(number=2, published_on=datetime.date(2019, 1, 1))

    def test_marks_dates_and_versions_it_4_july_2018_when_the_signing_is_published(
        self, staff, version_2
    ):
        """A co-publisher signed the Declaration as published that day: version 1."""
        signing = SigningFactory(signed_on=datetime.date(2019, 1, 10), version=version_2)

        signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        signing.refresh_from_db()
        assert signing.co_publisher
        assert signing.signed_on == datetime.date(2018, 7, 4)
        assert signing.version.number == 1
        event = AuditEvent.objects.get(verb="declaration.signing.co_publisher_set")
        assert event.data == {
            "co_publisher": True,
            "signed_on": "2018-07-04",
            "previous_signed_on": "2019-01-10",
            "version": 1,
            "previous_version": 2,
        }

    def test_changes_nothing_when_it_is_already_a_co_publisher(self, staff):
        signing = SigningFactory(co_published=True)

        signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        assert not AuditEvent.objects.exists()

    def test_keeps_the_date_and_version_and_audits_when_unmarking(self, staff):
        signing = SigningFactory(co_published=True)

        signing_co_publisher_set(signing=signing, co_publisher=False, changed_by=staff)

        signing.refresh_from_db()
        assert not signing.co_publisher
        assert signing.signed_on == datetime.date(2018, 7, 4)
        assert signing.version.number == 1
        event = AuditEvent.objects.get(verb="declaration.signing.co_publisher_set")
        assert (event.actor, event.data["co_publisher"]) == (staff, False)

    @pytest.mark.parametrize(
        "state", ["draft", "submitted", "rejected", "withdrawn", "unpublished"]
    )
    def test_refuses_to_mark_when_the_signing_is_not_published(self, staff, state):
        """A pending signing may yet be rejected: only signatories are co-publishers."""
        signing = signing_in(state)
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed, match="Only a published signing can be marked"):
            signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        assert snapshot(signing) == before
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("state", ["submitted", "unpublished", "withdrawn"])
    def test_refuses_to_unmark_when_the_signing_is_not_published(self, staff, state):
        signing = signing_in(state, co_publisher=True, signed_on=datetime.date(2018, 7, 4))
        before = snapshot(signing)

        with pytest.raises(TransitionNotAllowed, match="Only a published signing can be unmarked"):
            signing_co_publisher_set(signing=signing, co_publisher=False, changed_by=staff)

        assert snapshot(signing) == before

    def test_writes_nothing_when_the_audit_fails(self, staff, broken_audit, version_2):
        signing = SigningFactory(version=version_2)
        before = snapshot(signing)

        with pytest.raises(IntegrityError):
            signing_co_publisher_set(signing=signing, co_publisher=True, changed_by=staff)

        assert snapshot(signing) == before
