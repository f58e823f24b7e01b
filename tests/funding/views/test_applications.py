"""The application's own pages: its task list, who may see them, and the round's rules shown
where the answer is given. Each step's pages are tested beside it, in
test_applications_<step>.py."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import ApplicationPartner, Section
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)
from tests.funding.support import section_url, signed_in, task_status

pytestmark = pytest.mark.django_db


def task_hint(page: str, key: str) -> str:
    """Return the hint under a task, which says what is left to do in it."""
    match = re.search(rf'id="task-{key}-hint">(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


class TestWhoMaySeeIt:
    NAMES = [
        "application-detail",
        "application-partners",
        "application-history",
        "application-check",
        "application-withdraw",
    ]

    @pytest.mark.parametrize("name", NAMES)
    def test_a_member_of_an_organisation_outside_the_bid_gets_not_found(self, client, name):
        application = ApplicationFactory()
        ApplicationPartnerFactory(application=application)
        signed_in(client, member_of(SignatoryFactory()))

        assert (
            client.get(reverse(f"funding:{name}", args=[application.reference])).status_code == 404
        )

    def test_a_stranger_cannot_save_a_section_or_add_a_partner(self, client):
        application = ApplicationFactory()
        signed_in(client, member_of(SignatoryFactory()))

        saved = client.post(
            section_url(application, "users"),
            {"users_and_needs": "Hijacked", "completed": "no", "version": "0"},
        )
        added = client.post(
            reverse("funding:application-partners", args=[application.reference]),
            {
                "organisation": SignatoryFactory().slug,
                "contact_name": "A",
                "contact_email": "a@b.c",
            },
        )

        assert (saved.status_code, added.status_code) == (404, 404)
        application.refresh_from_db()
        assert application.users_and_needs == ""
        assert not ApplicationPartner.objects.exists()

    def test_a_partner_member_edits_the_draft(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        signed_in(client, member_of(partner.organisation))

        client.post(
            section_url(application, "users"),
            {"users_and_needs": "From the partner", "completed": "no", "version": "0"},
        )

        application.refresh_from_db()
        assert application.users_and_needs == "From the partner"

    def test_a_pending_member_gets_not_found(self, client):
        application = ApplicationFactory()
        signed_in(
            client, MembershipFactory(organisation=application.lead_organisation, pending=True).user
        )

        assert (
            client.get(
                reverse("funding:application-detail", args=[application.reference])
            ).status_code
            == 404
        )


class TestTaskList:
    """Each task's status comes from the rules submission checks, not from a stored flag."""

    def test_the_team_is_no_longer_completed_once_a_partner_without_a_role_is_added(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)
        detail = reverse("funding:application-detail", args=[application.reference])
        assert task_status(client.get(detail).content.decode(), "team") == "Completed"

        client.post(
            reverse("funding:application-partners", args=[application.reference]),
            {
                "organisation": SignatoryFactory(name="London Borough of Camden").slug,
                "contact_name": "Jo",
                "contact_email": "jo@camden.gov.uk",
            },
        )

        page = client.get(detail).content.decode()
        assert task_status(page, "team") != "Completed"
        assert "Say what London Borough of Camden will do" in task_hint(page, "team")
        assert task_status(page, "partners") != "Completed"

    def test_the_partners_are_not_completed_while_too_few_take_part(self, client):
        application = ApplicationFactory(complete=True, round=RoundFactory(min_participants=3))
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-detail", args=[application.reference])
        ).content.decode()

        assert task_status(page, "partners") != "Completed"
        assert "need at least 3 organisations" in task_hint(page, "partners")

    def test_a_ready_application_shows_every_task_completed(self, client):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application, confirmed=True)
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-detail", args=[application.reference])
        ).content.decode()

        assert [task_status(page, key) for key in [*Section.values, "partners"]] == [
            "Completed"
        ] * (len(Section) + 1)
        assert "You have completed 8 of 8 parts" in page


class TestRulesWhereTheAnswerIsGiven:
    def test_an_amount_over_its_phases_cap_is_an_error_beside_it(self, client):
        """A £90,000 request for a discovery, capped at £80,000, is refused on the budget
        page, not accepted and left to submission."""
        application = ApplicationFactory(complete=True)
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "90,000",
                "line_count": "1",
                "line_1_description": "Kept line",
                "line_1_amount": "90000",
                "completed": "no",
                "version": "1",
            },
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert 'href="#id_requested_amount"' in page
        assert 'id="id_requested_amount_1_error"' in page
        assert "must be £80,000 or less for a discovery project (it is £90,000)" in page
        assert "Kept line" in page
        application.refresh_from_db()
        assert application.requested_amount == Decimal(60000)

    def test_a_phase_whose_cap_is_below_the_amount_is_an_error_beside_it(self, client):
        application = ApplicationFactory(complete=True, phase="alpha", requested_amount=200000)
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "approach"),
            {"approach": "Research", "phase": "discovery", "completed": "yes", "version": "1"},
        )

        page = response.content.decode()
        assert 'href="#id_phase_1"' in page
        assert "must be £80,000 or less for a discovery project (it is £200,000)" in page

    def test_a_partner_that_has_not_signed_is_added_with_a_warning_not_a_success(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)
        url = reverse("funding:application-partners", args=[application.reference])

        response = client.post(
            url,
            {
                "organisation": OrganisationFactory(name="Unsigned Borough Council").slug,
                "contact_name": "Jo",
                "contact_email": "jo@unsigned.gov.uk",
            },
            follow=True,
        )

        page = response.content.decode()
        assert "Success" not in page
        assert "Unsigned Borough Council has not signed the Local Digital Declaration" in page
        assert "govuk-warning-text" in page

    def test_the_partners_page_warns_of_each_confirmation_still_to_come(self, client):
        application = ApplicationFactory()
        ApplicationPartnerFactory(
            application=application,
            organisation=SignatoryFactory(name="Borchester City Council"),
            contact_email="jo@borchester.gov.uk",
        )
        signed_in(client, application.created_by)

        page = client.get(
            reverse("funding:application-partners", args=[application.reference])
        ).content.decode()

        assert "govuk-warning-text" in page
        assert "Borchester City Council has not confirmed its part yet" in page
