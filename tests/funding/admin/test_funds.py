"""A fund's pages, saved through ``funding.services.funds``: adding and changing are audited,
a page saved unchanged records nothing, what the form refuses is shown beside the field with
what was typed kept, and a fund that has run a round is not deleted: the page says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.admin.rounds import FundAdmin
from funding.models import Fund
from localdigital.audit.models import AuditEvent
from tests.funding.admin_support import errors_of
from tests.funding.factories import FundFactory, RoundFactory
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db

ADD_FUND = reverse("admin:funding_fund_add")
FUNDS = reverse("admin:funding_fund_changelist")


def change_url(fund) -> str:
    return reverse("admin:funding_fund_change", args=[fund.pk])


def delete_url(fund) -> str:
    return reverse("admin:funding_fund_delete", args=[fund.pk])


def data(**fields) -> dict:
    return {"name": "Digital Skills Fund", "slug": "digital-skills", "summary": "", **fields}


class TestSaved:
    def test_a_fund_added_is_audited(self, client, fund_manager):
        response = client.post(ADD_FUND, data(summary="Skills."))

        assert response.status_code == 302
        fund = Fund.objects.get(slug="digital-skills")
        event = AuditEvent.objects.get(verb="funding.fund.created")
        assert event.actor == fund_manager
        assert event.target_object_id == str(fund.pk)
        assert event.data["values"]["summary"] == "Skills."

    def test_a_fund_changed_is_audited_with_what_changed(self, client):
        fund = FundFactory(name="Local Digital Fund", slug="local-digital-fund")

        response = client.post(
            change_url(fund), data(name="Local Digital Fund", slug="local-digital-fund")
        )
        unchanged = AuditEvent.objects.exists()
        client.post(change_url(fund), data(name="LDF", slug="local-digital-fund"))

        assert response.status_code == 302
        assert not unchanged
        event = AuditEvent.objects.get(verb="funding.fund.updated")
        assert event.data == {
            "changes": [{"field": "name", "old": "Local Digital Fund", "new": "LDF"}]
        }

    def test_a_slug_another_fund_has_is_refused_beside_it_keeping_what_was_typed(self, client):
        FundFactory(slug="taken")

        response = client.post(ADD_FUND, data(name="Typed name", slug="taken"))

        assert errors_of(response)["slug"] == ["Fund with this Slug already exists."]
        assert 'value="Typed name"' in response.text
        assert Fund.objects.count() == 1
        assert not AuditEvent.objects.exists()


class TestDeleted:
    def test_a_fund_with_no_round_is_deleted_and_audited(self, otp_verified_superuser_client):
        fund = FundFactory()

        response = otp_verified_superuser_client.post(delete_url(fund), {"post": "yes"})

        assert response.status_code == 302
        assert not Fund.objects.exists()
        assert AuditEvent.objects.get(verb="funding.fund.deleted").data["name"] == fund.name

    def test_the_page_of_a_fund_that_has_run_a_round_names_it_and_deletes_nothing(
        self, otp_verified_superuser_client
    ):
        fund = FundFactory()
        RoundFactory(fund=fund, name="Round 1")

        page = otp_verified_superuser_client.get(delete_url(fund))
        posted = otp_verified_superuser_client.post(delete_url(fund), {"post": "yes"})

        assert page.status_code == posted.status_code == 200
        assert "protected related objects" in page.text
        assert "Round 1" in page.text
        assert Fund.objects.filter(pk=fund.pk).exists()
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("page", ["delete", "list"])
    def test_a_round_added_since_the_page_opened_is_said_on_it(
        self, otp_verified_superuser_client, monkeypatch, page
    ):
        fund = FundFactory(name="Local Digital Fund")
        RoundFactory(fund=fund)
        # As the page found the fund, before the round was added.
        monkeypatch.setattr(
            FundAdmin, "get_deleted_objects", lambda self, objs, request: ([], {}, set(), [])
        )
        if page == "delete":
            url, posted = delete_url(fund), {"post": "yes"}
            back, said = change_url(fund), "Nothing was deleted."
        else:
            url = back = FUNDS
            posted = {"action": "delete_selected", "_selected_action": [fund.pk], "post": "yes"}
            said = "Nothing was changed."

        response = otp_verified_superuser_client.post(url, posted)

        assert (response.status_code, response["Location"]) == (302, back)
        assert messages_of(response) == [
            f"{said} Local Digital Fund has run rounds, so cannot be deleted."
        ]
        assert Fund.objects.filter(pk=fund.pk).exists()
