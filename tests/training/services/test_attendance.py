"""Attendance per session and for a whole cohort, and the completion it decides."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.training.factories import CohortFactory, EnrolmentFactory
from training.errors import NotPermitted, TrainingError
from training.models import Attendance, EnrolmentStatus
from training.services import attendance as services

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def past_cohort():
    """A cohort whose two sessions took place last week."""
    now = timezone.now()
    return CohortFactory(past=True, sessions=[now - 8 * DAY, now - 7 * DAY])


def sessions(cohort):
    return list(cohort.sessions.order_by("starts_at"))


def status(enrolment) -> str:
    enrolment.refresh_from_db()
    return enrolment.status


class TestAttendanceRecord:
    def test_attending_every_session_completes_the_enrolment(self, administrator, past_cohort):
        enrolment = EnrolmentFactory(cohort=past_cohort)
        first, second = sessions(past_cohort)

        services.attendance_record(
            session=first, enrolment=enrolment, attended=True, recorded_by=administrator
        )
        assert status(enrolment) == EnrolmentStatus.ENROLLED
        services.attendance_record(
            session=second, enrolment=enrolment, attended=True, recorded_by=administrator
        )

        assert status(enrolment) == EnrolmentStatus.COMPLETED

    def test_attending_none_is_a_no_show_and_some_is_incomplete(self, administrator, past_cohort):
        absent, partial = EnrolmentFactory.create_batch(2, cohort=past_cohort)
        first, second = sessions(past_cohort)

        for session in (first, second):
            services.attendance_record(
                session=session, enrolment=absent, attended=False, recorded_by=administrator
            )
        services.attendance_record(
            session=first, enrolment=partial, attended=True, recorded_by=administrator
        )
        services.attendance_record(
            session=second, enrolment=partial, attended=False, recorded_by=administrator
        )

        assert status(absent) == EnrolmentStatus.NO_SHOW
        assert status(partial) == EnrolmentStatus.INCOMPLETE

    def test_a_correction_changes_the_outcome(self, administrator, past_cohort):
        enrolment = EnrolmentFactory(cohort=past_cohort)
        first, second = sessions(past_cohort)
        for session in (first, second):
            services.attendance_record(
                session=session, enrolment=enrolment, attended=False, recorded_by=administrator
            )

        for session in (first, second):
            services.attendance_record(
                session=session, enrolment=enrolment, attended=True, recorded_by=administrator
            )

        assert status(enrolment) == EnrolmentStatus.COMPLETED
        assert Attendance.objects.filter(enrolment=enrolment).count() == 2

    def test_refuses_a_session_not_yet_started_and_anyone_but_staff(self, administrator):
        cohort = CohortFactory()
        enrolment = EnrolmentFactory(cohort=cohort)
        session = sessions(cohort)[0]

        with pytest.raises(TrainingError, match="has not started"):
            services.attendance_record(
                session=session, enrolment=enrolment, attended=True, recorded_by=administrator
            )
        with pytest.raises(NotPermitted):
            services.attendance_record(
                session=session, enrolment=enrolment, attended=True, recorded_by=UserFactory()
            )

    def test_refuses_someone_without_a_place(self, administrator, past_cohort):
        waiting = EnrolmentFactory(cohort=past_cohort, waiting=True, waiting_position=1)

        with pytest.raises(TrainingError, match="has no place on this cohort"):
            services.attendance_record(
                session=sessions(past_cohort)[0],
                enrolment=waiting,
                attended=True,
                recorded_by=administrator,
            )


class TestSessionAttendanceRecord:
    def test_records_the_register_everyone_else_missed_it(self, administrator, past_cohort):
        here, away = EnrolmentFactory.create_batch(2, cohort=past_cohort)
        first, _ = sessions(past_cohort)

        services.session_attendance_record(
            session=first, attended_enrolment_ids=[here.pk], recorded_by=administrator
        )

        marks = dict(Attendance.objects.values_list("enrolment_id", "attended"))
        assert marks == {here.pk: True, away.pk: False}


class TestCohortAttendanceRecord:
    def test_the_bulk_action_marks_the_chosen_people_at_every_session(
        self, administrator, past_cohort
    ):
        chosen = EnrolmentFactory.create_batch(3, cohort=past_cohort)
        other = EnrolmentFactory(cohort=past_cohort)

        written = services.cohort_attendance_record(
            cohort=past_cohort, enrolment_ids=[e.pk for e in chosen], recorded_by=administrator
        )

        assert written == 6
        assert [status(e) for e in chosen] == [EnrolmentStatus.COMPLETED] * 3
        assert status(other) == EnrolmentStatus.ENROLLED

    def test_nothing_is_written_when_someone_chosen_has_no_place(self, administrator, past_cohort):
        enrolled = EnrolmentFactory(cohort=past_cohort)
        cancelled = EnrolmentFactory(cohort=past_cohort, cancelled=True)

        with pytest.raises(TrainingError, match="1 of the people chosen have no place"):
            services.cohort_attendance_record(
                cohort=past_cohort,
                enrolment_ids=[enrolled.pk, cancelled.pk],
                recorded_by=administrator,
            )

        assert not Attendance.objects.exists()
