"""Progress reports (funding/services/reports.py): the team saves each section and submits.
Returning and accepting a report are tested in test_report_review.py."""

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
from funding.models import MilestoneStatus, RagStatus, ReportStatus, ReportVersion
from funding.services import reports as services
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import member_of
from tests.funding.factories_reporting import ProgressReportFactory, answer_every_section
from tests.funding.support import ReportProject, submitted_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def project() -> ReportProject:
    return ReportProject()


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
        project = ReportProject(period_start=timezone.localdate() + datetime.timedelta(days=1))

        with pytest.raises(TransitionNotAllowed, match="you can write it from then"):
            services.report_risks_save(
                report=project.report, risks=[], version=0, saved_by=project.lead
            )

    def test_a_report_in_review_does_not_change(self, project):
        submitted_version(project)

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
        version = submitted_version(project)

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
