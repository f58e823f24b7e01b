"""Partners of a full application: adding them and their confirmation by link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from funding.errors import DeadlinePassed, FundingError, NotPermitted
from funding.services import applications_partners as partner_services
from localdigital.mail.models import OutgoingEmail
from tests.funding.factories import ApplicationFactory, ApplicationPartnerFactory, SignatoryFactory

pytestmark = pytest.mark.django_db


def token_from(email: OutgoingEmail) -> str:
    for word in email.body_text.split():
        if "/funding/partners/confirm/?token=" in word:
            return parse_qs(urlsplit(word).query)["token"][0]
    raise AssertionError("no confirmation link in the email")


class TestPartnerConfirmation:
    def test_emails_the_contact_a_link_that_confirms_once(self):
        application = ApplicationFactory()
        organisation = SignatoryFactory()

        partner = partner_services.application_partner_add(
            application=application,
            organisation=organisation,
            contact_name="Jo Bloggs",
            contact_email="jo@partner.gov.uk",
            added_by=application.created_by,
        )

        email = OutgoingEmail.objects.get(recipient="jo@partner.gov.uk")
        assert email.is_sensitive
        token = token_from(email)
        assert partner_services.partner_for_token(token) == partner
        partner_services.application_partner_confirm(token=token)
        partner_services.application_partner_confirm(token=token)
        partner.refresh_from_db()
        assert partner.is_confirmed
        assert OutgoingEmail.objects.filter(recipient=application.created_by.email).count() == 1

    def test_a_new_contact_takes_the_confirmation_back_and_the_old_link_stops(self):
        application = ApplicationFactory()
        partner = partner_services.application_partner_add(
            application=application,
            organisation=SignatoryFactory(),
            contact_name="Jo",
            contact_email="jo@partner.gov.uk",
            added_by=application.created_by,
        )
        old = token_from(OutgoingEmail.objects.get(recipient="jo@partner.gov.uk"))
        partner_services.application_partner_confirm(token=old)

        partner_services.application_partner_contact_save(
            partner=partner,
            contact_name="Sam",
            contact_email="sam@partner.gov.uk",
            saved_by=application.created_by,
        )

        partner.refresh_from_db()
        assert not partner.is_confirmed
        with pytest.raises(NotPermitted):
            partner_services.application_partner_confirm(token=old)
        partner_services.application_partner_confirm(
            token=token_from(OutgoingEmail.objects.get(recipient="sam@partner.gov.uk"))
        )

    def test_resending_replaces_the_link(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)

        partner_services.application_partner_confirmation_resend(
            partner=partner, requested_by=application.created_by
        )
        first = token_from(OutgoingEmail.objects.get(recipient=partner.contact_email))
        partner_services.application_partner_confirmation_resend(
            partner=partner, requested_by=application.created_by
        )

        emails = OutgoingEmail.objects.filter(recipient=partner.contact_email).order_by("pk")
        assert emails.count() == 2
        with pytest.raises(NotPermitted):
            partner_services.application_partner_confirm(token=first)
        partner_services.application_partner_confirm(token=token_from(emails.last()))

    def test_refuses_a_made_up_token_and_a_link_after_the_close(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        partner_services.application_partner_confirmation_resend(
            partner=partner, requested_by=application.created_by
        )
        token = token_from(OutgoingEmail.objects.get(recipient=partner.contact_email))

        with pytest.raises(NotPermitted):
            partner_services.application_partner_confirm(token="made-up")
        with pytest.raises(DeadlinePassed):
            partner_services.application_partner_confirm(
                token=token, now=application.round.applications_close_at
            )

    def test_refuses_the_lead_as_its_own_partner_and_a_repeat(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)

        with pytest.raises(FundingError, match="leads this bid"):
            partner_services.application_partner_add(
                application=application,
                organisation=application.lead_organisation,
                contact_name="A",
                contact_email="a@example.gov.uk",
                added_by=application.created_by,
            )
        with pytest.raises(FundingError, match="already a partner"):
            partner_services.application_partner_add(
                application=application,
                organisation=partner.organisation,
                contact_name="A",
                contact_email="a@example.gov.uk",
                added_by=application.created_by,
            )
