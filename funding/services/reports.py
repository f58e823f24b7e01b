"""Writes about progress reports by the project team: saving each section, and submitting.

Members of the lead organisation write a report once its period has begun, until they submit
it, and again when a fund manager returns it; partners read it. Each section is saved on its
own and carries a version, so a save made after someone else's is refused with a conflict.
A section is saved only when it meets its rules (``report_problems``); submitting checks
every section, and keeps what was submitted as a ``ReportVersion``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from ..errors import (
    FundingError,
    RuleProblem,
    RulesNotMet,
    SectionConflict,
    TransitionNotAllowed,
)
from ..models import (
    BudgetLine,
    ProgressReport,
    ProjectMilestone,
    ReportLink,
    ReportMilestone,
    ReportRisk,
    ReportSection,
    ReportSpend,
    ReportStatus,
    ReportVersion,
)
from ..selectors.report_content import (
    REPORT_RULE,
    report_content,
    report_problems,
    spend_field,
)
from ..selectors.reporting import report_edit_refusal
from .common import person_name, require_member

ReportRow = TypeVar("ReportRow", ReportMilestone, ReportSpend, ReportRisk, ReportLink)


@dataclass(frozen=True)
class MilestoneValue:
    milestone_id: int
    status: str
    note: str


@dataclass(frozen=True)
class SpendValue:
    budget_line_id: int
    spent_in_period: Decimal
    spent_to_date: Decimal


@dataclass(frozen=True)
class RiskValue:
    description: str
    mitigation: str


@dataclass(frozen=True)
class LinkValue:
    title: str
    url: str
    output_type: str


def _lock_for_writing(report: ProgressReport, user: User, now: datetime) -> ProgressReport:
    """Lock the report, and check that ``user`` may write it and that it may be written."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("award__application__lead_organisation")
        .get(pk=report.pk)
    )
    lead = report.award.application.lead_organisation
    require_member(
        user=user, organisation_ids=[lead.pk], action=f"write {report.award.title}'s reports"
    )
    refusal = report_edit_refusal(report, today=now)
    if refusal:
        raise TransitionNotAllowed(refusal)
    return report


def _save_section(
    report: ProgressReport,
    section: ReportSection,
    write: Callable[[ProgressReport], Sequence[str]],
    *,
    version: int,
    saved_by: User,
    now: datetime | None,
) -> ProgressReport:
    """Save one section in one transaction: lock the report and check the person, the
    report's state and the version the form was opened at; make the section's writes
    (``write``, which returns the report's fields it changed); record the save; then check
    the section's rules against what is now saved: a save that breaks them is refused, and
    rolled back."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock_for_writing(report, saved_by, now)
        if section == ReportSection.FINAL and not report.is_final:
            raise FundingError(f"{report.name} is not the final report.")
        saved = report.section_versions.get(section.value) or {}
        current = int(saved.get("version", 0))
        if version != current:
            raise SectionConflict(
                saved_by=saved.get("by") or "Someone",
                saved_at=datetime.fromisoformat(saved["at"]) if saved.get("at") else None,
                version=current,
            )
        fields = write(report)
        report.section_versions = {
            **report.section_versions,
            section.value: {
                "version": current + 1,
                "by": person_name(saved_by),
                "at": now.isoformat(),
            },
        }
        problems = report_problems(report_content(report=report), section=section.value)
        if problems:
            raise RulesNotMet(problems)
        report.updated_at, report.updated_by = now, saved_by
        report.save(update_fields=[*fields, "section_versions", "updated_at", "updated_by"])
        audit_record(
            actor=saved_by,
            verb="funding.report.section_saved",
            target=report,
            data={"award": report.award_id, "report": report.name, "section": section.value},
        )
        return report


def _replace_rows(
    model: type[ReportRow], report: ProgressReport, rows: Iterable[ReportRow]
) -> list[str]:
    """Make ``rows`` the report's only rows of ``model`` (its milestones, spend, risks or
    links); no field of the report itself changes."""
    model.objects.filter(report=report).delete()
    model.objects.bulk_create(rows)
    return []


def report_milestones_save(
    *,
    report: ProgressReport,
    milestones: Sequence[MilestoneValue],
    version: int,
    saved_by: User,
    now: datetime | None = None,
) -> ProgressReport:
    """Save where each of the project's milestones stands (a note is needed when one is
    late or was dropped)."""

    def write(report: ProgressReport) -> list[str]:
        known = set(
            ProjectMilestone.objects.filter(award_id=report.award_id).values_list("pk", flat=True)
        )
        return _replace_rows(
            ReportMilestone,
            report,
            [
                ReportMilestone(
                    report=report,
                    milestone_id=value.milestone_id,
                    status=value.status,
                    note=value.note,
                )
                for value in milestones
                if value.milestone_id in known
            ],
        )

    return _save_section(
        report, ReportSection.MILESTONES, write, version=version, saved_by=saved_by, now=now
    )


def report_spend_save(
    *,
    report: ProgressReport,
    spend: Sequence[SpendValue],
    version: int,
    saved_by: User,
    now: datetime | None = None,
) -> ProgressReport:
    """Save the spend in the period and to date on each line of the application's budget."""

    def write(report: ProgressReport) -> list[str]:
        lines = {
            line.pk: line
            for line in BudgetLine.objects.filter(application_id=report.award.application_id)
        }
        short = [
            RuleProblem(
                REPORT_RULE,
                f"The spend to date on “{lines[value.budget_line_id].description}” must be at "
                "least the spend in the period",
                ReportSection.SPEND.value,
                (spend_field(value.budget_line_id, "to_date"),),
            )
            for value in spend
            if value.budget_line_id in lines and value.spent_to_date < value.spent_in_period
        ]
        if short:
            raise RulesNotMet(short)
        return _replace_rows(
            ReportSpend,
            report,
            [
                ReportSpend(
                    report=report,
                    budget_line_id=value.budget_line_id,
                    spent_in_period=value.spent_in_period,
                    spent_to_date=value.spent_to_date,
                )
                for value in spend
                if value.budget_line_id in lines
            ],
        )

    return _save_section(
        report, ReportSection.SPEND, write, version=version, saved_by=saved_by, now=now
    )


