"""Reads of a funded project's progress reports for its team: the schedule with each
report's state and the payments, one report with what the person may do, its task list, the
versions submitted with the Fund's comments, and who the team is when emailing it.

The team is the members of the lead organisation, who write the reports, and of the
partner organisations, who read them. Anyone else, staff included, is told a report does
not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from declaration import selectors as declaration_selectors
from declaration.selectors.organisation_admin import organisation_admins_active
from declaration.selectors.public import paragraphs
from localdigital.accounts.models import User
from localdigital.formats import calendar_date, time_on_day

from .. import formats
from ..models import (
    ApplicationChange,
    Award,
    AwardStatus,
    BudgetLine,
    Instalment,
    ProgressReport,
    ProjectMilestone,
    ReportSection,
    ReportStatus,
    ReportVersion,
)
from .applications import Task, TaskStatus
from .awards import ProjectTeamAccess, project_for_team_get
from .payments import PaymentState, instalments_with_state
from .report_content import report_problems, sections_of

REPORT_TAG_CLASSES = {
    ReportStatus.DRAFT: "govuk-tag--blue",
    ReportStatus.SUBMITTED: "govuk-tag--turquoise",
    ReportStatus.RETURNED: "govuk-tag--orange",
    ReportStatus.RESUBMITTED: "govuk-tag--turquoise",
    ReportStatus.ACCEPTED: "govuk-tag--green",
}
OVERDUE_TAG_CLASS = "govuk-tag--red"
# Awards whose reports the team writes.
REPORTING = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE)


def report_edit_refusal(report: ProgressReport, *, today: datetime | None = None) -> str:
    """Return why the team cannot change the report now, or "" when it can."""
    award = report.award
    if award.status not in REPORTING:
        return (
            f"{award.title} is {award.get_status_display().lower()}, so its reports no longer "
            "change."
        )
    if report.is_in_review:
        return f"{report.name} has been sent to the Fund, so it cannot change while it is reviewed."
    if report.status == ReportStatus.ACCEPTED:
        return f"{report.name} has been accepted, so it can no longer change."
    day = timezone.localdate(today or timezone.now())
    if report.period_start > day:
        return (
            f"{report.name} covers the period from {formats.day(report.period_start)}: you "
            "can write it from then."
        )
    return ""


def report_is_overdue(report: ProgressReport, now: datetime) -> bool:
    """Return whether the report was due before ``now`` and has not been submitted."""
    return report.status == ReportStatus.DRAFT and report.due_at <= now


def report_period(report: ProgressReport) -> str:
    """Return the period a report covers: "1 April 2026 to 30 June 2026"."""
    return f"{calendar_date(report.period_start)} to {calendar_date(report.period_end)}"


def report_url(report: ProgressReport, name: str = "funding:project-report") -> str:
    return reverse(name, args=[report.award.slug, report.key])


@dataclass(frozen=True)
class ReportRow:
    """One report of the schedule, as the team's list shows it."""

    name: str
    url: str
    period: str
    due: str
    status_label: str
    tag_class: str


@dataclass(frozen=True)
class InstalmentRow:
    """One payment of the award, as the team sees it."""

    amount: str
    planned: str
    state: str


@dataclass(frozen=True)
class ProjectReports:
    """A funded project's reporting schedule and payments, for its team."""

    team: ProjectTeamAccess
    is_lead_member: bool
    reports: list[ReportRow]
    instalments: list[InstalmentRow]
    paid: str


def _status(report: ProgressReport, now: datetime) -> tuple[str, str]:
    if report_is_overdue(report, now):
        return "Overdue", OVERDUE_TAG_CLASS
    status = ReportStatus(report.status)
    return status.label, REPORT_TAG_CLASSES[status]


def _instalment_state(instalment: Instalment) -> str:
    state = getattr(instalment, "payment_state", "")
    if state == PaymentState.PAID:
        assert instalment.paid_on is not None
        return f"Paid {formats.money(instalment.paid_amount)} on {formats.day(instalment.paid_on)}"
    if state == PaymentState.WAITING_REPORT and instalment.report is not None:
        return f"Paid once {instalment.report.name_in_text} is accepted"
    return PaymentState.LABELS.get(state, "")


def project_reports_get(
    *, slug: str, user: User, now: datetime | None = None
) -> ProjectReports | None:
    """Return the project ``slug``'s schedule and payments if ``user`` is on its team;
    else None."""
    now = now or timezone.now()
    team = project_for_team_get(slug=slug, user=user)
    if team is None:
        return None
    award = team.award
    reports = list(ProgressReport.objects.filter(award=award).order_by("due_at", "pk"))
    for report in reports:
        report.award = award
    instalments = list(
        instalments_with_state()
        .filter(award=award)
        .select_related("report")
        .order_by("due_on", "pk")
    )
    rows = []
    for report in reports:
        label, tag = _status(report, now)
        rows.append(
            ReportRow(
                name=report.name,
                url=report_url(report),
                period=report_period(report),
                due=formats.date_and_time(report.due_at),
                status_label=label,
                tag_class=tag,
            )
        )
    return ProjectReports(
        team=team,
        is_lead_member=_is_lead_member(award, user),
        reports=rows,
        instalments=[
            InstalmentRow(
                amount=formats.money(instalment.amount),
                planned=formats.day(instalment.due_on),
                state=_instalment_state(instalment),
            )
            for instalment in instalments
        ],
        paid=formats.money(
            sum((i.paid_amount for i in instalments if i.paid_amount is not None), 0)
        ),
    )


def _is_lead_member(award: Award, user: User) -> bool:
    return award.application.lead_organisation_id in (
        declaration_selectors.organisation_ids_for_member(user=user)
    )


