"""Reminders about progress reports not yet submitted: to the team 14 and 3 days before one
is due, and the day after, to the team and the fund managers. Each once, never late, and
nothing for reports already past when the schedule is made.

Every run is given its time rather than moving the clock. The report used throughout is due
at 5pm on Wednesday 15 July 2026 (BST); its reminders fall due at 9am London time on
1 July, 12 July and 16 July.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from funding import tasks
from funding.models import AwardStatus, ReportReminder, ReportReminderKind, ReportStatus
from funding.services import report_reminders
from funding.services.report_reminders import (
    DueReportReminder,
    is_due,
    reminder_moment,
    report_reminders_queue,
)
from funding.services.reporting import award_dates_set, due_at
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.factories import AwardFactory, member_of
from tests.funding.factories_reporting import ProgressReportFactory
from tests.support.locks import lock_held
from tests.support.times import london

pytestmark = pytest.mark.django_db

D = datetime.date
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
DUE = due_at(D(2026, 7, 15))
FOURTEEN, THREE, OVERDUE = (
    ReportReminderKind.DUE_IN_14_DAYS,
    ReportReminderKind.DUE_IN_3_DAYS,
    ReportReminderKind.OVERDUE,
)


def run(now: datetime.datetime, capture) -> int:
    """Run the beat task for ``now`` and the tasks it queues on commit; return how many it
    queued."""
    with capture(execute=True):
        return tasks.send_report_reminders(now.isoformat())


def emailed() -> list[tuple[str, str]]:
    return sorted(OutgoingEmail.objects.values_list("recipient", "subject"))


@pytest.fixture
def report():
    """Report 1 of an accepted project, not submitted, with one writer in the lead."""
    award = AwardFactory(accepted=True, title="Joined-up missed bins")
    # A member who has not worked on the project is not emailed.
    member_of(award.application.lead_organisation, user__email="someone.else@example.gov.uk")
    return ProgressReportFactory(
        award=award, number=1, period_start=D(2026, 4, 16), period_end=D(2026, 7, 15), due_at=DUE
    )


@pytest.fixture
def fund_manager():
    return UserFactory(email="fiona@communities.gov.uk", staff=True, groups=["Fund manager"])


def writer(report) -> str:
    return report.award.application.created_by.email


class TestIsDue:
    def test_each_reminder_falls_due_at_9am_on_its_day(self):
        assert reminder_moment(kind=FOURTEEN, due_at=DUE) == london(2026, 7, 1, 9)
        assert reminder_moment(kind=THREE, due_at=DUE) == london(2026, 7, 12, 9)
        assert reminder_moment(kind=OVERDUE, due_at=DUE) == london(2026, 7, 16, 9)

    def test_in_winter_9am_is_gmt(self):
        moment = reminder_moment(kind=THREE, due_at=due_at(D(2026, 12, 15)))
        assert moment == datetime.datetime(2026, 12, 12, 9, tzinfo=datetime.UTC)

    @pytest.mark.parametrize(
        ("now", "expected"),
        [
            (london(2026, 7, 1, 8, 59), False),
            (london(2026, 7, 1, 9), True),
            (london(2026, 7, 2, 8, 59), True),
            (london(2026, 7, 2, 9), False),
        ],
    )
    def test_for_a_day_from_its_moment(self, now, expected):
        assert is_due(kind=FOURTEEN, due_at=DUE, now=now) is expected

    def test_a_reminder_before_the_due_date_never_once_it_is_due(self, settings):
        settings.FUNDING_REMINDER_LATEST = 10 * DAY
        assert is_due(kind=THREE, due_at=DUE, now=DUE - HOUR)
        assert not is_due(kind=THREE, due_at=DUE, now=DUE)

    def test_the_window_follows_the_setting(self, settings):
        settings.FUNDING_REMINDER_LATEST = 2 * HOUR
        assert is_due(kind=OVERDUE, due_at=DUE, now=london(2026, 7, 16, 10, 59))
        assert not is_due(kind=OVERDUE, due_at=DUE, now=london(2026, 7, 16, 11))


class TestReminders:
    def test_reminds_the_team_14_and_3_days_before(
        self, report, django_capture_on_commit_callbacks
    ):
        assert run(london(2026, 6, 30, 9), django_capture_on_commit_callbacks) == 0
        assert run(london(2026, 7, 1, 9, 15), django_capture_on_commit_callbacks) == 1
        assert emailed() == [
            (writer(report), "Report 1 of Joined-up missed bins is due Wednesday 15 July 2026")
        ]
        body = OutgoingEmail.objects.get().body_text
        assert "5pm on Wednesday 15 July 2026: 14 days from now" in body
        assert "It covers 16 April 2026 to 15 July 2026." in body
        assert f"/funding/projects/{report.award.slug}/reports/1/" in body

        assert run(london(2026, 7, 12, 9, 15), django_capture_on_commit_callbacks) == 1
        assert OutgoingEmail.objects.count() == 2
        assert "3 days from now" in OutgoingEmail.objects.order_by("-pk")[0].body_text

    def test_the_day_after_tells_the_team_and_the_fund_managers(
        self, report, fund_manager, django_capture_on_commit_callbacks
    ):
        assert run(london(2026, 7, 16, 8, 45), django_capture_on_commit_callbacks) == 0
        assert run(london(2026, 7, 16, 9), django_capture_on_commit_callbacks) == 1

        assert emailed() == [
            (
                "fiona@communities.gov.uk",
                f"Overdue: Report 1 of Joined-up missed bins "
                f"({report.award.application.lead_organisation.name})",
            ),
            (writer(report), "Report 1 of Joined-up missed bins is overdue"),
        ]
        staff_email = OutgoingEmail.objects.get(recipient=fund_manager.email)
        assert f"/admin/funding/progressreport/{report.pk}/change/" in staff_email.body_text
        record = ReportReminder.objects.get()
        assert (record.kind, record.recipients) == (OVERDUE, 2)
        assert AuditEvent.objects.filter(verb="funding.report.reminded").count() == 1

    def test_sends_each_once_however_often_the_job_runs(
        self, report, django_capture_on_commit_callbacks
    ):
        now = london(2026, 7, 1, 9)
        assert run(now, django_capture_on_commit_callbacks) == 1
        assert run(now, django_capture_on_commit_callbacks) == 0
        assert run(now + 6 * HOUR, django_capture_on_commit_callbacks) == 0
        assert OutgoingEmail.objects.count() == 1

    def test_sends_once_when_the_same_task_runs_twice(self, report):
        run_at = london(2026, 7, 1, 9).isoformat()

        first = tasks.send_report_reminder(report.pk, FOURTEEN, run_at)
        second = tasks.send_report_reminder(report.pk, FOURTEEN, run_at)

        assert (first, second) == (1, 0)
        assert OutgoingEmail.objects.count() == 1

    def test_never_late(self, report, django_capture_on_commit_callbacks):
        """A job that was down sends nothing once a reminder's day has passed."""
        assert run(london(2026, 7, 2, 9), django_capture_on_commit_callbacks) == 0
        assert run(london(2026, 7, 17, 9), django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()

    @pytest.mark.parametrize(
        "status", [ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED]
    )
    def test_nothing_for_a_report_already_submitted(
        self, report, status, django_capture_on_commit_callbacks
    ):
        report.status = status
        report.submitted_at = report.accepted_at = london(2026, 6, 30)
        report.save()

        for now in (london(2026, 7, 1, 9), london(2026, 7, 16, 9)):
            assert run(now, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()

    def test_a_task_queued_before_the_report_was_submitted_sends_nothing(self, report):
        report.status, report.submitted_at = ReportStatus.SUBMITTED, london(2026, 7, 1, 9, 1)
        report.save()

        assert (
            tasks.send_report_reminder(report.pk, FOURTEEN, london(2026, 7, 1, 9).isoformat()) == 0
        )

    @pytest.mark.parametrize("status", [AwardStatus.COMPLETED, AwardStatus.DECLINED])
    def test_nothing_for_a_project_no_longer_running(
        self, report, status, django_capture_on_commit_callbacks
    ):
        report.award.status = status
        report.award.save()

        assert run(london(2026, 7, 1, 9), django_capture_on_commit_callbacks) == 0

    def test_a_report_whose_due_date_moves_is_reminded_of_the_new_one(
        self, report, django_capture_on_commit_callbacks
    ):
        assert run(london(2026, 7, 1, 9), django_capture_on_commit_callbacks) == 1
        report.due_at = due_at(D(2026, 8, 14))
        report.save()

        assert run(london(2026, 7, 31, 9), django_capture_on_commit_callbacks) == 1
        assert ReportReminder.objects.filter(report=report, kind=FOURTEEN).count() == 2

    def test_no_backfill_for_a_schedule_made_for_a_project_that_started_years_ago(
        self, fund_manager, django_capture_on_commit_callbacks
    ):
        award = AwardFactory(
            accepted=True, responded_at=london(2024, 1, 10, 12), awarded_on=D(2024, 1, 3)
        )
        award_dates_set(
            award=award, starts_on=D(2024, 1, 15), ends_on=D(2026, 9, 30), set_by=fund_manager
        )
        assert award.reports.count() == 11

        # On 26 June 2026, report 10 (due 10 July) is reminded; of every report already
        # past, nothing is said.
        assert run(london(2026, 6, 26, 9), django_capture_on_commit_callbacks) == 1
        (record,) = ReportReminder.objects.all()
        assert (record.report.name, record.kind) == ("Report 10", FOURTEEN)

    def test_does_nothing_while_another_run_holds_the_lock(
        self, report, other_session, django_capture_on_commit_callbacks
    ):
        now = london(2026, 7, 1, 9)
        with lock_held(other_session, report_reminders.REPORT_REMINDER_LOCK):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                assert report_reminders_queue(now=now) is None
            assert callbacks == []
        with django_capture_on_commit_callbacks(execute=False):
            assert report_reminders_queue(now=now) == [DueReportReminder(report.pk, FOURTEEN)]


def test_the_job_runs_every_quarter_of_an_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["funding-report-reminders"]
    assert entry["task"] == "funding.tasks.send_report_reminders"
    assert entry["schedule"] == datetime.timedelta(minutes=15)