def report_status_save(
    *,
    report: ProgressReport,
    overall_status: str,
    reason: str,
    version: int,
    saved_by: User,
    now: datetime | None = None,
) -> ProgressReport:
    """Save the project's overall status: green, amber or red, with why for amber and red."""

    def write(report: ProgressReport) -> list[str]:
        report.overall_status, report.status_reason = overall_status, reason.strip()
        return ["overall_status", "status_reason"]

    return _save_section(
        report, ReportSection.STATUS, write, version=version, saved_by=saved_by, now=now
    )


def report_risks_save(
    *,
    report: ProgressReport,
    risks: Sequence[RiskValue],
    version: int,
    saved_by: User,
    now: datetime | None = None,
) -> ProgressReport:
    """Save the risks and issues, each with what is being done; none is an answer too."""

    def write(report: ProgressReport) -> list[str]:
        return _replace_rows(
            ReportRisk,
            report,
            [
                ReportRisk(
                    report=report,
                    description=risk.description.strip(),
                    mitigation=risk.mitigation.strip(),
                    position=position,
                )
                for position, risk in enumerate(risks)
            ],
        )

    return _save_section(
        report, ReportSection.RISKS, write, version=version, saved_by=saved_by, now=now
    )


def report_links_save(
    *,
    report: ProgressReport,
    links: Sequence[LinkValue],
    version: int,
    saved_by: User,
    now: datetime | None = None,
) -> ProgressReport:
    """Save the links to what the project published in the open during the period; they
    become its public outputs once the report is accepted."""

    def write(report: ProgressReport) -> list[str]:
        return _replace_rows(
            ReportLink,
            report,
            [
                ReportLink(
                    report=report,
                    title=link.title.strip(),
                    url=link.url.strip(),
                    output_type=link.output_type,
                    position=position,
                )
                for position, link in enumerate(links)
            ],
        )

    return _save_section(
        report, ReportSection.LINKS, write, version=version, saved_by=saved_by, now=now
    )


def report_final_save(
    *,
    report: ProgressReport,
    delivered: str,
    reuse: str,
    lessons: str,
    version: int,
    saved_by: User,
    now: datetime | None = None,
) -> ProgressReport:
    """Save the final report's account of the project: what it delivered, what other
    councils can reuse and how, and the lessons learned."""

    def write(report: ProgressReport) -> list[str]:
        report.delivered, report.reuse, report.lessons = (
            delivered.strip(),
            reuse.strip(),
            lessons.strip(),
        )
        return ["delivered", "reuse", "lessons"]

    return _save_section(
        report, ReportSection.FINAL, write, version=version, saved_by=saved_by, now=now
    )


def report_submit(
    *, report: ProgressReport, submitted_by: User, now: datetime | None = None
) -> ReportVersion:
    """Submit a report to the Fund (a member of the lead organisation): draft → submitted,
    or returned → resubmitted. Every section must be complete and every report due before
    it submitted; what it says is kept as a new version."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _lock_for_writing(report, submitted_by, now)
        earlier = (
            ProgressReport.objects.filter(
                award_id=report.award_id, due_at__lt=report.due_at, submitted_at__isnull=True
            )
            .order_by("due_at")
            .first()
        )
        if earlier is not None:
            raise FundingError(f"Submit {earlier.name} first: it was due before {report.name}")
        content = report_content(report=report)
        problems = report_problems(content)
        if problems:
            raise RulesNotMet(problems)
        version = ReportVersion.objects.create(
            report=report,
            number=report.versions.count() + 1,
            content=content,
            submitted_at=now,
            submitted_by=submitted_by,
        )
        report.status = (
            ReportStatus.RESUBMITTED
            if report.status == ReportStatus.RETURNED
            else ReportStatus.SUBMITTED
        )
        report.submitted_at, report.submitted_by = now, submitted_by
        report.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit_record(
            actor=submitted_by,
            verb="funding.report.submitted",
            target=report,
            data={"award": report.award_id, "report": report.name, "version": version.number},
        )
    return version
