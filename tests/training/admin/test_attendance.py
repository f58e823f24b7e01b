"""Attendance in the admin: a session's register, where ticking who attended records
everyone with a place and decides completion, and the action that marks everyone on a
cohort attended at every session so far."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.support.messages import messages_of
from tests.training.admin_support import COHORTS, cohort_url
from tests.training.factories import CohortFactory, EnrolmentFactory
from training.models import Attendance, CohortStatus, EnrolmentStatus

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def running():
    """A running cohort of two sessions, yesterday and today, with two people holding
    places and one waiting."""
    now = timezone.now()
    cohort = CohortFactory(
        status=CohortStatus.RUNNING, sessions=[now - DAY - 2 * timedelta(hours=1), now - DAY / 24]
    )
    first, second = EnrolmentFactory.create_batch(2, cohort=cohort)
    EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
    return cohort, first, second


def sessions_of(cohort):
    return list(cohort.sessions.order_by("starts_at"))


class TestRegister:
    def test_lists_everyone_with_a_place_and_no_one_waiting(self, trainer, running):
        cohort, first, second = running
        session = sessions_of(cohort)[0]

        response = trainer.get(cohort_url(cohort, "register", session.pk))

        assert response.status_code == 200
        assert {row["enrolment"].pk for row in response.context["rows"]} == {first.pk, second.pk}
        assert "Save the register" in response.text

    def test_ticking_records_attended_and_missed(self, trainer, trainer_user, running):
        cohort, first, second = running
        session = sessions_of(cohort)[0]

        response = trainer.post(
            cohort_url(cohort, "register", session.pk), {"attended": [str(first.pk)]}
        )

        assert response.status_code == 302
        marks = dict(
            Attendance.objects.filter(session=session).values_list("enrolment_id", "attended")
        )
        assert marks == {first.pk: True, second.pk: False}
        assert Attendance.objects.filter(recorded_by=trainer_user).count() == 2
        assert "1 person attended" in " ".join(messages_of(response))

    def test_completion_follows_once_every_session_is_recorded(self, trainer, running):
        cohort, first, second = running
        one, two = sessions_of(cohort)

        for session in (one, two):
            trainer.post(cohort_url(cohort, "register", session.pk), {"attended": [str(first.pk)]})

        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == EnrolmentStatus.COMPLETED
        assert second.status == EnrolmentStatus.NO_SHOW

    def test_the_register_shows_what_was_recorded(self, trainer, running):
        cohort, first, _second = running
        session = sessions_of(cohort)[0]
        trainer.post(cohort_url(cohort, "register", session.pk), {"attended": [str(first.pk)]})

        response = trainer.get(cohort_url(cohort, "register", session.pk))

        checked = {row["enrolment"].pk: row["checked"] for row in response.context["rows"]}
        assert checked[first.pk] is True
        assert "Missed" in response.text

    def test_someone_without_a_place_is_refused_with_a_message(self, trainer, running):
        cohort, first, _second = running
        stranger = EnrolmentFactory()
        session = sessions_of(cohort)[0]

        response = trainer.post(
            cohort_url(cohort, "register", session.pk),
            {"attended": [str(first.pk), str(stranger.pk)]},
        )

        assert response.status_code == 200
        assert "1 of the people marked attended have no place on this cohort." in response.text
        assert not Attendance.objects.exists()

    def test_what_is_not_a_person_from_the_register_is_refused(self, trainer, running):
        cohort, _first, _second = running
        session = sessions_of(cohort)[0]

        response = trainer.post(cohort_url(cohort, "register", session.pk), {"attended": ["x"]})

        assert response.status_code == 200
        assert "Tick the people who attended from the register." in response.text

    def test_a_session_not_yet_started_is_shown_but_not_recorded(self, trainer):
        cohort = CohortFactory()
        enrolment = EnrolmentFactory(cohort=cohort)
        session = sessions_of(cohort)[0]

        page = trainer.get(cohort_url(cohort, "register", session.pk))
        posted = trainer.post(
            cohort_url(cohort, "register", session.pk), {"attended": [str(enrolment.pk)]}
        )

        assert "This session has not started" in page.context["refusal"]
        assert "Save the register" not in page.text
        assert posted.status_code == 200
        assert not Attendance.objects.exists()

    def test_needs_are_beside_each_name_for_a_training_administrator(self, trainer, running):
        cohort, first, _second = running
        first.needs = "Large print"
        first.save()

        response = trainer.get(cohort_url(cohort, "register", sessions_of(cohort)[0].pk))

        assert "Large print" in response.text


class TestMarkEveryoneAttended:
    def test_asks_to_confirm_first(self, trainer, running):
        cohort, *_ = running

        response = trainer.post(
            COHORTS, {"action": "mark_everyone_attended", "_selected_action": [cohort.pk]}
        )

        assert response.status_code == 200
        assert "Record everyone with a place as attending" in response.text
        assert not Attendance.objects.exists()

    def test_records_everyone_at_every_session_so_far_and_completes_them(self, trainer, running):
        cohort, first, second = running

        response = trainer.post(
            COHORTS,
            {
                "action": "mark_everyone_attended",
                "_selected_action": [cohort.pk],
                "confirm": "yes",
                "confirmed": "on",
            },
            follow=True,
        )

        assert Attendance.objects.filter(attended=True).count() == 4
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == second.status == EnrolmentStatus.COMPLETED
        assert any("(2 people)" in m for m in messages_of(response))

    def test_says_why_a_cohort_was_not_marked(self, trainer):
        future = CohortFactory()
        EnrolmentFactory(cohort=future)
        empty = CohortFactory(status=CohortStatus.RUNNING)

        response = trainer.post(
            COHORTS,
            {
                "action": "mark_everyone_attended",
                "_selected_action": [future.pk, empty.pk],
                "confirm": "yes",
                "confirmed": "on",
            },
            follow=True,
        )

        (message,) = messages_of(response)
        assert "No session of this cohort has started yet." in message
        assert "nobody has a place on it" in message
        assert not Attendance.objects.exists()
