"""Courses in the admin (training/admin/courses.py): added, changed and deleted through the
course services, each audited; a problem named on the page with what was typed kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.support.messages import messages_of
from tests.training.admin_support import course_data, course_posted
from tests.training.factories import CohortFactory, CourseFactory
from training.errors import TransitionNotAllowed
from training.models import Course
from training.services import courses as services

pytestmark = pytest.mark.django_db

ADD = reverse("admin:training_course_add")


def course_url(course, name: str = "change") -> str:
    return reverse(f"admin:training_course_{name}", args=[course.pk])


@pytest.fixture
def superuser_client(otp_verified_client_for):
    return otp_verified_client_for(UserFactory(staff=True, is_superuser=True))


class TestSlug:
    def test_a_training_administrator_adds_a_course_with_its_slug(self, trainer):
        response = trainer.get("/admin/training/course/add/")
        assert 'id="id_slug"' in response.text
        assert "prepopulated" in response.text

        response = trainer.post(
            "/admin/training/course/add/",
            course_data(),
        )

        assert response.status_code == 302
        course = Course.objects.get(slug="cyber")
        assert course.skills == ["incident response", "phishing"]


class TestAdd:
    def test_adds_the_course_through_the_service_which_audits_it(self, trainer, trainer_user):
        response = trainer.post(ADD, course_data())

        assert response.status_code == 302
        course = Course.objects.get(slug="cyber")
        event = AuditEvent.objects.get(verb="training.course.created")
        assert event.actor == trainer_user
        assert event.target_object_id == str(course.pk)
        assert event.data["values"]["skills"] == ["incident response", "phishing"]

    def test_a_taken_address_is_named_with_what_was_typed_kept(self, trainer):
        CourseFactory(slug="cyber")

        response = trainer.post(ADD, course_data(title="A new title"))

        assert response.status_code == 200
        assert "slug" in response.context["adminform"].form.errors
        assert 'value="A new title"' in response.text
        assert not AuditEvent.objects.filter(verb="training.course.created").exists()


class TestChange:
    def test_audits_what_changed(self, trainer):
        course = CourseFactory(duration="2 days")

        response = trainer.post(course_url(course), course_posted(course, duration="3 days"))

        assert response.status_code == 302
        course.refresh_from_db()
        assert course.duration == "3 days"
        event = AuditEvent.objects.get(verb="training.course.updated")
        assert event.data == {"changes": [{"field": "duration", "old": "2 days", "new": "3 days"}]}

    def test_saving_it_unchanged_records_nothing(self, trainer):
        course = CourseFactory()

        response = trainer.post(course_url(course), course_posted(course))

        assert response.status_code == 302
        assert not AuditEvent.objects.filter(verb__startswith="training.course").exists()

    def test_an_empty_title_is_named_with_what_was_typed_kept(self, trainer):
        course = CourseFactory(duration="2 days")

        response = trainer.post(
            course_url(course), course_posted(course, title="", duration="3 days")
        )

        assert response.status_code == 200
        assert "title" in response.context["adminform"].form.errors
        assert 'value="3 days"' in response.text
        course.refresh_from_db()
        assert course.duration == "2 days"


class TestDelete:
    def test_a_training_administrator_may_not_delete_a_course(self, trainer):
        course = CourseFactory()

        response = trainer.post(course_url(course, "delete"), {"post": "yes"})

        assert response.status_code == 403
        assert Course.objects.filter(pk=course.pk).exists()

    def test_a_superuser_deletes_a_course_without_cohorts_through_the_service(
        self, superuser_client
    ):
        course = CourseFactory()

        response = superuser_client.post(course_url(course, "delete"), {"post": "yes"})

        assert response.status_code == 302
        assert not Course.objects.filter(pk=course.pk).exists()
        assert AuditEvent.objects.filter(
            verb="training.course.deleted", target_object_id=str(course.pk)
        ).exists()

    def test_a_course_with_a_cohort_is_kept(self, superuser_client):
        course = CohortFactory().course

        response = superuser_client.post(course_url(course, "delete"), {"post": "yes"})

        assert response.status_code == 200
        assert "protected" in response.text
        assert Course.objects.filter(pk=course.pk).exists()
        assert not AuditEvent.objects.filter(verb="training.course.deleted").exists()

    def test_a_refusal_of_the_service_is_shown_and_nothing_is_deleted(
        self, superuser_client, monkeypatch
    ):
        """A cohort added since the confirmation page opened: the service refuses."""
        course = CourseFactory()

        def refuse(**kwargs: object) -> None:
            raise TransitionNotAllowed(f"{course.title} has 1 cohort, so it cannot be deleted.")

        monkeypatch.setattr(services, "course_delete", refuse)
        response = superuser_client.post(course_url(course, "delete"), {"post": "yes"}, follow=True)

        assert response.redirect_chain[-1][0] == course_url(course)
        assert f"Nothing was deleted. {course.title} has 1 cohort" in " ".join(
            messages_of(response)
        )
        assert Course.objects.filter(pk=course.pk).exists()
