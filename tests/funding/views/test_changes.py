"""The project team's change request pages (funding/views/changes.py): asking, and following
what was decided."""

from __future__ import annotations

import re

import pytest

from funding.models import ChangeRequest
from funding.services import changes as services
from tests.funding.factories import ApplicationPartnerFactory, member_of
from tests.funding.support import DAY
from tests.support.clients import client_for
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


def typed(name: str, day: str, month: str = "", year: str = "") -> dict[str, str]:
    """Return a date as typed into the GOV.UK date input's three boxes."""
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def on(name: str, when) -> dict[str, str]:
    return typed(name, str(when.day), str(when.month), str(when.year))


def error_messages(response) -> list[str]:
    """Return the form's error messages, which GOV.UK writes without a full stop."""
    return [str(error) for errors in response.context["form"].errors.values() for error in errors]


class TestTeamPages:
    def test_the_lead_sees_the_history_and_the_ways_to_ask(self, project):
        change = project.ask(new_end_on=project.award.planned_end_on + DAY)
        services.change_request_reject(
            change=change, decided_by=project.manager, note="Keep the date."
        )

        page = client_for(project.lead).get(project.list_url).text

        assert "Ask to change the end date" in page
        assert "Ask to move money between budget lines" in page
        assert "Ask to change a milestone" in page
        assert "Rejected" in page and "Keep the date." in page

    def test_a_partner_reads_but_may_not_ask(self, project):
        project.ask(new_end_on=project.award.planned_end_on + DAY)
        client = client_for(project.partner)

        page = client.get(project.list_url).text
        response = client.get(project.new_url("end-date"))

        assert "Waiting for a decision" in page
        assert "Ask to change the end date" not in page
        assert response.status_code == 302
        assert "ask for changes to the project" in messages_of(response)[0]

    def test_someone_not_on_the_team_is_told_there_is_no_such_page(self, project):
        stranger = member_of(ApplicationPartnerFactory.create().organisation)
        assert client_for(stranger).get(project.list_url).status_code == 404
        assert client_for(project.lead).get(project.new_url("colour")).status_code == 404

    def test_asking_for_a_new_end_date_redirects_to_the_history(self, project):
        new_end = project.award.planned_end_on + 30 * DAY

        response = client_for(project.lead).post(
            project.new_url("end-date"),
            {**on("new_end_on", new_end), "reason": "A partner joined late."},
        )

        assert response.status_code == 302 and response.url == project.list_url
        assert ChangeRequest.objects.get().new_end_on == new_end

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({**typed("new_end_on", ""), "reason": "Late."}, "Enter the new end date"),
            (
                {**typed("new_end_on", "31", "2", "2027"), "reason": "Late."},
                "The new end date must be a real date",
            ),
            (
                {**typed("new_end_on", "31", "", "2027"), "reason": "Late."},
                "The new end date must include a month",
            ),
            (
                {**typed("new_end_on", "31"), "reason": "Late."},
                "The new end date must include a month and a year",
            ),
            (
                {**typed("new_end_on", "31", "3", "27"), "reason": "Late."},
                "The new end date must be a real date",
            ),
            ({**typed("new_end_on", "1", "1", "2030"), "reason": ""}, "Say why the change"),
            ({**typed("new_end_on", "1", "1", "2000"), "reason": "Late."}, "on or after the"),
        ],
    )
    def test_the_end_date_form_says_what_is_wrong(self, project, data, message):
        response = client_for(project.lead).post(project.new_url("end-date"), data)

        assert response.status_code == 200
        assert message in response.text
        assert not any(error.endswith(".") for error in error_messages(response))
        assert not ChangeRequest.objects.exists()

    def test_the_end_date_comes_back_as_typed_with_its_error(self, project):
        response = client_for(project.lead).post(
            project.new_url("end-date"),
            {**typed("new_end_on", "31", "2", "2027"), "reason": "Late."},
        )

        page = response.text
        assert '<fieldset class="govuk-fieldset"' in page
        for name, value in typed("new_end_on", "31", "2", "2027").items():
            assert re.search(
                rf'name="{name}"[^>]*value="{value}"|value="{value}"[^>]*name="{name}"', page
            )
        assert ">Day</label>" in page and ">Month</label>" in page and ">Year</label>" in page

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"to_line": "line", "amount": "10"}, "Choose the budget line to move money from"),
            ({"from_line": "line", "amount": "10"}, "Choose the budget line to move money to"),
            ({"from_line": "line", "to_line": "line", "amount": "10"}, "a different budget"),
            ({"from_line": "other", "to_line": "line", "amount": ""}, "Enter the amount"),
            ({"from_line": "other", "to_line": "line", "amount": "lots"}, "amount in pounds"),
            ({"from_line": "other", "to_line": "line", "amount": "0"}, "at least £1"),
            (
                {"from_line": "other", "to_line": "line", "amount": "5001"},
                "only has £5,000 to move",
            ),
            ({"from_line": "999999", "to_line": "line", "amount": "1"}, "project&#x27;s budget"),
        ],
    )
    def test_the_budget_form_says_what_is_wrong(self, project, data, message):
        ids = {"line": str(project.line.pk), "other": str(project.other_line.pk)}
        posted = {name: ids.get(value, value) for name, value in data.items()}

        response = client_for(project.lead).post(
            project.new_url("budget"), {**posted, "reason": "Research costs more."}
        )

        assert response.status_code == 200
        assert message in response.text
        assert not any(error.endswith(".") for error in error_messages(response))
        assert not ChangeRequest.objects.exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"milestone_title": "Beta"}, "Choose the milestone to change"),
            ({"milestone": "999999", "milestone_title": "Beta"}, "project&#x27;s milestones"),
            ({"milestone": "mine"}, "new title, its new date, or both"),
            (
                {"milestone": "mine", **typed("milestone_planned_on", "soon", "3", "2027")},
                "The new planned date must be a real date",
            ),
            ({"milestone": "mine", "milestone_title": "x" * 201}, "200 characters or fewer"),
        ],
    )
    def test_the_milestone_form_says_what_is_wrong(self, project, data, message):
        posted = {
            name: str(project.milestone.pk) if value == "mine" else value
            for name, value in data.items()
        }

        response = client_for(project.lead).post(
            project.new_url("milestone"), {**posted, "reason": "Procurement slipped."}
        )

        assert response.status_code == 200
        assert message in response.text
        assert not any(error.endswith(".") for error in error_messages(response))
        assert not ChangeRequest.objects.exists()

    def test_a_milestone_change_is_sent(self, project):
        response = client_for(project.lead).post(
            project.new_url("milestone"),
            {
                "milestone": str(project.milestone.pk),
                "milestone_title": "Beta assessed",
                "reason": "Procurement slipped.",
            },
        )

        assert response.status_code == 302
        assert ChangeRequest.objects.get().milestone_title == "Beta assessed"
