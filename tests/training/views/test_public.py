"""The public training pages: /training/ with the programme's figures and the courses with
their upcoming cohorts, a course's page, and the courses on the home page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.support.clients import page
from tests.training.factories import (
    DAY,
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
)

pytestmark = pytest.mark.django_db


class TestTrainingPage:
    def test_shows_the_figures_with_the_historic_baseline_and_the_progress(self, client, settings):
        """People trained are the distinct people who completed here plus the baseline; the
        progress towards the goal is in words beside the bar."""
        settings.TRAINING_HISTORIC_BASELINE = 700
        settings.TRAINING_GOAL = 1000
        cohort = CohortFactory(past=True)
        first = EnrolmentFactory(cohort=cohort, completed=True)
        EnrolmentFactory(cohort=cohort, completed=True, organisation=first.organisation)
        EnrolmentFactory(cohort=cohort, no_show=True)
        html = page(client, "/training/")
        assert "702</span> people trained, including 700 trained before this service" in html
        assert "1</span> organisation with at least one person trained here" in html
        assert "702 of 1000 staff trained: 70% of the way." in html
        assert 'class="training-progress__bar" x="0" y="0" width="70"' in html

    def test_says_when_the_goal_is_reached(self, client, settings):
        settings.TRAINING_HISTORIC_BASELINE = 1200
        assertContains(
            client.get("/training/"),
            "The goal is reached: 1200 staff trained, against a goal of 1000.",
        )

    def test_lists_published_courses_with_upcoming_cohorts_and_their_places(self, client):
        course = CourseFactory(title="Cyber for councils", slug="cyber")
        open_cohort = CohortFactory(course=course, capacity=3)
        EnrolmentFactory(cohort=open_cohort)
        full = CohortFactory(course=course, capacity=1)
        EnrolmentFactory(cohort=full)
        CohortFactory(course=course, draft=True, name="Secret draft")
        CohortFactory(course=course, past=True, name="Last year")
        CourseFactory(title="Unpublished course", is_published=False)
        html = page(client, "/training/")
        assert 'href="/training/cyber/">Cyber for councils</a>' in html
        assert "2 of 3 places left" in html
        assert "Waiting list open" in html
        assert "Secret draft" not in html
        assert "Last year" not in html
        assert "Unpublished course" not in html

    def test_the_service_navigation_links_to_training(self, client):
        assertContains(
            client.get("/training/"),
            '<a class="govuk-service-navigation__link" href="/training/" aria-current="page">',
        )


class TestCoursePage:
    def test_shows_the_course_and_each_cohort_with_sessions_places_and_an_enrol_start(self, client):
        course = CourseFactory(
            slug="agile",
            title="Digital and Agile for Local Government",
            description="## What you learn\n\nWorking in **small steps**.",
            skills=["agile delivery", "user research"],
        )
        cohort = CohortFactory(course=course, name="Spring", reserved=True, capacity=5)
        html = page(client, "/training/agile/")
        assert "Digital and Agile for Local Government</h1>" in html
        assert "<strong>small steps</strong>" in html
        assert "Practitioners" in html
        assert "In person" in html
        assert "Agile delivery" in html
        assert "Committee Room 2, Borchester Town Hall" in html
        assert "5 of 5 places left" in html
        assert "2 of them are kept until" in html
        assert f'href="/training/agile/cohorts/{cohort.pk}/enrol/"' in html
        assert re.search(r">\s*Enrol<", html)

    def test_a_full_cohort_offers_the_waiting_list(self, client):
        cohort = CohortFactory(course__slug="full-course", capacity=1)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        html = page(client, "/training/full-course/")
        assert "Waiting list open" in html
        assert "1 person is waiting" in html
        assert "Join the waiting list" in html

    def test_a_cohort_not_open_yet_has_no_enrol_start(self, client):
        cohort = CohortFactory(
            course__slug="later",
            enrolment_opens_at=timezone.now() + 2 * DAY,
            enrolment_closes_at=timezone.now() + 10 * DAY,
        )
        response = client.get("/training/later/")
        assertContains(response, "Enrolment not open yet")
        assertNotContains(response, f"/cohorts/{cohort.pk}/enrol/")

    def test_an_unpublished_or_unknown_course_is_not_found(self, client):
        CourseFactory(slug="hidden", is_published=False)
        assert client.get("/training/hidden/").status_code == 404
        assert client.get("/training/no-such-course/").status_code == 404


class TestHomePage:
    def test_lists_courses_with_their_next_cohort(self, client):
        course = CourseFactory(title="Digital leadership", slug="leadership")
        CohortFactory(course=course, capacity=4)
        CourseFactory(title="Cyber", slug="cyber-home")
        html = page(client, "/")
        assert 'href="/training/leadership/">Digital leadership</a>: next cohort starts' in html
        assert "4 places left" in html
        assert 'href="/training/cyber-home/">Cyber</a>: no cohort planned yet' in html
        assert 'href="/training/">See every course</a>' in html
