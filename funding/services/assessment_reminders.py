"""Reminding assessors whose assessments are due."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from localdigital.accounts import groups
from localdigital.accounts.models import User
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail.services import email_queue
from localdigital.queueing import enqueue_each_on_commit

from .. import formats
from ..models import (
    Assessment,
    AssessmentStatus,
)
from .common import person_name

# The Postgres advisory lock that keeps two runs of the assessment reminders apart.
REMINDER_LOCK = lock_register("funding.assessment_reminders")


# Assessors are reminded this many days before an assessment is due.
REMIND_DAYS_BEFORE = 2


def assessment_reminders_queue(*, now: datetime) -> list[int] | None:
    """Find the open assessments to remind of their due date, and those overdue to tell the
    fund managers of, and queue a task for each after commit; return their ids.

    An assessor is reminded once, when the due date is 2 days away or less; fund managers
    are told once, the day after it passed. Only what fell due within
    ``DECLARATION_REMINDER_WINDOW_DAYS`` (7 unless set) is acted on, so nothing is
    backfilled. An advisory lock keeps two runs apart (None while another holds it).
    """
    from django.conf import settings

    today = timezone.localdate(now)
    window = timedelta(days=max(settings.DECLARATION_REMINDER_WINDOW_DAYS, 1))
    with advisory_lock(REMINDER_LOCK) as locked:
        if not locked:
            return None
        open_statuses = [AssessmentStatus.ASSIGNED, AssessmentStatus.SCORING]
        due_soon = Q(
            reminded_at__isnull=True,
            due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
            due_on__gte=today,
        )
        overdue = Q(overdue_notified_at__isnull=True, due_on__lt=today, due_on__gte=today - window)
        ids = list(
            Assessment.objects.filter(status__in=open_statuses)
            .filter(due_soon | overdue)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            from ..tasks import send_assessment_reminder

            run_at = now.isoformat()
            enqueue_each_on_commit(send_assessment_reminder, ((pk, run_at) for pk in ids))
    return ids


def assessment_reminder_send(*, assessment_id: int, now: datetime) -> str:
    """Remind the assessor of a due date 2 days away or less, or tell the fund managers of
    an overdue assessment; each once, guarded by the row. Return what was sent: "reminded",
    "overdue" or ""."""
    from django.conf import settings

    today = timezone.localdate(now)
    window = timedelta(days=max(settings.DECLARATION_REMINDER_WINDOW_DAYS, 1))
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("application__round", "assessor", "assigned_by")
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None or not assessment.is_open:
            return ""
        application = assessment.application
        context = {
            "assessment": assessment,
            "application": application,
            "assessor": person_name(assessment.assessor),
            "due_on": formats.day(assessment.due_on),
            "list_url": absolute_url("admin:funding_assessment_changelist"),
            "application_url": absolute_url("admin:funding_application_change", application.pk),
        }
        if today - window <= assessment.due_on < today and assessment.overdue_notified_at is None:
            recipients = _fund_manager_emails(assessment)
            for email in recipients:
                email_queue(
                    to=email,
                    subject=(
                        f"Assessment of {application.reference} by "
                        f"{person_name(assessment.assessor)} is overdue"
                    ),
                    body=render_to_string("funding/email/assessment_overdue.txt", context),
                    idempotency_key=f"funding.assessment.overdue.{assessment.pk}.{email.lower()}",
                )
            assessment.overdue_notified_at = now
            assessment.save(update_fields=["overdue_notified_at"])
            return "overdue"
        if (
            today <= assessment.due_on <= today + timedelta(days=REMIND_DAYS_BEFORE)
            and assessment.reminded_at is None
        ):
            email_queue(
                to=assessment.assessor.email,
                subject=(
                    f"Reminder: your assessment of {application.reference} is due "
                    f"{formats.day(assessment.due_on)}"
                ),
                body=render_to_string("funding/email/assessment_reminder.txt", context),
                idempotency_key=f"funding.assessment.reminder.{assessment.pk}",
            )
            assessment.reminded_at = now
            assessment.save(update_fields=["reminded_at"])
            return "reminded"
    return ""


def _fund_manager_emails(assessment: Assessment) -> list[str]:
    """Return who to tell of an overdue assessment: whoever assigned it, or every fund
    manager when nobody did."""
    if assessment.assigned_by is not None and assessment.assigned_by.is_active:
        return [assessment.assigned_by.email]
    return sorted(
        User.objects.filter(
            is_active=True, is_staff=True, groups__name=groups.FUND_MANAGER
        ).values_list("email", flat=True)
    )
