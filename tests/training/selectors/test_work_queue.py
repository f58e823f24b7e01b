"""What waits for training administrators, at the edges: offers about to expire, and
registers to take."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    OfferFactory,
)
from training.models import Cohort, Enrolment, OfferStatus
from training.selectors import work_queue

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def test_an_offer_expires_soon_when_nobody_has_answered_it_within_24_hours_of_expiring():
    now = timezone.now()
    at_the_limit = OfferFactory.create(offered_at=now - DAY, expires_at=now + 24 * HOUR)
    OfferFactory.create(
        offered_at=now - DAY, expires_at=now + 24 * HOUR + datetime.timedelta(seconds=1)
    )
    OfferFactory.create(offered_at=now - 3 * DAY, expires_at=now - HOUR)  # lapsing already
    OfferFactory.create(expires_at=now + HOUR, status=OfferStatus.ACCEPTED, answered_at=now)

    expiring = work_queue.enrolments_with_offer_expiring(Enrolment.objects.all(), now=now)

    assert list(expiring) == [at_the_limit.enrolment]


def test_a_register_is_to_take_once_a_session_has_ended_with_anyones_attendance_missing():
    """One person's attendance recorded and another's not is a register still to take."""
    now = timezone.now()
    half_taken = CohortFactory.create(closed=True, sessions=[now - 2 * DAY])
    AttendanceFactory.create(enrolment=EnrolmentFactory.create(cohort=half_taken))
    EnrolmentFactory.create(cohort=half_taken)
    # Still running: the session started an hour ago and has not ended.
    running = CohortFactory.create(closed=True, sessions=[now - HOUR])
    EnrolmentFactory.create(cohort=running)
    # Nobody holds a place: no register to take.
    empty = CohortFactory.create(closed=True, sessions=[now - 2 * DAY])
    EnrolmentFactory.create(cohort=empty, cancelled=True)
    # A draft cohort has no register.
    draft = CohortFactory.create(draft=True, sessions=[now - 2 * DAY])
    EnrolmentFactory.create(cohort=draft)

    cohorts = work_queue.cohorts_with_register_to_take(Cohort.objects.all(), now=now)

    assert list(cohorts) == [half_taken]
