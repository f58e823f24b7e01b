"""Reads: places left, upcoming cohorts, a person's enrolments, the programme's figures and
the admin report, in a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.funding.factories import SignatoryFactory
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
    OfferFactory,
    signatory_member,
)
from training import selectors
from training.models import EnrolmentStatus

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def queries(function) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured), result


class TestCohortPlaces:
    def test_counts_places_left_reserved_and_waiting(self):
        cohort = CohortFactory(capacity=4, reserved=True)
        EnrolmentFactory(cohort=cohort)
        OfferFactory(enrolment__cohort=cohort)
        EnrolmentFactory(cohort=cohort, cancelled=True)

        places = selectors.cohort_places(cohort_ids=[cohort.pk])[cohort.pk]

        assert (places.places_left, places.reserved_left, places.waiting) == (2, 2, 0)
        assert places.reserved_until == cohort.reserved_release_at
        assert (places.is_full, places.status_label) == (False, "Open for enrolment")

    def test_full_is_shown_not_stored_and_the_waiting_list_stays_open(self):
        cohort = CohortFactory(capacity=1)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)

        places = selectors.cohort_places(cohort_ids=[cohort.pk])[cohort.pk]

        assert (places.places_left, places.waiting, places.is_full) == (0, 1, True)
        assert places.is_taking_enrolments
        assert places.status_label == "Full: waiting list open"
        cohort.refresh_from_db()
        assert cohort.status == "open"

    def test_one_query_for_any_number_of_cohorts(self):
        cohorts = CohortFactory.create_batch(2)
        small, _ = queries(lambda: selectors.cohort_places(cohort_ids=[c.pk for c in cohorts]))
        for cohort in CohortFactory.create_batch(8):
            EnrolmentFactory.create_batch(2, cohort=cohort)
            cohorts.append(cohort)

        large, places = queries(lambda: selectors.cohort_places(cohort_ids=[c.pk for c in cohorts]))

        assert small == large == 1
        assert len(places) == 10


class TestCoursesWithUpcomingCohorts:
    def test_lists_published_courses_with_cohorts_still_to_come(self):
        now = timezone.now()
        course = CourseFactory(title="Cyber security for councils")
        soon = CohortFactory(course=course, sessions=[now + 10 * DAY])
        later = CohortFactory(course=course, sessions=[now + 40 * DAY])
        CohortFactory(course=course, past=True)
        CohortFactory(course=course, draft=True)
        CohortFactory(course=course, cancelled=True)
        CourseFactory(is_published=False)

        (row,) = selectors.courses_with_upcoming_cohorts()

        assert row.course == course
        assert row.url == f"/training/{course.slug}/"
        assert [cohort.pk for cohort in row.cohorts] == [soon.pk, later.pk]
        assert len(row.cohorts[0].sessions) == 1

    def test_queries_are_the_same_for_5_and_for_50_cohorts(self):
        def make(count: int) -> None:
            for _ in range(count):
                cohort = CohortFactory()
                EnrolmentFactory(cohort=cohort)

        make(5)
        small, _rows = queries(selectors.courses_with_upcoming_cohorts)
        make(45)
        large, more = queries(selectors.courses_with_upcoming_cohorts)

        assert small == large == 3
        assert sum(len(row.cohorts) for row in more) == 50

    def test_a_course_page_shows_its_cohorts(self):
        cohort = CohortFactory()

        page = selectors.course_page(slug=cohort.course.slug)

        assert page is not None and [c.pk for c in page.cohorts] == [cohort.pk]
        assert selectors.course_page(slug="no-such-course") is None


class TestEnrolmentsForUser:
    def test_a_persons_enrolments_with_what_they_may_do(self):
        user = signatory_member()
        organisation = user.memberships.get().organisation
        enrolled = EnrolmentFactory(user=user, organisation=organisation)
        offer = OfferFactory(enrolment__user=user, enrolment__organisation=organisation)
        done = EnrolmentFactory(
            user=user, organisation=organisation, cohort=CohortFactory(past=True), completed=True
        )

        rows = {row.pk: row for row in selectors.enrolments_for_user(user=user)}

        assert rows[enrolled.pk].can_cancel and rows[enrolled.pk].joining_instructions
        assert rows[offer.enrolment_id].offer_url == f"/account/training/offers/{offer.pk}/"
        assert rows[offer.enrolment_id].joining_instructions == ""
        assert rows[done.pk].certificate_url.endswith(f"/enrolments/{done.pk}/certificate/")
        assert not rows[done.pk].can_cancel

    def test_a_certificate_only_for_ones_own_completed_enrolment(self):
        done = EnrolmentFactory(cohort=CohortFactory(past=True), completed=True)
        enrolled = EnrolmentFactory()

        certificate = selectors.certificate_get(user=done.user, enrolment_id=done.pk)

        assert certificate is not None and certificate.course_title == done.cohort.course.title
        assert selectors.certificate_get(user=enrolled.user, enrolment_id=enrolled.pk) is None
        assert selectors.certificate_get(user=enrolled.user, enrolment_id=done.pk) is None


class TestTrainingFigures:
    def test_people_trained_are_distinct_completions_plus_the_historic_baseline(self, settings):
        settings.TRAINING_HISTORIC_BASELINE = 700
        settings.TRAINING_GOAL = 1000
        organisation = SignatoryFactory()
        twice = EnrolmentFactory(organisation=organisation, completed=True)
        EnrolmentFactory(
            user=twice.user, organisation=organisation, cohort=CohortFactory(), completed=True
        )
        EnrolmentFactory(completed=True)
        EnrolmentFactory(no_show=True)
        EnrolmentFactory()

        figures = selectors.training_figures()

        assert (figures.trained_here, figures.people_trained) == (2, 702)
        assert figures.organisations_trained == 2
        assert (figures.goal_percent, figures.goal_reached) == (70, False)

    def test_progress_stops_at_100_percent(self, settings):
        settings.TRAINING_HISTORIC_BASELINE = 1200

        figures = selectors.training_figures()

        assert (figures.goal_percent, figures.goal_reached) == (100, True)


class TestReports:
    def test_per_cohort_and_per_organisation_counts(self):
        cohort = CohortFactory(past=True)
        organisation = SignatoryFactory(name="Borchester Borough Council")
        completed = EnrolmentFactory(cohort=cohort, organisation=organisation, completed=True)
        for session in cohort.sessions.all():
            AttendanceFactory(enrolment=completed, session=session)
        EnrolmentFactory(cohort=cohort, organisation=organisation, no_show=True)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        EnrolmentFactory(cohort=cohort, cancelled=True)

        (row,) = selectors.cohort_report_rows(cohort_ids=[cohort.pk])
        by_organisation = {r.organisation_name: r for r in selectors.organisation_report_rows()}

        figures = (row.enrolled, row.waiting, row.attended, row.completed, row.no_show)
        assert figures == (2, 1, 1, 1, 1)
        ours = by_organisation["Borchester Borough Council"]
        assert (ours.enrolled, ours.attended, ours.completed, ours.no_show) == (2, 1, 1, 1)
        assert ours.csv_row() == ["Borchester Borough Council", 2, 0, 1, 1, 0, 1]
        assert len(row.csv_row()) == len(selectors.COHORT_REPORT_HEADERS)

    def test_one_query_each_whatever_the_size(self):
        CohortFactory()
        small, _ = queries(selectors.cohort_report_rows)
        for cohort in CohortFactory.create_batch(5):
            EnrolmentFactory.create_batch(2, cohort=cohort, status=EnrolmentStatus.ENROLLED)
        large, rows = queries(selectors.cohort_report_rows)
        organisations, _ = queries(selectors.organisation_report_rows)

        assert small == large == organisations == 1
        assert len(rows) == 6


class TestEnrolmentsForUserDates:
    def test_rows_carry_the_cohorts_dates_and_a_started_cohort_cannot_be_cancelled(self):
        """The cohort's first session comes with each row, so one that has started offers
        no cancelling; four queries however many enrolments."""
        started = EnrolmentFactory(
            cohort=CohortFactory(sessions=[timezone.now() - datetime.timedelta(hours=1)])
        )
        for _ in range(3):
            EnrolmentFactory(user=started.user, organisation=started.organisation)

        with CaptureQueriesContext(connection) as queries:
            rows = {row.pk: row for row in selectors.enrolments_for_user(user=started.user)}

        assert len(queries) == 4
        assert all(row.first_starts_at is not None for row in rows.values())
        assert all(len(row.sessions) == (1 if pk == started.pk else 2) for pk, row in rows.items())
        assert not rows[started.pk].can_cancel
