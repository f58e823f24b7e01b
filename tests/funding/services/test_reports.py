"""Progress reports: the team saves each section and submits; a fund manager returns a
report with comments or accepts it. Every version submitted is kept; acceptance makes tied
instalments due, publishes the links as outputs, and completes the project on the final
report."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from funding.errors import (
    FundingError,
    NotPermitted,
    RulesNotMet,
    SectionConflict,
    TransitionNotAllowed,
)
from funding.models import (
    AwardStatus,
    MilestoneStatus,
    ProjectOutput,
    RagStatus,
    ReportStatus,
    ReportVersion,
    ReviewOutcome,
)
from funding.selectors.payments import PaymentState, instalment_payment_state
from funding.services import report_review
from funding.services import reports as services
from localdigital.audit.models import AuditEvent
from localdigital.audit.services import audit_record
from localdigital.mail.models import OutgoingEmail
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
    answer_every_section,
)

pytestmark = pytest.mark.django_db


class Project:
    """An accepted award with a milestone and a budget line, a member of its lead, a member
    of its partner, and its first report, due in a fortnight."""

    def __init__(self, **report: object) -> None:
        self.award = AwardFactory.create(accepted=True)
        application = self.award.application
        self.lead = member_of(application.lead_organisation, user__full_name="Lee Lead")
        self.partner = member_of(
            ApplicationPartnerFactory.create(application=application, confirmed=True).organisation
        )
        self.milestone = ProjectMilestoneFactory.create(award=self.award, title="Alpha assessed")
        self.line = application.budget_lines.get()
        self.report = ProgressReportFactory.create(award=self.award, number=1, **report)


@pytest.fixture
def project() -> Project:
    return Project()


@pytest.fixture
def fund_manager():
    return UserFactory(staff=True, groups=["Fund manager"])


def submitted(project: Project) -> ReportVersion:
    answer_every_section(project.report, project.lead)
    return services.report_submit(report=project.report, submitted_by=project.lead)


class TestSectionSave:
    def test_a_lead_member_saves_each_section(self, project):
        report = answer_every_section(project.report, project.lead)

        assert report.milestone_progress.get().status == MilestoneStatus.ON_TRACK
        assert report.spend.get().spent_to_date == Decimal(1000)
        assert report.overall_status == RagStatus.GREEN
        assert report.risks.count() == report.links.count() == 1
        assert report.section_versions["status"]["by"] == "Lee Lead"
        assert report.updated_by == project.lead
        assert AuditEvent.objects.filter(verb="funding.report.section_saved").count() == 5

    @pytest.mark.parametrize("who", ["partner", "stranger", "assessor"])
    def test_only_members_of_the_lead_write(self, project, who):
        user = {
            "partner": project.partner,
            "stranger": UserFactory(),
            "assessor": UserFactory(staff=True, groups=["Assessor"]),
        }[who]

        with pytest.raises(NotPermitted):
            services.report_status_save(
                report=project.report,
                overall_status=RagStatus.GREEN,
                reason="",
                version=0,
                saved_by=user,
            )

        project.report.refresh_from_db()
        assert project.report.overall_status == ""

    @pytest.mark.parametrize("status", [RagStatus.AMBER, RagStatus.RED])
    def test_amber_and_red_need_the_reason(self, project, status):
        with pytest.raises(RulesNotMet) as refused:
            services.report_status_save(
                report=project.report,
                overall_status=status,
                reason="  ",
                version=0,
                saved_by=project.lead,
            )

        (problem,) = refused.value.problems
        assert problem.message == f"Say why the project is {status.value}"
        assert problem.fields == ("status_reason",)
        project.report.refresh_from_db()
        assert project.report.overall_status == ""
        assert project.report.section_versions == {}

    def test_a_late_milestone_needs_a_note(self, project):
        value = services.MilestoneValue(project.milestone.pk, MilestoneStatus.LATE, "")

        with pytest.raises(RulesNotMet, match="Say why “Alpha assessed” is late"):
            services.report_milestones_save(
                report=project.report, milestones=[value], version=0, saved_by=project.lead
            )

        assert not project.report.milestone_progress.exists()

    def test_spend_to_date_is_at_least_the_spend_in_the_period(self, project):
        value = services.SpendValue(project.line.pk, Decimal(500), Decimal(400))

        with pytest.raises(RulesNotMet, match="must be at least the spend in the period"):
            services.report_spend_save(
                report=project.report, spend=[value], version=0, saved_by=project.lead
            )

    def test_a_save_after_someone_elses_is_a_conflict(self, project):
        other = member_of(project.award.application.lead_organisation, user__full_name="Ola")
        services.report_status_save(
            report=project.report,
            overall_status=RagStatus.GREEN,
            reason="",
            version=0,
            saved_by=other,
        )

        with pytest.raises(SectionConflict) as conflict:
            services.report_status_save(
                report=project.report,
                overall_status=RagStatus.RED,
                reason="Late",
                version=0,
                saved_by=project.lead,
            )

        assert (conflict.value.saved_by, conflict.value.version) == ("Ola", 1)
        project.report.refresh_from_db()
        assert project.report.overall_status == RagStatus.GREEN

    def test_a_report_whose_period_has_not_begun_waits(self):
        project = Project(period_start=timezone.localdate() + datetime.timedelta(days=1))

        with pytest.raises(TransitionNotAllowed, match="you can write it from then"):
            services.report_risks_save(
                report=project.report, risks=[], version=0, saved_by=project.lead
            )

    def test_a_report_in_review_does_not_change(self, project):
        submitted(project)

        with pytest.raises(TransitionNotAllowed, match="cannot change while it is reviewed"):
            services.report_risks_save(
                report=project.report, risks=[], version=1, saved_by=project.lead
            )

    def test_only_the_final_report_asks_what_was_delivered(self, project):
        with pytest.raises(FundingError, match="not the final report"):
            services.report_final_save(
                report=project.report,
                delivered="A",
                reuse="B",
                lessons="C",
                version=0,
                saved_by=project.lead,
            )

    def test_writes_nothing_when_the_audit_fails(self, project):
        with (
            mock.patch(
                "funding.services.reports.audit_record", side_effect=RuntimeError("audit down")
            ),
            pytest.raises(RuntimeError),
        ):
            services.report_risks_save(
                report=project.report,
                risks=[services.RiskValue("A risk", "A plan")],
                version=0,
                saved_by=project.lead,
            )

        project.report.refresh_from_db()
        assert not project.report.risks.exists()
        assert project.report.section_versions == {}


class TestSubmit:
    def test_an_incomplete_report_is_refused_with_what_it_lacks(self, project):
        with pytest.raises(RulesNotMet) as refused:
            services.report_submit(report=project.report, submitted_by=project.lead)

        sections = [problem.section for problem in refused.value.problems]
        assert sections == ["milestones", "spend", "status", "risks", "links"]
        assert project.report.status == ReportStatus.DRAFT
        assert not ReportVersion.objects.exists()

    def test_a_complete_report_is_submitted_and_its_content_kept(self, project):
        version = submitted(project)

        project.report.refresh_from_db()
        assert project.report.status == ReportStatus.SUBMITTED
        assert project.report.submitted_by == project.lead
        assert version.number == 1
        assert version.content["overall_status"] == "green"
        assert version.content["milestones"][0]["title"] == "Alpha assessed"
        assert version.content["spend"][0]["to_date"] == "1000.00"
        assert AuditEvent.objects.filter(verb="funding.report.submitted").count() == 1

    def test_a_partner_reads_but_does_not_submit(self, project):
        answer_every_section(project.report, project.lead)

        with pytest.raises(NotPermitted):
            services.report_submit(report=project.report, submitted_by=project.partner)

    def test_an_earlier_report_goes_first(self, project):
        later = ProgressReportFactory(
            award=project.award,
            number=2,
            period_start=project.report.period_start,
            due_at=project.report.due_at + datetime.timedelta(days=90),
        )
        answer_every_section(later, project.lead)

        with pytest.raises(FundingError, match="Submit Report 1 first"):
            services.report_submit(report=later, submitted_by=project.lead)

    def test_writes_nothing_when_the_audit_fails(self, project):
        answer_every_section(project.report, project.lead)

        with (
            mock.patch(
                "funding.services.reports.audit_record", side_effect=RuntimeError("audit down")
            ),
            pytest.raises(RuntimeError),
        ):
            services.report_submit(report=project.report, submitted_by=project.lead)

        project.report.refresh_from_db()
        assert project.report.status == ReportStatus.DRAFT
        assert not ReportVersion.objects.exists()


class TestReturn:
    def test_returns_with_comments_the_team_is_emailed(self, project, fund_manager):
        version = submitted(project)

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
        assert "changes needed" in email.subject
        assert "Name the councils." in email.body_text

    def test_needs_a_comment(self, project, fund_manager):
        submitted(project)

        with pytest.raises(FundingError, match="Write comments"):
            report_review.report_return(
                report=project.report, comment=" ", returned_by=fund_manager
            )

    def test_only_a_fund_manager_reviews(self, project):
        submitted(project)

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
        submitted(project)
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
        submitted(project)
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

    def test_a_report_accepted_is_not_accepted_again(self, project, fund_manager):
        submitted(project)
        report_review.report_accept(report=project.report, accepted_by=fund_manager)

        with pytest.raises(TransitionNotAllowed):
            report_review.report_accept(report=project.report, accepted_by=fund_manager)

        assert ProjectOutput.objects.count() == 1

    def test_writes_nothing_when_the_audit_fails(self, project, fund_manager):
        submitted(project)

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
