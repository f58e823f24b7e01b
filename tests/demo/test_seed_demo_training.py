"""The training demo: the programme's courses, past cohorts with attendance, and an open one."""

import pytest

from tests.demo.support import (
    seed_demo,
    training_snapshot,
)
from training.models import (
    Attendance,
    Cohort,
    CohortStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
)
from training.selectors import cohort_places, training_figures

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("without_the_fund")
class TestSeedDemoTraining:
    """The training demo, seeded with the declaration's demo and without the Fund's, which
    takes seconds: so no organisation has a funded project, and reserved places stay free."""

    def test_runs_the_programmes_courses_past_and_upcoming_and_adds_nothing_again(self):
        output = seed_demo()
        rows = training_snapshot()

        self.check_makes_the_three_courses()
        self.check_past_cohorts_have_attendance_with_completed_and_no_show_people()
        self.check_an_open_cohort_is_almost_full_with_a_waiting_list()
        assert "Training: 3 courses; 3 past cohorts with attendance and 2 upcoming" in output

        again = seed_demo()

        assert training_snapshot() == rows
        assert "Training: 3 courses; 0 past cohorts with attendance and 0 upcoming" in again

    @staticmethod
    def check_makes_the_three_courses():
        courses = {course.slug: course for course in Course.objects.all()}
        assert set(courses) == {"digital-leadership", "digital-and-agile", "cyber-security"}
        assert courses["digital-leadership"].audience == "senior-leaders"
        assert courses["digital-and-agile"].title == "Digital and Agile for Local Government"
        assert all(course.is_published for course in courses.values())

    @staticmethod
    def check_past_cohorts_have_attendance_with_completed_and_no_show_people():
        past = Cohort.objects.filter(status=CohortStatus.COMPLETED)
        assert past.count() == 3
        assert set(past.values_list("course__slug", flat=True)) == {
            "digital-leadership", "digital-and-agile", "cyber-security",
        }  # fmt: skip
        for cohort in past:
            statuses = set(cohort.enrolments.values_list("status", flat=True))
            assert {EnrolmentStatus.COMPLETED, EnrolmentStatus.NO_SHOW} <= statuses
            taken = cohort.enrolments.count()
            assert Attendance.objects.filter(session__cohort=cohort).count() == (
                taken * cohort.sessions.count()
            )
        assert Enrolment.objects.filter(status=EnrolmentStatus.INCOMPLETE).count() == 2
        figures = training_figures()
        assert figures.trained_here == 24
        assert figures.organisations_trained >= 5

    @staticmethod
    def check_an_open_cohort_is_almost_full_with_a_waiting_list():
        cohort = Cohort.objects.get(status=CohortStatus.OPEN, name="Next cohort, Leeds")
        places = cohort_places(cohort_ids=[cohort.pk])[cohort.pk]
        assert places.is_taking_enrolments
        assert (places.capacity, places.places_left, places.reserved_left) == (16, 2, 2)
        assert places.waiting == 3
        assert list(
            cohort.enrolments.filter(status=EnrolmentStatus.WAITING)
            .order_by("waiting_position")
            .values_list("waiting_position", flat=True)
        ) == [1, 2, 3]
        assert cohort.enrolments.exclude(needs="").exists()
        later = Cohort.objects.get(status=CohortStatus.OPEN, name="Later cohort, Leeds")
        assert cohort_places(cohort_ids=[later.pk])[later.pk].places_left == 16
