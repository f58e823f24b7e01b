"""Reminders 7 days and 1 day before a cohort, joining instructions, the feedback survey,
and the deletion of needs: each sent once, never late, never backfilled.

Every run is given its time (the task's ``run_at``) rather than moving the clock.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.training.factories import CohortFactory, EnrolmentFactory
from training import tasks
from training.models import Enrolment, EnrolmentReminder, ReminderKind
from training.services import reminders

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the reminders beat job as at a time, and the tasks it queues once it commits."""

    def at(moment: datetime.datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.send_cohort_reminders(moment.isoformat())

    return at


@pytest.fixture
def start():
    return (timezone.now() + 20 * DAY).replace(microsecond=0)


def subjects(address: str) -> list[str]:
    return list(
        OutgoingEmail.objects.filter(recipient=address)
        .order_by("pk")
        .values_list("subject", flat=True)
    )


class TestBeforeTheFirstSession:
    def test_seven_days_before_the_reminder_and_joining_instructions_go_once(self, run, start):
        cohort = CohortFactory(sessions=[start], enrolment_closes_at=start - 8 * DAY)
        enrolment = EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        assert run(start - 7 * DAY - MINUTE) == 0
        assert run(start - 7 * DAY) == 2
        assert run(start - 7 * DAY + 15 * MINUTE) == 2

        title = cohort.course.title
        assert subjects(enrolment.user.email) == [
            f"{title} starts in 7 days",
            f"Joining instructions for {title}",
        ]
        assert subjects(waiting.user.email) == []
        assert EnrolmentReminder.objects.filter(enrolment=enrolment).count() == 2

    def test_one_day_before_the_last_reminder(self, run, start):
        cohort = CohortFactory(sessions=[start], joining_instructions="")
        enrolment = EnrolmentFactory(cohort=cohort)

        run(start - DAY)

        assert subjects(enrolment.user.email) == [f"{cohort.course.title} starts tomorrow"]

    def test_a_reminder_whose_moment_passed_is_never_sent_late(self, run, start, settings):
        """The job was down: 6 hours after the moment it sends nothing."""
        settings.TRAINING_REMINDER_LATEST = 6 * HOUR
        cohort = CohortFactory(sessions=[start])
        enrolment = EnrolmentFactory(cohort=cohort)

        assert run(start - 7 * DAY + 6 * HOUR) == 0
        assert run(start - DAY + 6 * HOUR + MINUTE) == 0

        assert subjects(enrolment.user.email) == []

    def test_the_sender_run_twice_sends_once(self, start):
        cohort = CohortFactory(sessions=[start])
        EnrolmentFactory.create_batch(3, cohort=cohort)
        at = (start - DAY).isoformat()

        assert tasks.send_cohort_reminder(cohort.pk, ReminderKind.ONE_DAY, at) == 3
        assert tasks.send_cohort_reminder(cohort.pk, ReminderKind.ONE_DAY, at) == 0

        assert OutgoingEmail.objects.filter(subject__endswith="starts tomorrow").count() == 3
        assert AuditEvent.objects.filter(verb="training.cohort.one_day_sent").count() == 1

    def test_the_sender_sends_nothing_when_not_due(self, start):
        cohort = CohortFactory(sessions=[start])
        EnrolmentFactory(cohort=cohort)

        sent = tasks.send_cohort_reminder(cohort.pk, ReminderKind.ONE_DAY, start.isoformat())

        assert sent == 0

    def test_a_cancelled_cohort_gets_no_reminder(self, run, start):
        cohort = CohortFactory(sessions=[start], cancelled=True)
        EnrolmentFactory(cohort=cohort)

        assert run(start - DAY) == 0


class TestFeedback:
    def test_the_survey_goes_after_the_last_session_to_those_who_came_once(self, run):
        now = timezone.now()
        cohort = CohortFactory(
            past=True,
            sessions=[now - 3 * DAY],
            feedback_survey_url="https://forms.example.gov.uk/training-feedback",
        )
        came = EnrolmentFactory(cohort=cohort, completed=True)
        absent = EnrolmentFactory(cohort=cohort, no_show=True)
        end = cohort.sessions.get().ends_at

        assert run(end) == 1
        assert run(end + HOUR) == 1

        assert subjects(came.user.email) == [f"Tell us what you thought of {cohort.course.title}"]
        body = OutgoingEmail.objects.get(recipient=came.user.email).body_text
        assert "https://forms.example.gov.uk/training-feedback" in body
        assert subjects(absent.user.email) == []

    def test_no_survey_no_email_and_no_backfill(self, run, settings):
        now = timezone.now()
        with_survey = CohortFactory(
            past=True, sessions=[now - 30 * DAY], feedback_survey_url="https://forms.example/f"
        )
        without = CohortFactory(past=True, sessions=[now - 2 * DAY])
        EnrolmentFactory(cohort=with_survey, completed=True)
        EnrolmentFactory(cohort=without, completed=True)

        assert run(now) == 0


class TestNeedsDeletion:
    def test_needs_are_deleted_30_days_after_the_cohort_ends(self):
        now = timezone.now()
        cohort = CohortFactory(past=True, sessions=[now - 40 * DAY])
        kept = CohortFactory(past=True, sessions=[now - 10 * DAY])
        old = EnrolmentFactory(cohort=cohort, completed=True, needs="Wheelchair user")
        recent = EnrolmentFactory(cohort=kept, completed=True, needs="Vegan")
        end = cohort.sessions.get().ends_at

        assert tasks.delete_expired_needs((end + 30 * DAY - MINUTE).isoformat()) == 0
        assert tasks.delete_expired_needs((end + 30 * DAY).isoformat()) == 1
        assert tasks.delete_expired_needs((end + 30 * DAY).isoformat()) == 0

        old = Enrolment.objects.get(pk=old.pk)
        assert (old.needs, old.needs_deleted_at) == ("", end + 30 * DAY)
        assert Enrolment.objects.get(pk=recent.pk).needs == "Vegan"
        event = AuditEvent.objects.get(verb="training.cohort.needs_deleted")
        assert "Wheelchair" not in str(event.data)

    def test_a_cancelled_cohort_counts_from_its_cancellation(self):
        now = timezone.now()
        cohort = CohortFactory(cancelled=True, cancelled_at=now - 31 * DAY)
        enrolment = EnrolmentFactory(cohort=cohort, cancelled=True, needs="Hearing loop")

        assert reminders.needs_delete_due(now=now) == 1

        assert Enrolment.objects.get(pk=enrolment.pk).needs == ""
