"""Fund managers' review of progress reports: accepting one, or returning it with comments.

Accepting a report makes the instalments tied to it due for payment, publishes its links as
the project's outputs, and, for the final report, completes the project. Returning one
sends the team the comments; they change it and submit it again. Each step is audited,
and the team is emailed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue
from localdigital.public_cache import content_changed

from .. import formats
from ..errors import FundingError, TransitionNotAllowed
from ..models import (
    Award,
    AwardStatus,
    Instalment,
    ProgressReport,
    ProjectOutput,
    ReportLink,
    ReportStatus,
    ReportVersion,
    ReviewOutcome,
)
from ..selectors.reporting import project_team_users
from .assessment import _require_fund_manager
from .awards import award_start


def _lock(report: ProgressReport) -> tuple[ProgressReport, ReportVersion]:
    """Lock the report's award, then the report (the order the schedule's changes take),
    and return the report with the version under review."""
    award = Award.objects.select_for_update(of=("self",)).get(pk=report.award_id)
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("award__application__lead_organisation")
        .get(pk=report.pk)
    )
    report.award = award
    if not report.is_in_review:
        raise TransitionNotAllowed(
            f"{report.name} of {award.title} is {report.get_status_display().lower()}: only a "
            "report waiting for review is accepted or returned."
        )
    version = ReportVersion.objects.select_for_update().filter(report=report).order_by("-number")[0]
    return report, version


def report_return(
    *, report: ProgressReport, comment: str, returned_by: User, now: datetime | None = None
) -> ReportVersion:
    """Return a submitted report to the team with comments for changes (a fund manager):
    submitted or resubmitted → returned. The team is emailed the comments."""
    now = now or timezone.now()
    _require_fund_manager(returned_by, "review progress reports")
    comment = comment.strip()
    if not comment:
        raise FundingError("Write comments saying what the team must change")
    with transaction.atomic():
        report, version = _lock(report)
        version.outcome, version.comment = ReviewOutcome.RETURNED, comment
        version.reviewed_at, version.reviewed_by = now, returned_by
        version.save(update_fields=["outcome", "comment", "reviewed_at", "reviewed_by"])
        report.status = ReportStatus.RETURNED
        report.save(update_fields=["status"])
        audit_record(
            actor=returned_by,
            verb="funding.report.returned",
            target=report,
            data={"award": report.award_id, "report": report.name, "version": version.number},
        )
        _team_told(report, version, returned=True)
    return version


def report_accept(
    *, report: ProgressReport, accepted_by: User, now: datetime | None = None
) -> ReportVersion:
    """Accept a submitted report (a fund manager): submitted or resubmitted → accepted.

    The instalments tied to it become due for payment; its links become the project's
    public outputs; the first accepted report starts an accepted project (it is in progress
    in public), and accepting the final report completes it. The team is emailed.
    """
    now = now or timezone.now()
    _require_fund_manager(accepted_by, "review progress reports")
    with transaction.atomic():
        report, version = _lock(report)
        award = report.award
        version.outcome = ReviewOutcome.ACCEPTED
        version.reviewed_at, version.reviewed_by = now, accepted_by
        version.save(update_fields=["outcome", "reviewed_at", "reviewed_by"])
        report.status = ReportStatus.ACCEPTED
        report.accepted_at, report.accepted_by = now, accepted_by
        report.save(update_fields=["status", "accepted_at", "accepted_by"])
        outputs = _outputs_publish(report, now)
        if award.status == AwardStatus.ACCEPTED:
            # A report the Fund accepts shows the work is under way: the project is in
            # progress from now, as if a fund manager had recorded its start.
            award = award_start(
                award=award, started_by=accepted_by, now=now, report_name=report.name
            )
            report.award = award
        completed = report.is_final and award.status == AwardStatus.ACTIVE
        if completed:
            award.status, award.completed_at = AwardStatus.COMPLETED, now
            award.save(update_fields=["status", "completed_at"])
            audit_record(actor=accepted_by, verb="funding.award.completed", target=award)
        due = list(
            Instalment.objects.filter(report=report, paid_at__isnull=True).order_by("due_on")
        )
        content_changed("funding")
        audit_record(
            actor=accepted_by,
            verb="funding.report.accepted",
            target=report,
            data={
                "award": award.pk,
                "report": report.name,
                "version": version.number,
                "outputs": outputs,
                "instalments_due": [instalment.pk for instalment in due],
                "completed": completed,
            },
        )
        _team_told(report, version, returned=False, due=due, completed=completed)
    return version


def _outputs_publish(report: ProgressReport, now: datetime) -> int:
    """Make each of the report's links one of the project's public outputs; return how
    many."""
    links = list(ReportLink.objects.filter(report=report, output__isnull=True))
    for link in links:
        link.output = ProjectOutput.objects.create(
            award=report.award,
            title=link.title,
            url=link.url,
            output_type=link.output_type,
            added_by=report.submitted_by,
            added_at=now,
        )
        link.save(update_fields=["output"])
    return len(links)


def _team_told(
    report: ProgressReport,
    version: ReportVersion,
    *,
    returned: bool,
    due: list[Instalment] | None = None,
    completed: bool = False,
) -> None:
    award = report.award
    verb = "returned" if returned else "accepted"
    context = {
        "report": report,
        "award": award,
        "comment": version.comment,
        "due": [
            f"{formats.money(instalment.amount)} (planned for {formats.day(instalment.due_on)})"
            for instalment in due or []
        ],
        "completed": completed,
        "report_url": absolute_url("funding:project-report", award.slug, report.key),
        "project_url": absolute_url("funding:project-detail", award.slug),
    }
    body = render_to_string(f"funding/email/report_{verb}.txt", context)
    subject = (
        f"Changes needed to {report.name_in_text} of {award.title}"
        if returned
        else f"{capfirst(report.name_in_text)} of {award.title} is accepted"
    )
    for user in project_team_users(award=award):
        email_queue(
            to=user.email,
            subject=subject,
            body=body,
            idempotency_key=f"funding.report.{verb}.{version.pk}.{user.pk}",
        )
