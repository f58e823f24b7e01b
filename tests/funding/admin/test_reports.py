"""Progress reports in the admin: fund managers review them (accept, or return with a
comment), keep each project's milestones, set its planned dates, tie instalments to reports,
and set on each round how its projects report. Other staff are refused."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import (
    FirstReportUnit,
    Instalment,
    ProgressReport,
    ReportingFrequency,
    ReportStatus,
    ReviewOutcome,
    Round,
)
from funding.services import reports as report_services
from localdigital.admin_actions import object_action_url
from localdigital.mail.models import OutgoingEmail
from tests.funding.admin_support import errors_of, instalments_data, round_data
from tests.funding.factories import AwardFactory, FundFactory, InstalmentFactory
from tests.funding.factories_reporting import (
    ProgressReportFactory,
    ProjectMilestoneFactory,
    answer_every_section,
)
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:funding_progressreport_changelist")
AWARDS = reverse("admin:funding_award_changelist")


def report_url(report) -> str:
    return reverse("admin:funding_progressreport_change", args=[report.pk])


def award_url(award) -> str:
    return reverse("admin:funding_award_change", args=[award.pk])


def submitted_report(**award: object) -> ProgressReport:
    """Report 1 of a project with a milestone, answered (amber) and submitted."""
    award_ = AwardFactory.create(accepted=True, title="Joined-up missed bins", **award)
    ProjectMilestoneFactory.create(award=award_, title="Alpha assessed")
    report = ProgressReportFactory.create(award=award_, number=1)
    writer = award_.application.created_by
    answer_every_section(report, writer, spent=Decimal(40000))
    report_services.report_status_save(
        report=report,
        overall_status="amber",
        reason="A partner is late.",
        version=1,
        saved_by=writer,
    )
    report_services.report_submit(report=report, submitted_by=writer)
    report.refresh_from_db()
    return report


def act(client, obj, action: str, **data: object):
    """Press the button on the object's page that runs the action on it."""
    return client.post(object_action_url(obj, action), data)


class TestReportList:
    def test_lists_the_reports_and_filters_those_waiting(self, manager):
        waiting = submitted_report()
        overdue = ProgressReportFactory(due_at=timezone.now() - datetime.timedelta(days=2))
        ProgressReportFactory()

        review = manager.get(REPORTS, {"waiting": "review"})
        late = manager.get(REPORTS, {"waiting": "overdue"})

        assert list(review.context["cl"].result_list) == [waiting]
        assert list(late.context["cl"].result_list) == [overdue]
        assert "Overdue: not submitted" in late.text

    def test_refused_to_an_assessor(self, assessor_client):
        report = submitted_report()

        assert assessor_client.get(REPORTS).status_code == 403
        assert assessor_client.get(report_url(report)).status_code == 403


