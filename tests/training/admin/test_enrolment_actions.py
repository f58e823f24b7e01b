"""The admin's actions on enrolments (training/admin/enrolment_actions.py): moving someone to
another cohort, and cancelling."""

from __future__ import annotations

import pytest

from tests.support.messages import messages_of
from tests.training.admin_support import ENROLMENTS, enrolment_url
from tests.training.factories import CohortFactory, CourseFactory, EnrolmentFactory
from training.models import EnrolmentStatus

pytestmark = pytest.mark.django_db


class TestMove:
    def test_moves_a_person_with_a_place_to_a_place_on_another_cohort(self, trainer):
        enrolment = EnrolmentFactory()
        other = CohortFactory(course=enrolment.cohort.course)

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": other.pk})

        assert response.status_code == 302
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.MOVED
        assert enrolment.moved_to.cohort == other
        assert enrolment.moved_to.status == EnrolmentStatus.ENROLLED
        assert response["Location"] == enrolment_url(enrolment.moved_to)

    def test_lists_only_other_cohorts_of_the_course_with_their_places(self, trainer):
        enrolment = EnrolmentFactory()
        other = CohortFactory(course=enrolment.cohort.course, capacity=5)
        CohortFactory()  # another course

        response = trainer.get(enrolment_url(enrolment, "move"))

        choices = list(response.context["form"].fields["to_cohort"].queryset)
        assert choices == [other]
        assert "5 of 5 places left, 0 waiting" in response.text

    def test_a_cohort_of_one_place_is_said_in_the_singular(self, trainer):
        enrolment = EnrolmentFactory()
        CohortFactory(course=enrolment.cohort.course, capacity=1)

        response = trainer.get(enrolment_url(enrolment, "move"))

        assert "1 of 1 place left, 0 waiting" in response.text

    def test_a_full_cohort_keeps_them_where_they_are(self, trainer):
        enrolment = EnrolmentFactory()
        full = CohortFactory(course=enrolment.cohort.course, capacity=1)
        EnrolmentFactory(cohort=full)

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": full.pk})

        assert response.status_code == 200
        assert "has no place free for them" in " ".join(
            response.context["form"].errors["to_cohort"]
        )
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED

    def test_a_cohort_of_another_course_is_not_a_choice(self, trainer):
        enrolment = EnrolmentFactory()
        CohortFactory(course=enrolment.cohort.course)
        elsewhere = CohortFactory(course=CourseFactory())

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": elsewhere.pk})

        assert response.status_code == 200
        assert response.context["form"].errors["to_cohort"] == ["Choose one of the cohorts listed."]

    def test_nowhere_to_move_them(self, trainer):
        enrolment = EnrolmentFactory()

        response = trainer.get(enrolment_url(enrolment, "move"))

        assert "there is nowhere to move them" in response.context["refusal"]

    def test_a_cancelled_enrolment_cannot_move(self, trainer):
        enrolment = EnrolmentFactory(cancelled=True)
        CohortFactory(course=enrolment.cohort.course)

        response = trainer.post(enrolment_url(enrolment, "move"), {"to_cohort": "1"})

        assert response.status_code == 200
        assert response.context["refusal"] == "This enrolment is cancelled, so it cannot move."


class TestCancel:
    def test_asks_to_confirm_then_cancels_and_offers_the_place(
        self, trainer, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(capacity=1)
        enrolment = EnrolmentFactory(cohort=cohort)
        waiting = EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        selection = {"action": "cancel_selected", "_selected_action": [enrolment.pk]}

        asked = trainer.post(ENROLMENTS, selection)
        with django_capture_on_commit_callbacks(execute=True):
            done = trainer.post(ENROLMENTS, {**selection, "confirm": "yes", "confirmed": "on"})

        assert "Cancel this enrolment and tell the person" in asked.text
        assert done.status_code == 302
        enrolment.refresh_from_db()
        waiting.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.CANCELLED
        assert waiting.status == EnrolmentStatus.OFFERED

    def test_says_which_it_could_not_cancel(self, trainer):
        enrolment = EnrolmentFactory(cancelled=True)

        response = trainer.post(
            ENROLMENTS,
            {
                "action": "cancel_selected",
                "_selected_action": [enrolment.pk],
                "confirm": "yes",
                "confirmed": "on",
            },
            follow=True,
        )

        assert any(
            "Not cancelled:" in m and "nothing to cancel" in m for m in messages_of(response)
        )
