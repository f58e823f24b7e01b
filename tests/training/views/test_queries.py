"""The training pages make the same number of queries however many courses, cohorts,
sessions and enrolments there are: /training/, a course's page, the home page's courses
and the account page's enrolments."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.support.queries import assert_flat, queries_for
from tests.training.factories import (
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
    signatory_member,
)

# Each counts what rendering a page costs, so nothing is served from the page cache.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_public_pages")]


def grow_cohorts(n: int, *, course=None) -> None:
    """Add ``n`` open cohorts (of ``course``, or of a new course each), each with two
    sessions, an enrolment, someone waiting and a completed person on a past cohort."""
    for _ in range(n):
        cohort = CohortFactory(course=course or CourseFactory(), capacity=1)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        EnrolmentFactory(cohort=CohortFactory(course=cohort.course, past=True), completed=True)


def test_the_training_page(client):
    assert_flat(client, "/training/", grow_cohorts)


def test_a_course_page(client):
    course = CourseFactory(slug="flat-course")
    assert_flat(client, "/training/flat-course/", lambda n: grow_cohorts(n, course=course))


def test_the_home_page_with_its_courses(client):
    assert_flat(client, "/", grow_cohorts)


def test_the_account_page_with_the_persons_enrolments():
    person = signatory_member()
    client = Client()
    client.force_login(person)

    def grow(n: int) -> None:
        for _ in range(n):
            EnrolmentFactory(user=person, organisation=person.memberships.first().organisation)

    assert_flat(client, "/account/", grow)


def test_the_training_page_with_5_and_500_cohorts(client):
    """The issue's figure: 5 cohorts, then 500 (spread over 50 courses), the same queries."""
    courses = [CourseFactory() for _ in range(50)]
    for course in courses[:5]:
        CohortFactory(course=course)
    small = queries_for(client, "/training/")
    starts_at = timezone.now() + datetime.timedelta(days=40)
    for number in range(495):
        CohortFactory(course=courses[number % 50], sessions=[starts_at])
    response = client.get("/training/")
    assert sum(len(row.cohorts) for row in response.context["courses"]) == 500
    large = queries_for(client, "/training/")
    assert small == large, f"{small} queries with 5 cohorts, {large} with 500"


def test_a_course_page_signed_in_with_the_places_for_the_person():
    """The places a person can take on each cohort cost the same queries however many
    cohorts, people and waiting lists there are."""
    person = signatory_member()
    client = Client()
    client.force_login(person)
    course = CourseFactory(slug="flat-course-signed-in")

    def grow(n: int) -> None:
        grow_cohorts(n, course=course)
        organisation = person.memberships.first().organisation
        for _ in range(n):
            EnrolmentFactory(cohort=CohortFactory(course=course), organisation=organisation)
            EnrolmentFactory(
                cohort=CohortFactory(course=course, capacity=1),
                user=person,
                organisation=organisation,
            )

    assert_flat(client, "/training/flat-course-signed-in/", grow)