@dataclass(frozen=True)
class ReportAccess:
    """A report of a project whose team the person is on, and what they may do with it."""

    team: ProjectTeamAccess
    report: ProgressReport
    is_lead_member: bool
    refusal: str
    is_overdue: bool
    status_label: str
    tag_class: str

    @property
    def can_edit(self) -> bool:
        """Whether the person may change and submit the report now: a member of the lead
        organisation, while the report is open to the team."""
        return self.is_lead_member and not self.refusal


def report_for_team_get(
    *, slug: str, key: str, user: User, now: datetime | None = None
) -> ReportAccess | None:
    """Return the report ``key`` ("1", "2", …, or "final") of the project ``slug`` if
    ``user`` is on its team; else None, which pages answer as not found."""
    now = now or timezone.now()
    team = project_for_team_get(slug=slug, user=user)
    if team is None:
        return None
    found = ProgressReport.objects.filter(award=team.award)
    if key == "final":
        found = found.filter(is_final=True)
    elif key.isdigit() and len(key) < 5:
        found = found.filter(number=int(key), is_final=False)
    else:
        return None
    report = found.first()
    if report is None:
        return None
    report.award = team.award
    label, tag = _status(report, now)
    return ReportAccess(
        team=team,
        report=report,
        is_lead_member=_is_lead_member(team.award, user),
        refusal=report_edit_refusal(report, today=now),
        is_overdue=report_is_overdue(report, now),
        status_label=label,
        tag_class=tag,
    )


def report_section_state(
    *, report: ProgressReport, section: str
) -> tuple[int, str, datetime | None]:
    """Return the version of a section of the report, and who saved it last and when."""
    saved = report.section_versions.get(section) or {}
    at = datetime.fromisoformat(saved["at"]) if saved.get("at") else None
    return int(saved.get("version", 0)), str(saved.get("by", "")), at


def report_section_url(report: ProgressReport, section: str) -> str:
    return reverse("funding:project-report-section", args=[report.award.slug, report.key, section])


def report_tasks(*, report: ProgressReport, content: dict) -> list[Task]:
    """Return the report's task list: each section, and whether it is complete."""
    problems = report_problems(content)
    tasks = []
    for section in sections_of(report):
        lacking = [problem.message for problem in problems if problem.section == section.value]
        saved = section.value in content["saved"]
        if not lacking:
            status = TaskStatus.COMPLETED
        elif saved:
            status = TaskStatus.IN_PROGRESS
        else:
            status = TaskStatus.NOT_STARTED
        hints: tuple[str, ...] = ()
        if section == ReportSection.MILESTONES and not content["milestones"]:
            hints = ("No milestones are agreed for this project",)
        elif section == ReportSection.SPEND and not content["spend"]:
            hints = ("The application has no budget lines",)
        tasks.append(
            Task(
                key=section.value,
                label=section.label,
                url=report_section_url(report, section.value),
                status=status,
                hints=hints,
            )
        )
    return tasks


@dataclass(frozen=True)
class VersionRow:
    """A version of the report that was submitted, and what the Fund said of it."""

    number: int
    url: str
    submitted: str
    submitted_by: str
    outcome: str
    comment: list[str]


def report_versions(*, report: ProgressReport) -> list[VersionRow]:
    """Return the versions submitted, newest first, with the Fund's review of each."""
    versions = ReportVersion.objects.filter(report=report).select_related("submitted_by")
    return [
        VersionRow(
            number=version.number,
            url=reverse(
                "funding:project-report-version",
                args=[report.award.slug, report.key, version.number],
            ),
            submitted=time_on_day(version.submitted_at, weekday=True),
            submitted_by=_name(version.submitted_by),
            outcome=version.get_outcome_display() if version.outcome else "Waiting for review",
            comment=paragraphs(version.comment),
        )
        for version in versions.order_by("-number")
    ]


def report_version_get(*, report: ProgressReport, number: int) -> ReportVersion | None:
    return ReportVersion.objects.filter(report=report, number=number).first()


def report_versions_for_review(*, report: ProgressReport) -> list[ReportVersion]:
    """Return every version of the report, newest first, with who sent and reviewed each."""
    return list(
        ReportVersion.objects.filter(report=report)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-number")
    )


def project_milestones(*, award: Award) -> list[ProjectMilestone]:
    """Return the project's milestones in the order of its plan."""
    return list(
        ProjectMilestone.objects.filter(award=award).order_by("position", "planned_on", "pk")
    )


def project_budget_lines(*, award: Award) -> list[BudgetLine]:
    """Return the budget lines of the project's application, in their order."""
    return list(
        BudgetLine.objects.filter(application_id=award.application_id).order_by("position", "pk")
    )


def _name(user: User | None) -> str:
    if user is None:
        return "Someone who no longer has an account"
    return user.full_name or user.email


def project_team_users(*, award: Award) -> list[User]:
    """Return who to email about a project's reports: the active members of the lead
    organisation who wrote its application or its reports, or accepted its offer; when
    none of them is left, the lead's admins."""
    application = award.application
    worked = {
        application.created_by_id,
        award.responded_by_id,
        *ApplicationChange.objects.filter(application=application).values_list(
            "changed_by_id", flat=True
        ),
        *ProgressReport.objects.filter(award=award).values_list("updated_by_id", flat=True),
        *ReportVersion.objects.filter(report__award=award).values_list(
            "submitted_by_id", flat=True
        ),
    } - {None}
    members = declaration_selectors.organisation_member_users(
        organisation_ids=[application.lead_organisation_id]
    )
    users = list(members.filter(Q(pk__in=worked)).order_by("email"))
    if users:
        return users
    return [
        membership.user
        for membership in organisation_admins_active(organisation=application.lead_organisation)
    ]
