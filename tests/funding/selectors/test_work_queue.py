"""What waits for the Fund's staff, at the edges: when an assessment is overdue or due soon,
and when a round's decisions wait for approval or their announcement."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from funding.models import Application, Assessment, Round
from funding.selectors import work_queue
from funding.selectors.assessment import applications_with_progress
from tests.funding.factories import (
    ApplicationFactory,
    AssessmentFactory,
    DecisionFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


class TestAssessmentsDue:
    def test_overdue_when_the_due_date_has_passed_and_it_is_still_open(self):
        """Due yesterday and assigned or being scored; not one submitted or conflicted."""
        today = timezone.localdate()
        late = AssessmentFactory.create(due_on=today - DAY)
        scoring = AssessmentFactory.create(due_on=today - DAY, scoring=True)
        AssessmentFactory.create(due_on=today - DAY, submitted=True)
        AssessmentFactory.create(due_on=today - DAY, conflicted=True)
        AssessmentFactory.create(due_on=today)

        overdue = work_queue.assessments_overdue(Assessment.objects.all(), today=today)

        assert set(overdue) == {late, scoring}

    def test_due_soon_from_today_to_seven_days_on(self):
        today = timezone.localdate()
        due_today = AssessmentFactory.create(due_on=today)
        in_a_week = AssessmentFactory.create(due_on=today + 7 * DAY)
        AssessmentFactory.create(due_on=today + 8 * DAY)
        AssessmentFactory.create(due_on=today - DAY)
        AssessmentFactory.create(due_on=today + DAY, submitted=True)

        soon = work_queue.assessments_due_soon(Assessment.objects.all(), today=today)

        assert set(soon) == {due_today, in_a_week}


class TestApplicationsWaiting:
    def test_nothing_in_a_round_whose_decisions_are_approved_waits_for_assessment(self):
        """Once the Minister's approval is recorded, an application short of assessors, or
        with its assessments all in, is past assessing and moderating."""
        open_round = RoundFactory.create(closed=True, assessors_per_application=1)
        approved = RoundFactory.create(
            closed=True, assessors_per_application=1, decisions_approved_at=timezone.now()
        )
        short = ApplicationFactory.create(round=open_round, submitted=True)
        ApplicationFactory.create(round=approved, submitted=True)
        ready = AssessmentFactory.create(
            application__round=open_round, submitted=True, scores={}
        ).application
        AssessmentFactory.create(application__round=approved, submitted=True, scores={})
        applications = applications_with_progress(Application.objects.all())

        needing = work_queue.applications_needing_assessors(applications)
        to_moderate = work_queue.applications_ready_to_moderate(applications)

        assert list(needing) == [short]
        assert list(to_moderate) == [ready]


class TestRoundsWaiting:
    def test_a_round_waits_for_approval_once_every_submitted_application_is_decided(self):
        all_decided = RoundFactory.create(closed=True)
        DecisionFactory.create(application__round=all_decided)
        DecisionFactory.create(application__round=all_decided, rejected=True)
        ApplicationFactory.create(round=all_decided)  # a draft needs no decision
        one_undecided = RoundFactory.create(closed=True)
        DecisionFactory.create(application__round=one_undecided)
        ApplicationFactory.create(round=one_undecided, submitted=True)
        RoundFactory.create(closed=True)  # nothing submitted: nothing to approve
        approved = RoundFactory.create(closed=True, decisions_approved_at=timezone.now())
        DecisionFactory.create(application__round=approved)

        waiting = work_queue.rounds_waiting_for_approval(Round.objects.all())

        assert list(waiting) == [all_decided]

    def test_a_round_waits_for_its_announcement_once_approved_until_announced(self):
        now = timezone.now()
        approved = RoundFactory.create(decided=True, decisions_approved_at=now)
        RoundFactory.create(decided=True, decisions_approved_at=now, announced_at=now)
        RoundFactory.create(closed=True)

        waiting = work_queue.rounds_waiting_for_announcement(Round.objects.all())

        assert list(waiting) == [approved]