class TestReview:
    def test_the_page_shows_what_was_submitted_and_the_review_buttons(self, manager):
        report = submitted_report()
        InstalmentFactory(award=report.award, amount=Decimal(10000))

        page = manager.get(report_url(report)).text

        assert "Version 1, submitted" in page
        assert "Amber: at risk" in page and "A partner is late." in page
        assert "Alpha assessed" in page and "Missed bins prototype" in page
        assert "The spend to date, £40,000, is more than the £0 paid so far" in page
        assert "Accept the report" in page and "Return with comments…" in page
        assert 'name="_save"' not in page and 'name="_continue"' not in page
        assert "<h1>View progress report</h1>" in page

    def test_accepting_makes_the_tied_instalment_due(self, manager):
        report = submitted_report()
        instalment = InstalmentFactory(award=report.award, report=report, amount=Decimal(20000))
        assert "Waiting for Report 1 to be accepted" in manager.get(award_url(report.award)).text

        response = act(manager, report, "accept_selected")

        assert (response.status_code, response.url) == (302, report_url(report))
        assert messages_of(response) == [
            "Accepted Report 1 of Joined-up missed bins (its instalment of £20,000 now due for "
            "payment). The team has been emailed."
        ]
        report.refresh_from_db()
        assert report.status == ReportStatus.ACCEPTED
        page = manager.get(award_url(report.award)).text
        assert reverse("admin:funding_instalment_pay", args=[instalment.pk]) in page
        assert "Accept the report" not in manager.get(report_url(report)).text

    def test_accepting_a_report_with_no_instalment_says_none_is_due(self, manager):
        report = submitted_report()
        InstalmentFactory(award=report.award, amount=Decimal(10000))

        response = act(manager, report, "accept_selected")

        assert messages_of(response) == [
            "Accepted Report 1 of Joined-up missed bins. The team has been emailed."
        ]

    def test_returning_several_speaks_of_them_in_the_plural(self, manager):
        reports = [submitted_report(), submitted_report()]

        asked = manager.post(
            REPORTS,
            {"action": "return_selected", "_selected_action": [r.pk for r in reports]},
        )

        assert "These reports go back to their teams, who are emailed" in asked.text
        assert "Return the reports" in asked.text

    @pytest.mark.parametrize(
        ("changelist", "title"),
        [
            ("admin:funding_progressreport_changelist", "Progress reports"),
            ("admin:funding_changerequest_changelist", "Change requests"),
            ("admin:funding_instalment_changelist", "Instalments"),
        ],
    )
    def test_the_post_award_lists_are_titled_by_what_they_list(self, manager, changelist, title):
        page = manager.get(reverse(changelist)).text

        assert f"<h1>{title}</h1>" in page
        assert "Select " not in page.split("<h1>")[1].split("</h1>")[0]
        assert f"<title>{title} |" in page

    def test_returning_asks_for_a_comment_first(self, manager):
        report = submitted_report()

        asked = act(manager, report, "return_selected")
        empty = act(manager, report, "return_selected", confirm="yes", comment="  ")
        returned = act(
            manager,
            report,
            "return_selected",
            confirm="yes",
            comment="Name the councils that tested it.",
        )

        assert asked.status_code == 200 and "What must the team change?" in asked.text
        assert "This report goes back to its team, who are emailed" in asked.text
        assert "These reports" not in asked.text
        assert "Write comments saying what the team must change<" in empty.text
        assert returned.url == report_url(report)
        assert messages_of(returned) == [
            "Returned Report 1 of Joined-up missed bins with your comments. The team has been "
            "emailed."
        ]
        report.refresh_from_db()
        version = report.versions.get()
        assert report.status == ReportStatus.RETURNED
        assert (version.outcome, version.comment) == (
            ReviewOutcome.RETURNED,
            "Name the councils that tested it.",
        )
        assert OutgoingEmail.objects.filter(
            subject__startswith="Changes needed to Report 1 of "
        ).exists()
        assert (
            "Comments sent to the team: Name the councils" in manager.get(report_url(report)).text
        )

    def test_a_report_not_submitted_is_neither_accepted_nor_returned(self, manager):
        report = ProgressReportFactory()

        response = act(manager, report, "accept_selected")

        assert "Not accepted:" in messages_of(response)[0]
        assert "waiting for review" in messages_of(response)[0]
        assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT

    def test_refused_to_an_assessor(self, assessor_client):
        report = submitted_report()

        response = act(assessor_client, report, "accept_selected")

        assert response.status_code == 403
        assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


