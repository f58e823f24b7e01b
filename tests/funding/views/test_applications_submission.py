"""Checking and submitting a full application, withdrawing it, and deleting a draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import Application, ApplicationStatus
from tests.funding.factories import ApplicationFactory, ApplicationPartnerFactory, member_of
from tests.funding.support import section_url, signed_in

pytestmark = pytest.mark.django_db


class TestCheckAndSubmit:
    def test_lists_what_is_left_with_links_to_each_section(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-check", args=[application.reference])
        ).content.decode()

        assert "Before you can submit" in page
        assert section_url(application, "budget") in page
        assert "Submit application" not in page

    def test_submits_a_ready_application(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)

        response = client.post(
            reverse("funding:application-check", args=[application.reference]), follow=True
        )

        assert "Application submitted" in response.content.decode()
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED

    def test_a_refused_submission_shows_an_error_summary(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application)
        signed_in(client, application.created_by)

        response = client.post(reverse("funding:application-check", args=[application.reference]))

        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "has not confirmed its part yet" in page

    def test_a_partner_member_cannot_submit(self, client):
        application = ApplicationFactory(complete=True)
        partner = ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, member_of(partner.organisation))

        client.post(reverse("funding:application-check", args=[application.reference]))

        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT

    def test_withdraws_with_a_reason(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        client.post(
            reverse("funding:application-withdraw", args=[application.reference]),
            {"reason": "Merged with another bid"},
        )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.WITHDRAWN
        response = client.post(
            reverse(
                "funding:application-withdraw",
                args=[
                    ApplicationFactory(
                        lead_organisation=application.lead_organisation,
                        created_by=application.created_by,
                    ).reference
                ],
            ),
            {"reason": "x" * 5001},
        )
        assert "must be 5,000 characters or fewer" in response.content.decode()

    def test_the_history_shows_who_changed_what(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)
        client.post(
            section_url(application, "users"),
            {"users_and_needs": "Residents", "completed": "no", "version": "0"},
        )

        page = client.get(
            reverse("funding:application-history", args=[application.reference])
        ).content.decode()

        assert "Saved users and their needs" in page
        assert application.created_by.full_name in page


class TestDelete:
    def test_asks_are_you_sure_then_deletes_and_goes_to_the_account(self, client):
        application = ApplicationFactory(title="Missed bins")
        ApplicationPartnerFactory(application=application)
        signed_in(client, application.created_by)
        url = reverse("funding:application-delete", args=[application.reference])

        page = client.get(url).content.decode()
        assert "Are you sure you want to delete the draft “Missed bins”?" in page
        assert f"Members of {application.lead_organisation.name}" in page
        assert "Members of its partner organisations work on it, but cannot delete it" in page

        response = client.post(url)

        assert response.url == reverse("pages:account")
        assert not Application.objects.filter(pk=application.pk).exists()
        assert "You have deleted the draft application “Missed bins”" in (
            client.get(response.url).content.decode()
        )

    def test_the_task_list_and_the_account_link_to_it_for_the_lead_only(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        url = reverse("funding:application-delete", args=[application.reference])
        detail = reverse("funding:application-detail", args=[application.reference])

        signed_in(client, application.created_by)
        assert url in client.get(detail).content.decode()
        assert url in client.get(reverse("pages:account")).content.decode()

        signed_in(client, member_of(partner.organisation))
        assert url not in client.get(detail).content.decode()
        assert url not in client.get(reverse("pages:account")).content.decode()

    def test_a_partner_member_is_told_who_can_and_nothing_is_deleted(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        signed_in(client, member_of(partner.organisation))

        response = client.post(
            reverse("funding:application-delete", args=[application.reference]), follow=True
        )

        assert f"Only members of {application.lead_organisation.name} can delete" in (
            response.content.decode()
        )
        assert Application.objects.filter(pk=application.pk).exists()
