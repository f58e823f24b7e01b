"""Reminders about progress reports not yet submitted: to the project team 14 days and 3 days
before a report is due, and on the day after it was due, to the team and the fund managers.

Each reminder falls due at 9am UK time on its day. The job runs every quarter of an hour and
acts on a reminder only from that moment until a day after (``FUNDING_REMINDER_LATEST``),
and a reminder before the due date never once the report is due: so nothing is ever sent
late, and a schedule made for a project that started years ago sends nothing for the
reports already past. A ``ReportReminder`` row, unique per report, kind and due date, is
written in the same transaction as the emails, under a lock on the report, so however often
the job runs, and however many beats run it, each reminder goes once. A report whose due
date moves is reminded of the new date.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from localdigital.accounts import groups
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail.services import email_queue
from localdigital.queueing import enqueue_each_on_commit

from .. import formats
from ..models import ProgressReport, ReportReminder, ReportReminderKind, ReportStatus
from ..selectors.reporting import REPORTING, project_team_users, report_period

logger = logging.getLogger(__name__)

# The Postgres advisory lock that keeps two runs of the report reminders apart.
REPORT_REMINDER_LOCK = lock_register("funding.report_reminders")
# Reminders go from this time of day, UK time.
SEND_FROM = time(9, 0)
# The day of each reminder, counted from the report's due date.
DAYS_FROM_DUE = {
    ReportReminderKind.DUE_IN_14_DAYS: -14,
    ReportReminderKind.DUE_IN_3_DAYS: -3,
    ReportReminderKind.OVERDUE: 1,
}


@dataclass(frozen=True)
class DueReportReminder:
    """A reminder to send: about this report, of this kind."""

    report_id: int
    kind: str


def reminder_moment(*, kind: str, due_at: datetime) -> datetime:
    """Return when a reminder of ``kind`` about a report due at ``due_at`` falls due: 9am UK
    time on its day."""
    day = timezone.localdate(due_at) + timedelta(days=DAYS_FROM_DUE[ReportReminderKind(kind)])
    return timezone.make_aware(datetime.combine(day, SEND_FROM), timezone.get_default_timezone())


def is_due(*, kind: str, due_at: datetime, now: datetime) -> bool:
    """Return whether the reminder is due at ``now``: its moment has come, no more than a
    day ago, and, for a reminder before the due date, the report is not due yet."""
    moment = reminder_moment(kind=kind, due_at=due_at)
    latest = moment + settings.FUNDING_REMINDER_LATEST
    if kind != ReportReminderKind.OVERDUE:
        latest = min(latest, due_at)
    return moment <= now < latest


def report_reminders_queue(*, now: datetime) -> list[DueReportReminder] | None:
    """Find the reports not yet submitted that are due a reminder at ``now`` and have not
    had it, and queue one ``send_report_reminder`` task for each after commit; return them.

    While another run holds the advisory lock this does nothing and returns None. Each task
    checks again before it sends.
    """
    with advisory_lock(REPORT_REMINDER_LOCK) as locked:
        if not locked:
            logger.info("Another run of the report reminders holds the lock; skipping.")
            return None
        latest = settings.FUNDING_REMINDER_LATEST
        # Only reports due within these bounds can have a reminder due now.
        reports = list(
            ProgressReport.objects.filter(
                status=ReportStatus.DRAFT,
                award__status__in=REPORTING,
                due_at__gt=now - timedelta(days=2) - latest,
                due_at__lt=now + timedelta(days=15),
            )
            .order_by("due_at", "pk")
            .values_list("pk", "due_at")
        )
        sent = set(
            ReportReminder.objects.filter(report_id__in=[pk for pk, _ in reports]).values_list(
                "report_id", "kind", "due_at"
            )
        )
        due = [
            DueReportReminder(pk, kind)
            for pk, due_at in reports
            for kind in ReportReminderKind.values
            if (pk, kind, due_at) not in sent and is_due(kind=kind, due_at=due_at, now=now)
        ]
        if due:
            logger.info("Queuing %d report reminders.", len(due))
            from ..tasks import send_report_reminder

            run_at = now.isoformat()
            enqueue_each_on_commit(
                send_report_reminder, ((r.report_id, r.kind, run_at) for r in due)
            )
    return due


def _fund_managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, is_staff=True, groups__name=groups.FUND_MANAGER)
        .distinct()
        .order_by("email")
    )


def report_reminder_send(*, report_id: int, kind: str, now: datetime) -> int:
    """Send one reminder about one report not yet submitted; return how many people were
    emailed (0 when it was not due, or sent already)."""
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related("award__application__lead_organisation")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status != ReportStatus.DRAFT:
            return 0
        award = report.award
        if award.status not in REPORTING or not is_due(kind=kind, due_at=report.due_at, now=now):
            return 0
        record, created = ReportReminder.objects.get_or_create(
            report=report, kind=kind, due_at=report.due_at, defaults={"sent_at": now}
        )
        if not created:
            return 0
        lead = award.application.lead_organisation
        context = {
            "report": report,
            "award": award,
            "lead": lead.name,
            "due": formats.date_and_time(report.due_at),
            "period": report_period(report),
            "days": -DAYS_FROM_DUE[ReportReminderKind(kind)],
            "report_url": absolute_url("funding:project-report", award.slug, report.key),
            "admin_url": absolute_url("admin:funding_progressreport_change", report.pk),
        }
        stamp = f"{report.pk}.{kind}.{int(report.due_at.timestamp())}"
        team = project_team_users(award=award)
        overdue = kind == ReportReminderKind.OVERDUE
        subject = (
            f"{report.name} of {award.title} is overdue"
            if overdue
            else f"{report.name} of {award.title} is due {formats.day(report.due_at)}"
        )
        body = render_to_string(
            f"funding/email/report_{'overdue' if overdue else 'reminder'}.txt", context
        )
        for user in team:
            email_queue(
                to=user.email,
                subject=subject,
                body=body,
                idempotency_key=f"funding.report.reminder.{stamp}.{user.pk}",
            )
        managers = _fund_managers() if overdue else []
        if managers:
            staff_body = render_to_string("funding/email/report_overdue_staff.txt", context)
            for manager in managers:
                email_queue(
                    to=manager.email,
                    subject=f"Overdue: {report.name} of {award.title} ({lead.name})",
                    body=staff_body,
                    idempotency_key=f"funding.report.overdue.{stamp}.{manager.pk}",
                )
        record.recipients = len(team) + len(managers)
        record.save(update_fields=["recipients"])
        audit_record(
            actor=None,
            verb="funding.report.reminded",
            target=report,
            data={"kind": kind, "due_at": report.due_at, "recipients": record.recipients},
        )
    return record.recipients