class TestAwardPage:
    def test_shows_the_milestones_and_the_reporting_schedule(self, manager):
        report = ProgressReportFactory(number=1)
        ProjectMilestoneFactory(award=report.award, title="Beta live")

        page = manager.get(award_url(report.award)).text

        assert "Beta live" in page
        assert "reporting schedule" in page.lower()
        assert report_url(report) in page

    def test_staff_add_a_milestone(self, manager):
        award = AwardFactory(accepted=True)
        data = instalments_data(award, [])
        data.update(
            {
                "milestones-TOTAL_FORMS": 1,
                "milestones-0-award": award.pk,
                "milestones-0-title": "Alpha assessed",
                "milestones-0-planned_on": "2027-01-31",
                "milestones-0-position": 1,
            }
        )

        response = manager.post(award_url(award), data)

        assert response.status_code == 302
        assert list(award.milestones.values_list("title", flat=True)) == ["Alpha assessed"]

    def test_an_instalment_is_tied_to_a_report_of_its_award_only(self, manager):
        report = ProgressReportFactory(number=1)
        award = report.award
        other = ProgressReportFactory()
        due = timezone.localdate().isoformat()

        tied = manager.post(
            award_url(award),
            instalments_data(award, [{"due_on": due, "amount": "20000", "report": report.pk}]),
        )
        foreign = manager.post(
            award_url(award),
            instalments_data(award, [{"due_on": due, "amount": "20000", "report": other.pk}]),
        )
        both = manager.post(
            award_url(award),
            instalments_data(
                award,
                [
                    {
                        "due_on": due,
                        "amount": "1000",
                        "report": report.pk,
                        "on_offer_acceptance": "on",
                    }
                ],
            ),
        )

        assert tied.status_code == 302
        assert Instalment.objects.get().report == report
        assert "Select a valid choice" in foreign.text
        assert "Tie an instalment to a report or to the offer&#x27;s acceptance, not both." in (
            both.text
        )

    def test_setting_the_dates_makes_the_schedule(self, manager):
        award = AwardFactory(accepted=True, responded_at=timezone.now())
        starts = timezone.localdate()

        asked = act(manager, award, "set_dates")
        response = act(
            manager,
            award,
            "set_dates",
            confirm="yes",
            starts_on=starts.isoformat(),
            ends_on=(starts + datetime.timedelta(days=200)).isoformat(),
        )

        assert "Set the planned dates" in asked.text
        assert response.url == award_url(award)
        assert "reports made: Report 1, Report 2, Final report" in messages_of(response)[0]
        assert award.reports.count() == 3

    @pytest.mark.parametrize(
        ("starts", "ends", "message"),
        [
            ("", "2027-01-31", "Enter the planned start."),
            ("2027-01-31", "soon", "Enter the planned end as a real date"),
        ],
    )
    def test_the_dates_must_be_real(self, manager, starts, ends, message):
        award = AwardFactory(accepted=True)

        response = act(manager, award, "set_dates", confirm="yes", starts_on=starts, ends_on=ends)

        assert message in response.text
        assert not award.reports.exists()

    def test_an_end_before_the_start_is_refused(self, manager):
        award = AwardFactory(accepted=True)

        response = act(
            manager,
            award,
            "set_dates",
            confirm="yes",
            starts_on="2027-01-31",
            ends_on="2026-01-31",
        )

        assert "Not changed:" in messages_of(response)[0]
        assert "on or after the start" in messages_of(response)[0]


class TestRoundSettings:
    def test_a_round_sets_how_its_projects_report(self, manager):
        response = manager.post(
            reverse("admin:funding_round_add"),
            round_data(
                FundFactory(),
                reporting_frequency=ReportingFrequency.MONTHLY,
                first_report_after=45,
                first_report_unit=FirstReportUnit.DAYS,
                final_report_at_end="",
            ),
        )

        assert response.status_code == 302, errors_of(response)
        round = Round.objects.get(slug="round-1")
        assert (
            round.reporting_frequency,
            round.first_report_after,
            round.first_report_unit,
            round.final_report_at_end,
        ) == (ReportingFrequency.MONTHLY, 45, FirstReportUnit.DAYS, False)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("reporting_frequency", "weekly"),
            ("first_report_after", "0"),
            ("first_report_after", "366"),
            ("first_report_unit", "years"),
        ],
    )
    def test_each_setting_must_be_one_the_fund_uses(self, manager, field, value):
        response = manager.post(
            reverse("admin:funding_round_add"), round_data(FundFactory(), **{field: value})
        )

        assert field in errors_of(response)
        assert not Round.objects.exists()
