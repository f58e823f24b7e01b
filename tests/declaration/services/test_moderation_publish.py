"""Publishing a signing: the organisation it makes or joins, its signer made its admin, the
emails, and nothing written when a part fails."""

import pytest
from django.db import IntegrityError

from declaration.errors import (
    OrganisationClosed,
    PossibleDuplicateOrganisation,
    TransitionNotAllowed,
)
from declaration.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
    SigningStatus,
)
from declaration.services.moderation import signing_publish
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.declaration.support import OTHER_STATES, signing_in, snapshot
from tests.support.mail import emails_to

pytestmark = pytest.mark.django_db


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
