"""Each section of a progress report (funding/views/report_sections.py): its form, and each way
it can be answered wrongly."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.formats import money
from funding.models import MilestoneStatus, ProgressReport, RagStatus
from funding.services import reports as services
from tests.funding.factories import InstalmentFactory
from tests.support.clients import client_for
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


def post(team, section: str, data: dict, report=None):
    return client_for(team.lead).post(team.section(section, report=report), {"version": 0, **data})


def errors_of(response) -> list[str]:
    return [error for errors in response.context["form"].errors.values() for error in errors]


class TestMilestones:
    def field(self, team, part):
        return f"milestone_{team.milestone.pk}_{part}"

    def test_saves_and_returns_to_the_report(self, team):
        response = post(
            team,
            "milestones",
            {self.field(team, "status"): "done", self.field(team, "note"): "Passed."},
        )

        assert (response.status_code, response.url) == (302, team.url())
        assert "“Progress against the milestones” has been saved." in messages_of(response)
        row = team.report.milestone_progress.get()
        assert (row.status, row.note) == (MilestoneStatus.DONE, "Passed.")

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({}, "Select where “Alpha assessed” stands"),
            ({"status": "finished"}, "Select where “Alpha assessed” stands"),
            ({"status": "late", "note": ""}, "Say why “Alpha assessed” is late"),
            ({"status": "dropped", "note": " "}, "Say why “Alpha assessed” was dropped"),
            (
                {"status": "done", "note": "x" * 5001},
                "The note on “Alpha assessed” must be 5,000 characters or fewer",
            ),
        ],
    )
    def test_each_wrong_answer_is_shown_beside_it(self, team, data, error):
        response = post(team, "milestones", {self.field(team, k): v for k, v in data.items()})

        assert response.status_code == 200
        assert errors_of(response) == [error]
        assert error in response.text
        assert not team.report.milestone_progress.exists()


class TestSpend:
    def field(self, team, part):
        return f"line_{team.line.pk}_{part}"

    def test_saves_the_spend_on_each_line(self, team):
        response = post(
            team,
            "spend",
            {self.field(team, "in_period"): "£1,500", self.field(team, "to_date"): "2500.50"},
        )

        assert response.status_code == 302
        row = team.report.spend.get()
        assert (row.spent_in_period, row.spent_to_date) == (Decimal(1500), Decimal("2500.50"))

    @pytest.mark.parametrize(
        ("in_period", "to_date", "error"),
        [
            ("", "100", "Enter the spend on “User research” in this period"),
            ("100", "", "Enter the spend on “User research” to date"),
            (
                "lots",
                "100",
                "The spend on “User research” in this period must be an amount in pounds, "
                "like 1500 or 1,500.50",
            ),
            ("-1", "100", "The spend on “User research” in this period must be £0 or more"),
            (
                "1.005",
                "100",
                "The spend on “User research” in this period must have no more than 2 digits "
                "after the point",
            ),
            (
                "500",
                "400",
                "The spend to date on “User research” must be at least the spend in the period",
            ),
        ],
    )
    def test_each_wrong_answer_is_shown_beside_it(self, team, in_period, to_date, error):
        response = post(
            team,
            "spend",
            {self.field(team, "in_period"): in_period, self.field(team, "to_date"): to_date},
        )

        assert response.status_code == 200
        assert errors_of(response) == [error]
        assert not team.report.spend.exists()

    def test_warns_when_spend_to_date_is_more_than_paid_and_the_next_instalment(self, team):
        InstalmentFactory(award=team.award, amount=Decimal(10000))
        post(
            team,
            "spend",
            {self.field(team, "in_period"): "12000", self.field(team, "to_date"): "12000"},
        )

        page = client_for(team.lead).get(team.section("spend")).text

        assert (
            "The spend to date, £12,000, is more than the £0 paid so far and the next "
            "instalment, £10,000" in page
        )

    def test_says_when_the_budget_lines_total_more_than_the_grant(self, team):
        line = team.award.application.budget_lines.get()
        team.award.amount = line.amount - Decimal(5000)
        team.award.save()

        page = client_for(team.lead).get(team.section("spend")).text

        assert (
            f"The budget lines in the application total {money(line.amount)}, more than the "
            f"grant of {money(team.award.amount)}." in page
        )

    def test_says_nothing_of_the_budget_when_it_fits_the_grant(self, team):
        line = team.award.application.budget_lines.get()
        team.award.amount = line.amount
        team.award.save()

        page = client_for(team.lead).get(team.section("spend")).text

        assert "The budget lines in the application total" not in page


class TestStatus:
    def test_amber_with_the_reason(self, team):
        response = post(team, "status", {"overall_status": "amber", "status_reason": "Late data."})

        assert response.status_code == 302
        team.report.refresh_from_db()
        assert (team.report.overall_status, team.report.status_reason) == (
            RagStatus.AMBER,
            "Late data.",
        )

    def test_says_who_saved_it_last_and_when(self, team):
        saved_at = datetime.datetime(2026, 12, 6, 9, 41, tzinfo=datetime.UTC)
        services.report_status_save(
            report=team.report,
            overall_status=RagStatus.GREEN,
            reason="",
            version=0,
            saved_by=team.lead,
            now=saved_at,
        )

        page = client_for(team.lead).get(team.section("status")).text

        assert "Last saved by Lee Lead at 9:41am on Sunday 6 December 2026." in page

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({}, "Select the project's overall status"),
            ({"overall_status": "purple"}, "Select the project's overall status"),
            ({"overall_status": "amber"}, "Say why the project is amber"),
            ({"overall_status": "red", "status_reason": "  "}, "Say why the project is red"),
            (
                {"overall_status": "red", "status_reason": "x" * 5001},
                "The reason must be 5,000 characters or fewer",
            ),
        ],
    )
    def test_each_wrong_answer_is_shown_beside_it(self, team, data, error):
        response = post(team, "status", data)

        assert response.status_code == 200
        assert errors_of(response) == [error]
        team.report.refresh_from_db()
        assert team.report.overall_status == ""

    @pytest.mark.parametrize("version", ["", "-1", "x"])
    def test_a_form_without_its_version_is_refused(self, team, version):
        response = client_for(team.lead).post(
            team.section("status"), {"version": version, "overall_status": "green"}
        )

        assert response.status_code == 200
        team.report.refresh_from_db()
        assert team.report.overall_status == ""

    def test_a_save_after_someone_elses_keeps_what_was_typed(self, team):
        services.report_status_save(
            report=team.report, overall_status="green", reason="", version=0, saved_by=team.lead
        )

        response = post(team, "status", {"overall_status": "red", "status_reason": "Stuck."})

        assert response.status_code == 200
        assert "Your changes have not been saved: Lee Lead saved this section" in response.text
        assert "Check them against what is saved on the report's page" in response.text
        assert "Stuck." in response.text
        assert response.context["form"]["version"].value() == "1"
        team.report.refresh_from_db()
        assert team.report.overall_status == RagStatus.GREEN


class TestRisks:
    def test_saves_the_rows_given_and_ignores_empty_ones(self, team):
        response = post(
            team,
            "risks",
            {
                "row_count": 2,
                "risk_1_description": "The supplier may not open its API.",
                "risk_1_mitigation": "Fortnightly meetings.",
            },
        )

        assert response.status_code == 302
        assert list(team.report.risks.values_list("description", "mitigation")) == [
            ("The supplier may not open its API.", "Fortnightly meetings.")
        ]

    def test_none_is_an_answer(self, team):
        assert post(team, "risks", {"row_count": 1}).status_code == 302
        team.report.refresh_from_db()
        assert "risks" in team.report.section_versions

    def test_add_another_saves_and_shows_one_more_row(self, team):
        response = post(
            team,
            "risks",
            {"row_count": 1, "risk_1_description": "A", "risk_1_mitigation": "B", "add_row": "1"},
        )

        assert response.url == f"{team.section('risks')}?rows=2"
        page = client_for(team.lead).get(response.url)
        assert "risk_2_description" in page.context["form"].fields
        assert team.report.risks.count() == 1

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({"risk_1_description": "A"}, "Say what is being done about risk 1"),
            ({"risk_1_mitigation": "B"}, "Describe risk 1"),
            (
                {"risk_1_description": "x" * 5001, "risk_1_mitigation": "B"},
                "Risk 1 must be 5,000 characters or fewer",
            ),
            ({"row_count": 99}, "Ensure this value is less than or equal to 20."),
        ],
    )
    def test_each_wrong_answer_is_shown_beside_it(self, team, data, error):
        response = post(team, "risks", {"row_count": 1, **data})

        assert response.status_code == 200
        assert error in errors_of(response)
        assert not team.report.risks.exists()


class TestLinks:
    def test_saves_the_links(self, team):
        response = post(
            team,
            "links",
            {
                "row_count": 1,
                "link_1_title": "Show and tell 3",
                "link_1_url": "https://www.youtube.com/watch?v=abc",
                "link_1_type": "research",
            },
        )

        assert response.status_code == 302
        link = team.report.links.get()
        assert (link.title, link.output_type) == ("Show and tell 3", "research")

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            (
                {"link_1_url": "https://a.example", "link_1_type": "code"},
                "Enter a title for link 1",
            ),
            ({"link_1_title": "A", "link_1_type": "code"}, "Enter the address of link 1"),
            (
                {"link_1_title": "A", "link_1_url": "not an address", "link_1_type": "code"},
                "Enter link 1's address in the right format, like https://github.com/council/project",
            ),
            (
                {"link_1_title": "A", "link_1_url": "ftp://a.example/x", "link_1_type": "code"},
                "Enter link 1's address starting https://, like https://github.com/council/project",
            ),
            (
                {"link_1_title": "A", "link_1_url": "https://a.example"},
                "Select what kind of output link 1 is",
            ),
            (
                {"link_1_title": "A", "link_1_url": "https://a.example", "link_1_type": "film"},
                "Select what kind of output link 1 is",
            ),
            (
                {
                    "link_1_title": "x" * 201,
                    "link_1_url": "https://a.example",
                    "link_1_type": "code",
                },
                "The title of link 1 must be 200 characters or fewer",
            ),
        ],
    )
    def test_each_wrong_answer_is_shown_beside_it(self, team, data, error):
        response = post(team, "links", {"row_count": 1, **data})

        assert response.status_code == 200
        assert errors_of(response) == [error]
        assert not team.report.links.exists()


class TestFinal:
    @pytest.fixture
    def final(self, team):
        ProgressReport.objects.filter(pk=team.final.pk).update(
            period_start=timezone.localdate() - datetime.timedelta(days=1)
        )
        team.final.refresh_from_db()
        return team.final

    def test_saves_the_projects_story(self, team, final):
        response = post(
            team,
            "final",
            {"delivered": "A service.", "reuse": "The code.", "lessons": "Test early."},
            report=final,
        )

        assert response.status_code == 302
        final.refresh_from_db()
        assert (final.delivered, final.reuse, final.lessons) == (
            "A service.",
            "The code.",
            "Test early.",
        )

    @pytest.mark.parametrize(
        ("missing", "error"),
        [
            ("delivered", "Say what the project delivered"),
            ("reuse", "Say what other councils can reuse"),
            ("lessons", "Give the lessons the project learned"),
        ],
    )
    def test_each_question_is_needed(self, team, final, missing, error):
        data = {"delivered": "A.", "reuse": "B.", "lessons": "C.", missing: " "}

        response = post(team, "final", data, report=final)

        assert errors_of(response) == [error]
