"""Every change to what the training pages show reaches the next anonymous visitor, though
the page before it was kept rendered (localdigital/public_cache.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.funding.factories import SignatoryFactory
from tests.support.clients import page
from tests.training.admin_support import course_posted
from tests.training.factories import CohortFactory, CourseFactory, enrol
from training.services import cohorts as cohort_services
from training.services import offers as offer_services

pytestmark = pytest.mark.django_db


def course_url(course) -> str:
    return reverse("training:course-detail", kwargs={"slug": course.slug})


class TestCohorts:
    def test_a_cohort_published_is_listed(
        self, client, trainer_user, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(draft=True, name="Spring in Borchester")
        assert "Spring in Borchester" not in page(client, "/training/")

        with django_capture_on_commit_callbacks(execute=True):
            cohort_services.cohort_publish(cohort=cohort, published_by=trainer_user)

        assert "Spring in Borchester" in page(client, "/training/")
        assert "Spring in Borchester" in page(client, course_url(cohort.course))

    def test_an_enrolment_takes_a_place_off_the_places_left(
        self, client, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(capacity=10)
        assert "10 of 10 places left" in page(client, course_url(cohort.course))
        organisation = SignatoryFactory()

        with django_capture_on_commit_callbacks(execute=True):
            enrol(cohort, organisation=organisation)

        assert "9 of 10 places left" in page(client, course_url(cohort.course))
        assert "9 of 10 places left" in page(client, "/training/")

    def test_more_places_show_at_once(
        self, client, trainer_user, django_capture_on_commit_callbacks
    ):
        cohort = CohortFactory(capacity=10)
        assert "10 of 10 places left" in page(client, "/training/")

        with django_capture_on_commit_callbacks(execute=True):
            offer_services.cohort_capacity_change(
                cohort=cohort, capacity=12, changed_by=trainer_user
            )

        assert "12 of 12 places left" in page(client, "/training/")


class TestCourses:
    def test_a_course_edited_in_the_admin_shows_the_edit(
        self, client, trainer, django_capture_on_commit_callbacks
    ):
        course = CourseFactory(title="Agile for councils")
        assert "Agile for councils" in page(client, "/training/")

        with django_capture_on_commit_callbacks(execute=True):
            response = trainer.post(
                reverse("admin:training_course_change", args=[course.pk]),
                course_posted(course, title="Agile delivery for councils"),
            )
        assert response.status_code == 302

        assert "Agile delivery for councils" in page(client, "/training/")
        assert "Agile delivery for councils" in page(client, course_url(course))
