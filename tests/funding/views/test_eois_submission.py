"""Submitting an expression of interest, withdrawing it, and deleting a draft
(funding/views/eois_submission.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import EoiStatus, ExpressionOfInterest
from tests.funding.factories import EoiFactory, SignatoryFactory, member_of
from tests.funding.support import signed_in

pytestmark = pytest.mark.django_db


class TestSubmit:
    def test_lists_what_is_missing_before_submitting(self, client):
        eoi = EoiFactory(title="")
        signed_in(client, eoi.created_by)

        page = client.get(reverse("funding:eoi-submit", args=[eoi.reference])).content.decode()

        assert "Before you can submit" in page
        assert "title" in page
        assert "at least 2 organisations" in page
        assert "Submit expression of interest" not in page

    def test_a_refused_submission_shows_the_rules_as_an_error_summary(self, client):
        eoi = EoiFactory()
        signed_in(client, eoi.created_by)

        response = client.post(reverse("funding:eoi-submit", args=[eoi.reference]))

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert "at least 2 organisations" in page
        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.DRAFT

    def test_submits_and_shows_the_reference(self, client):
        eoi = EoiFactory(partners=[SignatoryFactory()])
        signed_in(client, eoi.created_by)

        response = client.post(reverse("funding:eoi-submit", args=[eoi.reference]), follow=True)

        page = response.content.decode()
        assert "Expression of interest submitted" in page
        assert eoi.reference in page
        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.SUBMITTED


class TestWithdraw:
    def test_asks_then_withdraws(self, client):
        eoi = EoiFactory(submitted=True)
        signed_in(client, eoi.created_by)
        url = reverse("funding:eoi-withdraw", args=[eoi.reference])

        assert "Are you sure" in client.get(url).content.decode()
        client.post(url)

        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.WITHDRAWN


class TestDelete:
    def test_asks_are_you_sure_then_deletes_and_goes_to_the_account(self, client):
        eoi = EoiFactory(title="Missed bins")
        signed_in(client, eoi.created_by)
        url = reverse("funding:eoi-delete", args=[eoi.reference])

        page = client.get(url).content.decode()
        assert "Are you sure you want to delete the draft “Missed bins”?" in page
        assert f"Members of {eoi.lead_organisation.name}" in page

        response = client.post(url)

        assert response.status_code == 302
        assert response.url == reverse("pages:account")
        assert not ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()
        page = client.get(response.url).content.decode()
        assert "You have deleted the draft expression of interest “Missed bins”" in page

    def test_the_draft_and_the_account_link_to_it(self, client):
        eoi = EoiFactory()
        signed_in(client, eoi.created_by)
        url = reverse("funding:eoi-delete", args=[eoi.reference])

        assert (
            url in client.get(reverse("funding:eoi-detail", args=[eoi.reference])).content.decode()
        )
        assert url in client.get(reverse("pages:account")).content.decode()

    def test_a_partner_member_is_told_who_can_and_nothing_is_deleted(self, client):
        partner = SignatoryFactory()
        eoi = EoiFactory(partners=[partner])
        signed_in(client, member_of(partner))
        url = reverse("funding:eoi-delete", args=[eoi.reference])

        assert url not in client.get(reverse("pages:account")).content.decode()
        response = client.post(url, follow=True)

        assert f"Only members of {eoi.lead_organisation.name} can delete" in (
            response.content.decode()
        )
        assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()

    def test_a_submitted_one_cannot_be_deleted(self, client):
        eoi = EoiFactory(submitted=True)
        signed_in(client, eoi.created_by)

        client.post(reverse("funding:eoi-delete", args=[eoi.reference]))

        assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()
