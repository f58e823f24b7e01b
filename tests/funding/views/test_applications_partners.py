"""The partners page of a full application, and the partner's confirmation page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import ApplicationPartner
from localdigital.mail.models import OutgoingEmail
from tests.funding.factories import ApplicationFactory, ApplicationPartnerFactory, SignatoryFactory
from tests.funding.support import signed_in

pytestmark = pytest.mark.django_db


class TestPartners:
    def test_adds_a_partner_and_emails_its_contact(self, client):
        application = ApplicationFactory()
        partner = SignatoryFactory()
        signed_in(client, application.created_by)

        response = client.post(
            reverse("funding:application-partners", args=[application.reference]),
            {"organisation": partner.slug, "contact_name": "Jo", "contact_email": "jo@x.gov.uk"},
            follow=True,
        )

        assert "We have emailed jo@x.gov.uk" in response.content.decode()
        assert OutgoingEmail.objects.filter(recipient="jo@x.gov.uk").exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"organisation": "", "contact_name": "Jo", "contact_email": "jo@x.gov.uk"},
                "Select the partner organisation",
            ),
            (
                {"organisation": "ok", "contact_name": "", "contact_email": "jo@x.gov.uk"},
                "Enter the name of the contact",
            ),
            (
                {"organisation": "ok", "contact_name": "Jo", "contact_email": "jo"},
                "Enter an email address in the correct format",
            ),
        ],
    )
    def test_invalid_partner_details_keep_what_was_typed(self, client, data, message):
        application = ApplicationFactory()
        SignatoryFactory(slug="ok")
        signed_in(client, application.created_by)

        response = client.post(
            reverse("funding:application-partners", args=[application.reference]), data
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert message in page
        assert "govuk-error-summary" in page
        assert not ApplicationPartner.objects.exists()

    def test_changes_a_contact_resends_and_removes(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        signed_in(client, application.created_by)
        reference = application.reference

        client.post(
            reverse("funding:application-partner-contact", args=[reference, partner.pk]),
            {"contact_name": "New", "contact_email": "new@x.gov.uk"},
        )
        client.post(reverse("funding:application-partner-resend", args=[reference, partner.pk]))
        assert OutgoingEmail.objects.filter(recipient="new@x.gov.uk").count() == 2

        response = client.post(
            reverse("funding:application-partner-contact", args=[reference, partner.pk]),
            {"contact_name": "", "contact_email": "bad"},
        )
        assert "Enter the name of the contact" in response.content.decode()

        client.post(reverse("funding:application-partner-remove", args=[reference, partner.pk]))
        assert not ApplicationPartner.objects.exists()


class TestPartnerConfirmation:
    def confirm_link(self, application, partner) -> str:
        email = OutgoingEmail.objects.filter(recipient=partner.contact_email).latest("pk")
        return next(w for w in email.body_text.split() if "partners/confirm/?token=" in w)

    def test_opening_the_link_confirms_nothing_and_pressing_confirm_does(self, client):
        application = ApplicationFactory(title="Missed bins")
        partner = ApplicationPartnerFactory(application=application)
        client.force_login(application.created_by)
        client.post(
            reverse("funding:application-partner-resend", args=[application.reference, partner.pk])
        )
        link = self.confirm_link(application, partner)
        client.logout()

        opened = client.get(link)
        assert opened.status_code == 302
        assert "token" not in opened.url
        page = client.get(opened.url).content.decode()
        assert "Missed bins" in page
        partner.refresh_from_db()
        assert not partner.is_confirmed

        confirmed = client.post(opened.url)
        assert confirmed.status_code == 302
        assert "part is confirmed" in client.get(confirmed.url).content.decode()
        partner.refresh_from_db()
        assert partner.is_confirmed

    def test_a_made_up_link_gets_a_clear_page(self, client):
        response = client.get(reverse("funding:partner-confirm") + "?token=made-up", follow=True)

        assert response.status_code == 404
        assert "This confirmation link does not work" in response.content.decode()
