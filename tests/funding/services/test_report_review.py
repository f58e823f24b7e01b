"""A fund manager returns a progress report with comments, or accepts it
(funding/services/report_review.py). Every version submitted is kept."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import AwardStatus, ProjectOutput, RagStatus, ReportStatus, ReviewOutcome
from funding.selectors.payments import PaymentState, instalment_payment_state
from funding.services import report_review
from funding.services import reports as services
from localdigital.audit.models import AuditEvent
from localdigital.audit.services import audit_record
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.factories import InstalmentFactory
from tests.funding.factories_reporting import ProgressReportFactory, answer_every_section
from tests.funding.support import ReportProject, submitted_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def project() -> ReportProject:
    return ReportProject()


class TestReturn:
    def test_returns_with_comments_the_team_is_emailed(self, project, fund_manager):
        version = submitted_version(project)

        report_review.report_return(
            report=project.report, comment="Name the councils.", returned_by=fund_manager
        )

        version.refresh_from_db()
        project.report.refresh_from_db()
        assert project.report.status == ReportStatus.RETURNED
        assert (version.outcome, version.comment, version.reviewed_by) == (
            ReviewOutcome.RETURNED,
            "Name the councils.",
            fund_manager,
        )
        # The team: whoever wrote the application and the report, in the lead organisation.
        emails = OutgoingEmail.objects.order_by("recipient")
        writer = project.award.application.created_by
        assert sorted(e.recipient for e in emails) == sorted([project.lead.email, writer.email])
        email = emails.get(recipient=project.lead.email)
        assert project.partner.email not in {e.recipient for e in emails}
        title = project.award.title
        assert email.subject == f"Changes needed to Report 1 of {title}"
        assert f"has reviewed Report 1 of {title} and returned it" in email.body_text
        assert "Name the councils." in email.body_text

    def test_needs_a_comment(self, project, fund_manager):
        submitted_version(project)

        with pytest.raises(FundingError, match="Write comments"):
            report_review.report_return(
                report=project.report, comment=" ", returned_by=fund_manager
            )

    def test_only_a_fund_manager_reviews(self, project):
        submitted_version(project)

        with pytest.raises(NotPermitted):
            report_review.report_return(
                report=project.report,
                comment="No.",
                returned_by=UserFactory(staff=True, groups=["Assessor"]),
            )

    def test_a_draft_is_not_returned(self, project, fund_manager):
        with pytest.raises(TransitionNotAllowed, match="waiting for review"):
            report_review.report_return(
                report=project.report, comment="No.", returned_by=fund_manager
            )

    def test_the_team_resubmits_and_every_version_is_kept(self, project, fund_manager):
        submitted_version(project)
        report_review.report_return(
            report=project.report, comment="Name the councils.", returned_by=fund_manager
        )
        services.report_status_save(
            report=project.report,
            overall_status=RagStatus.AMBER,
            reason="Two councils are late.",
            version=1,
            saved_by=project.lead,
        )

        second = services.report_submit(report=project.report, submitted_by=project.lead)
        report_review.report_accept(report=project.report, accepted_by=fund_manager)

        project.report.refresh_from_db()
        assert project.report.status == ReportStatus.ACCEPTED
        versions = list(project.report.versions.order_by("number"))
        assert [(v.number, v.outcome) for v in versions] == [
            (1, ReviewOutcome.RETURNED),
            (2, ReviewOutcome.ACCEPTED),
        ]
        assert versions[0].content["overall_status"] == "green"
        assert versions[1].content["overall_status"] == "amber"
        assert versions[0].comment == "Name the councils."
        assert second.number == 2


class TestAccept:
    def test_makes_the_tied_instalment_due_and_publishes_the_links(self, project, fund_manager):
        instalment = InstalmentFactory(award=project.award, report=project.report)
        submitted_version(project)
        assert instalment_payment_state(instalment=instalment) == PaymentState.WAITING_REPORT

        report_review.report_accept(report=project.report, accepted_by=fund_manager)

        assert instalment_payment_state(instalment=instalment) == PaymentState.DUE
        output = ProjectOutput.objects.get(award=project.award)
        assert output.title == "Missed bins prototype"
        assert project.report.links.get().output == output
        email = OutgoingEmail.objects.get(recipient=project.lead.email)
        assert "is accepted" in email.subject
        assert "£30,000" in email.body_text
        event = AuditEvent.objects.get(verb="funding.report.accepted")
        assert event.data["instalments_due"] == [instalment.pk]

    def test_the_first_accepted_report_puts_an_accepted_project_in_progress(
        self, project, fund_manager
    ):
        assert project.award.status == AwardStatus.ACCEPTED
        submitted_version(project)

        version = report_review.report_accept(report=project.report, accepted_by=fund_manager)

        project.award.refresh_from_db()
        assert project.award.status == AwardStatus.ACTIVE
        assert project.award.started_at == version.reviewed_at
        started = AuditEvent.objects.get(verb="funding.award.started")
        assert (started.actor, started.data) == (fund_manager, {"report": "Report 1"})

    def test_a_project_already_in_progress_keeps_its_start(self, project, fund_manager):
        began = timezone.now() - timedelta(days=30)
        project.award.status, project.award.started_at = AwardStatus.ACTIVE, began
        project.award.save()
        submitted_version(project)

        report_review.report_accept(report=project.report, accepted_by=fund_manager)

        project.award.refresh_from_db()
        assert (project.award.status, project.award.started_at) == (AwardStatus.ACTIVE, began)
        assert not AuditEvent.objects.filter(verb="funding.award.started").exists()

    def test_accepting_the_final_report_completes_the_project(self, project, fund_manager):
        final = ProgressReportFactory(award=project.award, final=True)
        project.report.status = ReportStatus.ACCEPTED
        project.report.submitted_at = project.report.accepted_at = timezone.now()
        project.report.save()
        answer_every_section(final, project.lead)
        services.report_submit(report=final, submitted_by=project.lead)

        report_review.report_accept(report=final, accepted_by=fund_manager)

        project.award.refresh_from_db()
        assert project.award.status == AwardStatus.COMPLETED
        assert project.award.completed_at is not None
        assert final.versions.get().content["reuse"].startswith("The code is open")
        email = OutgoingEmail.objects.filter(subject__contains="final report").get(
            recipient=project.lead.email
        )
        title = project.award.title
        assert email.subject == f"The final report of {title} is accepted"
        assert f"The Local Digital team has accepted the final report of {title}." in (
            email.body_text
        )

    def test_a_report_accepted_is_not_accepted_again(self, project, fund_manager):
        submitted_version(project)
        report_review.report_accept(report=project.report, accepted_by=fund_manager)

        with pytest.raises(TransitionNotAllowed):
            report_review.report_accept(report=project.report, accepted_by=fund_manager)

        assert ProjectOutput.objects.count() == 1

    def test_writes_nothing_when_the_audit_fails(self, project, fund_manager):
        submitted_version(project)

        def failing(*, verb, **kwargs):
            if verb == "funding.report.accepted":
                raise RuntimeError("audit down")
            return audit_record(verb=verb, **kwargs)

        with (
            mock.patch("funding.services.report_review.audit_record", side_effect=failing),
            pytest.raises(RuntimeError),
        ):
            report_review.report_accept(report=project.report, accepted_by=fund_manager)

        project.report.refresh_from_db()
        assert project.report.status == ReportStatus.SUBMITTED
        assert not ProjectOutput.objects.exists()
        assert project.report.versions.get().outcome == ""
