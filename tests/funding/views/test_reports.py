"""The project team's report pages: who may open and change them, every section's form and
each way it can be answered wrongly, checking and submitting, the Fund's comments and the
versions kept. Members of the lead organisation write; partners read; anyone else, staff
included, is told the page does not exist."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import MilestoneStatus, ProgressReport, RagStatus, ReportStatus
from funding.selectors.report_content import report_content
from funding.services import report_review
from funding.services import reports as services
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    InstalmentFactory,
    member_of,
)
from tests.funding.factories_reporting import (
    ProgressReportFactory,
    ProjectMilestoneFactory,
    ReportVersionFactory,
    answer_every_section,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class Team:
    """An accepted project with a milestone and a budget line; its first report, and a
    final one; a member of the lead, of a partner, of neither, and an assessor."""

    def __init__(self) -> None:
        self.award = AwardFactory.create(accepted=True, title="Joined-up missed bins")
        application = self.award.application
        self.lead = member_of(application.lead_organisation, user__full_name="Lee Lead")
        partner = ApplicationPartnerFactory.create(
            application=application, confirmed=True
        ).organisation
        self.partner = member_of(partner)
        self.stranger = member_of(ApplicationPartnerFactory.create().organisation)
        self.assessor = UserFactory.create(staff=True, groups=["Assessor"])
        self.milestone = ProjectMilestoneFactory.create(award=self.award, title="Alpha assessed")
        self.line = application.budget_lines.get()
        self.report = ProgressReportFactory.create(award=self.award, number=1)
        self.final = ProgressReportFactory.create(
            award=self.award,
            final=True,
            period_start=timezone.localdate() + datetime.timedelta(days=60),
            period_end=timezone.localdate() + datetime.timedelta(days=90),
        )

    def url(self, name: str = "funding:project-report", *args: object, report=None) -> str:
        if name == "funding:project-reports":
            return reverse(name, args=[self.award.slug])
        return reverse(name, args=[self.award.slug, (report or self.report).key, *args])

    def section(self, section: str, report=None) -> str:
        return self.url("funding:project-report-section", section, report=report)


@pytest.fixture
def team() -> Team:
    return Team()


class TestAccess:
    @pytest.mark.parametrize("who", ["lead", "partner"])
    def test_the_team_reads_the_schedule_and_each_report(self, team, who):
        client = client_for(getattr(team, who))

        listing = client.get(team.url("funding:project-reports"))
        page = client.get(team.url())

        assert listing.status_code == page.status_code == 200
        assert "Report 1" in listing.text and "Final report" in listing.text
        assert listing["Cache-Control"] == page["Cache-Control"]
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
        assert client.head(team.url()).status_code == 200

    @pytest.mark.parametrize("who", ["stranger", "assessor"])
    def test_anyone_else_is_told_it_does_not_exist(self, team, who):
        client = client_for(getattr(team, who))

        for url in (
            team.url("funding:project-reports"),
            team.url(),
            team.section("status"),
            team.url("funding:project-report-check"),
        ):
            assert client.get(url).status_code == 404, url

    def test_anonymous_visitors_are_asked_to_sign_in(self, team):
        response = Client().get(team.url())

        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))

    def test_the_lead_sees_the_task_list(self, team):
        page = client_for(team.lead).get(team.url()).text

        assert "Progress against the milestones" in page
        assert "Check and submit" in page

    def test_a_partner_reads_the_answers_and_changes_nothing(self, team):
        client = client_for(team.partner)
        page = client.get(team.url()).text
        assert "write and submit this report" in page
        assert "Check and submit" not in page

        response = client.post(
            team.section("status"), {"version": 0, "overall_status": RagStatus.GREEN}
        )

        assert response.status_code == 302
        assert "write and submit the project's reports" in messages_of(response)[0]
        team.report.refresh_from_db()
        assert team.report.overall_status == ""

    def test_an_unknown_report_or_section_is_not_found(self, team):
        client = client_for(team.lead)

        assert (
            client.get(reverse("funding:project-report", args=[team.award.slug, "9"])).status_code
            == 404
        )
        assert (
            client.get(reverse("funding:project-report", args=[team.award.slug, "x"])).status_code
            == 404
        )
        assert client.get(team.section("budget")).status_code == 404
        assert client.get(team.section("final")).status_code == 404

    def test_a_report_whose_period_has_not_begun_waits(self, team):
        client = client_for(team.lead)

        page = client.get(team.url(report=team.final)).text
        response = client.get(team.section("final", report=team.final))

        assert "you can write it from then" in page
        assert response.status_code == 302

    def test_the_account_page_links_to_the_reports(self, team):
        page = client_for(team.partner).get(reverse("pages:account")).text

        assert team.url("funding:project-reports") in page


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


class TestStatus:
    def test_amber_with_the_reason(self, team):
        response = post(team, "status", {"overall_status": "amber", "status_reason": "Late data."})

        assert response.status_code == 302
        team.report.refresh_from_db()
        assert (team.report.overall_status, team.report.status_reason) == (
            RagStatus.AMBER,
            "Late data.",
        )

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


class TestCheckAndSubmit:
    def test_says_what_is_left_before_it_can_be_submitted(self, team):
        page = client_for(team.lead).get(team.url("funding:project-report-check")).text

        assert "Before you can submit" in page
        assert "Say where “Alpha assessed” stands" in page
        assert team.section("milestones") in page
        assert "Submit the report" not in page

    def test_submitting_an_incomplete_report_shows_the_problems(self, team):
        response = client_for(team.lead).post(team.url("funding:project-report-check"))

        assert response.status_code == 200
        assert "There is a problem" in response.text
        team.report.refresh_from_db()
        assert team.report.status == ReportStatus.DRAFT

    def test_submits_and_confirms(self, team):
        answer_every_section(team.report, team.lead)
        client = client_for(team.lead)
        check = client.get(team.url("funding:project-report-check")).text
        assert "Missed bins prototype" in check
        assert "Green: on track" in check

        response = client.post(team.url("funding:project-report-check"))

        assert response.url == team.url("funding:project-report-confirmation")
        assert "Report 1 submitted" in client.get(response.url).text
        team.report.refresh_from_db()
        assert team.report.status == ReportStatus.SUBMITTED
        # While the Fund reviews it, it cannot change.
        assert client.get(team.section("status")).status_code == 302

    def test_the_confirmation_of_a_report_not_submitted_goes_to_the_report(self, team):
        response = client_for(team.lead).get(team.url("funding:project-report-confirmation"))

        assert (response.status_code, response.url) == (302, team.url())


class TestCommentsAndVersions:
    def test_the_team_reads_the_funds_comments_and_each_version(self, team):
        report = answer_every_section(team.report, team.lead)
        ProgressReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.RETURNED, submitted_at=timezone.now()
        )
        ReportVersionFactory(
            report=report,
            number=1,
            returned=True,
            comment="Name the councils that tested it.",
            content={
                **report_content(report=report),
                "overall_status": "amber",
                "status_reason": "Slow.",
            },
        )

        for user in (team.lead, team.partner):
            page = client_for(user).get(team.url()).text
            assert "returned this report for changes" in page
            assert "Name the councils that tested it." in page
            version = client_for(user).get(team.url("funding:project-report-version", 1)).text
            assert "Amber: at risk" in version
            assert "Name the councils that tested it." in version

    def test_an_unknown_version_is_not_found(self, team):
        assert (
            client_for(team.lead).get(team.url("funding:project-report-version", 3)).status_code
            == 404
        )


class TestInTheOpen:
    def test_public_pages_and_open_data_show_only_the_outputs(self, team, uncached_public_pages):
        """Once a report is accepted its links are the project's public outputs; nothing
        else it says (status, reason, risks, spend, the Fund's comments) is ever public."""
        manager = UserFactory(staff=True, groups=["Fund manager"])
        report = answer_every_section(team.report, team.lead, spent=Decimal(1234))
        services.report_status_save(
            report=report,
            overall_status=RagStatus.AMBER,
            reason="A partner council is late.",
            version=1,
            saved_by=team.lead,
        )
        services.report_submit(report=report, submitted_by=team.lead)
        report_review.report_return(
            report=report, comment="Name the councils that tested it.", returned_by=manager
        )
        services.report_submit(report=report, submitted_by=team.lead)
        report_review.report_accept(report=report, accepted_by=manager)

        pages = [
            Client().get(reverse("funding:project-detail", args=[team.award.slug])).text,
            Client().get(reverse("funding:projects-json")).text,
            Client().get(reverse("funding:projects-csv")).getvalue().decode(),
        ]

        assert "Missed bins prototype" in pages[0]
        for private in (
            "A partner council is late.",
            "Amber",
            "may not open its API",
            "Name the councils that tested it.",
            "1,234",
            "1234",
        ):
            for page in pages:
                assert private not in page, private
