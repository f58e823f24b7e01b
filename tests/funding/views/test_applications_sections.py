"""The section pages of a full application: each question, its errors, and saving without losing
another's edit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from funding.models import ApplicationSection, BudgetLine
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    RoundFactory,
    member_of,
)
from tests.funding.support import section_url, signed_in

pytestmark = pytest.mark.django_db


def state(application, section):
    return ApplicationSection.objects.get(application=application, section=section)


class TestSections:
    def test_saves_a_section_and_the_task_list_shows_it_completed(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "problem"),
            {
                "title": "Missed bins",
                "problem": "Calls",
                "evidence": "Figures",
                "completed": "yes",
                "version": "0",
            },
            follow=True,
        )

        page = response.content.decode()
        assert "has been saved" in page
        assert (
            state(application, "problem").is_completed,
            state(application, "problem").version,
        ) == (
            True,
            1,
        )
        assert "Completed" in page

    def test_saving_for_later_needs_no_answers_but_completing_does(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)
        data = {"title": "", "problem": "", "evidence": "", "version": "0"}

        later = client.post(section_url(application, "problem"), {**data, "completed": "no"})
        assert later.status_code == 302

        response = client.post(
            section_url(application, "problem"), {**data, "completed": "yes", "version": "1"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Enter the project title" in page
        assert "Give the evidence for the problem" in page
        assert not state(application, "problem").is_completed

    def test_asks_whether_the_section_is_complete(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "users"), {"users_and_needs": "Kept", "version": "0"}
        )

        page = response.content.decode()
        assert "Select whether you have completed this section" in page
        assert 'href="#id_completed_1"' in page
        assert "Kept" in page

    @pytest.mark.parametrize(
        ("section", "data", "message"),
        [
            ("approach", {"approach": "x", "phase": "moon"}, "Select a phase this round funds"),
            ("approach", {"approach": "x", "phase": ""}, "Select the phase of the project"),
            (
                "outputs",
                {"outputs": "x", "reuse": "x", "output_types": ["nope"]},
                "Select kinds of output from the list",
            ),
            (
                "outputs",
                {"outputs": "x", "reuse": "x"},
                "Select at least one kind of output you will share",
            ),
            (
                "stakeholder",
                {
                    "stakeholder_name": "A",
                    "stakeholder_job_title": "B",
                    "stakeholder_email": "not-an-email",
                },
                "correct format",
            ),
            (
                "budget",
                {"requested_amount": "ten pounds", "line_count": "1"},
                "must be an amount in pounds",
            ),
            (
                "budget",
                {
                    "requested_amount": "100",
                    "line_count": "1",
                    "line_1_description": "Research",
                    "line_1_amount": "",
                },
                "Enter the amount of line 1",
            ),
            (
                "budget",
                {
                    "requested_amount": "100",
                    "line_count": "1",
                    "line_1_description": "",
                    "line_1_amount": "100",
                },
                "Say what line 1 pays for",
            ),
            (
                "budget",
                {"requested_amount": "100", "line_count": "1"},
                "Add at least one budget line",
            ),
            (
                "budget",
                {
                    "requested_amount": "100",
                    "line_count": "2",
                    "line_1_description": "A",
                    "line_1_amount": "60",
                    "line_2_description": "B",
                    "line_2_amount": "30",
                },
                "The budget lines add up to £90, but the amount requested is £100.",
            ),
        ],
    )
    def test_invalid_answers_get_a_gov_uk_error_and_keep_the_input(
        self, client, section, data, message
    ):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, section), {**data, "completed": "yes", "version": "0"}
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert message in page
        assert state(application, section).version == 0

    def test_the_budget_saves_its_lines(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "£50,000",
                "line_count": "3",
                "line_1_description": "Researcher",
                "line_1_amount": "30,000",
                "line_2_description": "Developer",
                "line_2_amount": "20000",
                "line_3_description": "",
                "line_3_amount": "",
                "completed": "yes",
                "version": "0",
            },
        )

        application.refresh_from_db()
        assert application.requested_amount == Decimal(50000)
        assert list(
            BudgetLine.objects.filter(application=application).values_list("description", "amount")
        ) == [("Researcher", Decimal(30000)), ("Developer", Decimal(20000))]

    def test_add_another_line_keeps_what_was_typed_and_shows_a_row_more_after_a_redirect(
        self, client
    ):
        """ "Add another line" saves the answers so far, as not yet complete, and redirects
        to the section with one more row: Back never offers to send the form again."""
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "500",
                "line_count": "1",
                "line_1_description": "Kept line",
                "line_1_amount": "500",
                "version": "0",
                "add_line": "1",
            },
        )

        assert response.status_code == 302
        assert response.url == f"{section_url(application, 'budget')}?lines=2"
        page = client.get(response.url).content.decode()
        assert 'name="line_2_description"' in page
        assert "Kept line" in page
        assert "govuk-error-summary" not in page
        assert (
            state(application, "budget").version,
            state(application, "budget").is_completed,
        ) == (
            1,
            False,
        )

    def test_add_another_line_with_a_mistake_shows_the_error_and_saves_nothing(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "budget"),
            {
                "requested_amount": "ten pounds",
                "line_count": "1",
                "line_1_description": "Kept line",
                "line_1_amount": "500",
                "version": "0",
                "add_line": "1",
            },
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "must be an amount in pounds" in page
        assert "Kept line" in page
        assert state(application, "budget").version == 0

    def test_the_team_section_asks_each_partners_role(self, client):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application, role="")
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "team"), {"team": "Us", "completed": "yes", "version": "0"}
        )
        assert f"Say what {partner.organisation.name} will do" in response.content.decode()

        client.post(
            section_url(application, "team"),
            {"team": "Us", f"role_{partner.pk}": "Research", "completed": "yes", "version": "0"},
        )
        partner.refresh_from_db()
        assert partner.role == "Research"

    def test_says_who_saved_it_last_and_when(self, client):
        application = ApplicationFactory()
        writer = member_of(application.lead_organisation)
        writer.full_name = "Ada Lovelace"
        writer.save()
        signed_in(client, writer)
        client.post(
            section_url(application, "users"),
            {"users_and_needs": "Residents", "completed": "no", "version": "0"},
        )
        ApplicationSection.objects.filter(application=application, section="users").update(
            updated_at=datetime.datetime(2026, 12, 6, 9, 41, tzinfo=datetime.UTC)
        )

        page = client.get(section_url(application, "users")).content.decode()

        assert "Last saved by Ada Lovelace at 9:41am on Sunday 6 December 2026." in page

    def test_a_second_save_of_a_section_meanwhile_shows_a_conflict_and_keeps_both(self, client):
        """Two collaborators open the same section; the first saves; the second's save is
        refused with who saved it, their typed answer still in the form, and what the first
        saved shown beside it."""
        application = ApplicationFactory()
        first = member_of(application.lead_organisation)
        first.full_name = "Ada Lovelace"
        first.save()
        second = member_of(application.lead_organisation)
        signed_in(client, first)
        client.post(
            section_url(application, "users"),
            {"users_and_needs": "Ada's saved answer", "completed": "no", "version": "0"},
        )
        signed_in(client, second)

        response = client.post(
            section_url(application, "users"),
            {"users_and_needs": "My unsaved answer", "completed": "no", "version": "0"},
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "Your changes have not been saved: Ada Lovelace saved this section" in page
        assert "My unsaved answer" in page
        assert "What Ada Lovelace saved" in page
        assert "Ada&#x27;s saved answer" in page
        assert 'name="version" value="1"' in page
        application.refresh_from_db()
        assert application.users_and_needs == "Ada's saved answer"

        client.post(
            section_url(application, "users"),
            {"users_and_needs": "My answer, on reflection", "completed": "no", "version": "1"},
        )
        application.refresh_from_db()
        assert application.users_and_needs == "My answer, on reflection"

    def test_an_unknown_section_is_not_found(self, client):
        application = ApplicationFactory()
        signed_in(client, application.created_by)

        assert client.get(section_url(application, "nope")).status_code == 404

    def test_after_the_close_the_draft_cannot_change_and_its_owner_sees_why(self, client):
        application = ApplicationFactory(round=RoundFactory(closed=True))
        signed_in(client, application.created_by)

        response = client.post(
            section_url(application, "users"),
            {"users_and_needs": "Late", "completed": "no", "version": "0"},
            follow=True,
        )

        page = response.content.decode()
        assert "This draft was not submitted, so it can no longer be changed" in page
        application.refresh_from_db()
        assert application.users_and_needs == ""
