"""Reminders of assessments' due dates (funding/services/assessment_reminders.py): each sent
once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from funding.services import assessment_reminders as reminder_services
from localdigital.mail.models import OutgoingEmail
from tests.funding.factories import AssessmentFactory
from tests.funding.support import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the beat job as at a time, and the tasks it queues once it commits."""

    def run(at):
        with django_capture_on_commit_callbacks(execute=True):
            return reminder_services.assessment_reminders_queue(now=at)

    return run


class TestReminders:
    def test_reminds_an_assessor_once_two_days_before_and_tells_the_assigner_once_when_overdue(
        self, fund_manager, remind
    ):
        now = timezone.now()
        today = timezone.localdate(now)
        assessment = AssessmentFactory(due_on=today + 2 * DAY, assigned_by=fund_manager)

        assert remind(now) == [assessment.pk]
        assert remind(now) == []
        reminders = OutgoingEmail.objects.filter(recipient=assessment.assessor.email)
        assert reminders.count() == 1
        assert "is due" in reminders.get().subject

        later = now + 3 * DAY
        assert remind(later) == [assessment.pk]
        remind(later)
        overdue = OutgoingEmail.objects.filter(recipient=fund_manager.email)
        assert overdue.count() == 1
        assert "overdue" in overdue.get().subject
        assert reminders.count() == 1

    def test_sends_nothing_for_a_submitted_assessment_or_long_overdue_history(self, remind):
        now = timezone.now()
        today = timezone.localdate(now)
        AssessmentFactory(due_on=today + DAY, submitted=True)
        AssessmentFactory(due_on=today - 30 * DAY)

        assert remind(now) == []
        assert not OutgoingEmail.objects.exists()

    def test_does_not_remind_early(self, remind):
        now = timezone.now()
        AssessmentFactory(due_on=timezone.localdate(now) + 3 * DAY)

        assert remind(now) == []
