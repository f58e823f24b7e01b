"""The project team's report pages (funding/views/reports.py): who may open and change them,
checking and submitting, the Fund's comments and earlier versions, and reports in the open. Each
section's form is tested in test_report_sections.py."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import ProgressReport, RagStatus, ReportStatus
from funding.selectors.report_content import report_content
from funding.services import report_review
from funding.services import reports as services
from tests.accounts.factories import UserFactory
from tests.funding.factories_reporting import ReportVersionFactory, answer_every_section
from tests.support.clients import client_for
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


def answer_to(page: str, question: str) -> str:
    """Return the answer beside ``question`` in a page's summary list."""
    found = re.search(
        rf'<dt class="govuk-summary-list__key">{re.escape(question)}</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        page,
    )
    assert found, f"no answer to {question}"
    return found.group(1).strip()


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


class TestCheckAndSubmit:
    def test_says_what_is_left_before_it_can_be_submitted(self, team):
        page = client_for(team.lead).get(team.url("funding:project-report-check")).text

        assert "Before you can submit" in page
        assert "Say where “Alpha assessed” stands" in page
        assert team.section("milestones") in page
        assert "Submit the report" not in page

    def test_risks_and_links_not_yet_saved_are_not_answered_rather_than_none(self, team):
        client = client_for(team.lead)
        check = team.url("funding:project-report-check")

        before = client.get(check).text
        client.post(team.section("risks"), {"version": 0, "row_count": 1})
        after = client.get(check).text

        assert answer_to(before, "Risks and issues") == "Not answered"
        assert answer_to(before, "Published in the open") == "Not answered"
        assert answer_to(after, "Risks and issues") == "None"
        assert answer_to(after, "Published in the open") == "Not answered"

    def test_change_links_name_their_row_as_written_and_calculated_rows_have_none(self, team):
        page = client_for(team.lead).get(team.url("funding:project-report-check")).text

        hidden = re.findall(r'Change<span class="govuk-visually-hidden"> (.*?)</span>', page)
        # The date keeps its capitals: "Thursday 14 May 2020", not "thursday 14 may 2020".
        assert any(
            re.fullmatch(
                r"Alpha assessed \(planned for [A-Z][a-z]+day \d+ [A-Z][a-z]+ \d{4}\)", text
            )
            for text in hidden
        )
        assert not any("Total spent to date" in text for text in hidden)
        assert answer_to(page, "Total spent to date") == "£0"

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

    def test_back_to_a_submitted_reports_pages_says_once_why_it_cannot_change(self, team):
        answer_every_section(team.report, team.lead)
        client = client_for(team.lead)
        client.post(team.url("funding:project-report-check"))

        back = client.get(team.url("funding:project-report-check"), follow=True)
        stale = client.post(
            team.section("status"), {"version": 1, "overall_status": RagStatus.RED}, follow=True
        )

        refusal = "Report 1 has been sent to the Fund, so it cannot change while it is reviewed."
        assert back.redirect_chain == [(team.url(), 302)]
        assert back.text.count(refusal) == 1
        assert stale.text.count("Your answers were not saved.") == 1
        team.report.refresh_from_db()
        assert team.report.overall_status == RagStatus.GREEN

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
            submitted_at=datetime(2020, 6, 8, 15, 0, tzinfo=ZoneInfo("Europe/London")),
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
            assert "3pm on Monday 8 June 2020" in page
            version = client_for(user).get(team.url("funding:project-report-version", 1)).text
            assert "Amber: at risk" in version
            assert "Name the councils that tested it." in version
            assert "Submitted 3pm on Monday 8 June 2020 by" in version

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
