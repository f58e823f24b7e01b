"""Adding, changing and deleting a course: what was set, what changed or what was deleted is
audited; nothing changed, nothing recorded; a failed audit leaves nothing saved."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.support.audit import audit_break
from tests.training.factories import CohortFactory, CourseFactory
from tests.training.support import NEW_COURSE
from training.errors import NotPermitted, TransitionNotAllowed
from training.models import Course
from training.services import courses as services

pytestmark = pytest.mark.django_db


def values_of(course: Course, **changed: object) -> dict[str, object]:
    """Return every value of the course as the admin's form gives them, with ``changed`` in
    place of what it has."""
    return {name: getattr(course, name) for name in services.COURSE_FIELDS} | changed


NEW = {**NEW_COURSE, "skills": ["incident response", "phishing"], "is_published": True}


@pytest.fixture
def superuser():
    return UserFactory(staff=True, is_superuser=True)


class TestCourseCreate:
    def test_adds_the_course_and_audits_every_value_given(self, administrator):
        course = services.course_create(values=NEW, created_by=administrator)

        course.refresh_from_db()
        assert (course.slug, course.skills) == ("cyber", ["incident response", "phishing"])
        event = AuditEvent.objects.get(verb="training.course.created")
        assert event.actor == administrator
        assert event.target_object_id == str(course.pk)
        assert event.data == {"values": NEW}

    def test_refuses_someone_who_is_not_a_training_administrator(self):
        with pytest.raises(NotPermitted):
            services.course_create(values=NEW, created_by=UserFactory(staff=True))
        assert not Course.objects.filter(slug="cyber").exists()

    def test_refuses_a_field_that_is_not_written_here(self, administrator):
        with pytest.raises(ValueError, match="created_at"):
            services.course_create(values={**NEW, "created_at": None}, created_by=administrator)

    def test_adds_nothing_when_the_audit_fails(self, administrator, monkeypatch):
        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.course_create(values=NEW, created_by=administrator)

        assert not Course.objects.filter(slug="cyber").exists()


class TestCourseUpdate:
    def test_audits_each_changed_field_with_its_old_and_new_value(self, administrator):
        course = CourseFactory(duration="2 days", is_published=True)

        services.course_update(
            course_id=course.pk,
            values=values_of(course, duration="3 days", is_published=False, skills=["agile"]),
            updated_by=administrator,
        )

        course.refresh_from_db()
        assert (course.duration, course.is_published) == ("3 days", False)
        event = AuditEvent.objects.get(verb="training.course.updated")
        assert event.actor == administrator
        assert event.data == {
            "changes": [
                {"field": "duration", "old": "2 days", "new": "3 days"},
                {"field": "skills", "old": ["agile delivery", "user research"], "new": ["agile"]},
                {"field": "is_published", "old": True, "new": False},
            ]
        }

    def test_records_nothing_when_nothing_changed(self, administrator):
        course = CourseFactory()

        services.course_update(
            course_id=course.pk, values=values_of(course), updated_by=administrator
        )

        assert not AuditEvent.objects.filter(verb="training.course.updated").exists()

    def test_writes_nothing_when_the_audit_fails(self, administrator, monkeypatch):
        course = CourseFactory(duration="2 days")

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.course_update(
                course_id=course.pk, values={"duration": "3 days"}, updated_by=administrator
            )

        course.refresh_from_db()
        assert course.duration == "2 days"


class TestCourseDelete:
    def test_deletes_a_course_without_cohorts_and_keeps_what_it_said(self, superuser):
        course = CourseFactory(title="Cyber", slug="cyber")

        services.course_delete(course_id=course.pk, deleted_by=superuser)

        assert not Course.objects.filter(pk=course.pk).exists()
        event = AuditEvent.objects.get(verb="training.course.deleted")
        assert event.target_object_id == str(course.pk)
        assert event.data["values"]["title"] == "Cyber"
        assert event.data["values"]["slug"] == "cyber"

    def test_refuses_a_course_that_has_had_a_cohort(self, superuser):
        course = CohortFactory(past=True).course

        with pytest.raises(TransitionNotAllowed, match="has 1 cohort, so it cannot be deleted"):
            services.course_delete(course_id=course.pk, deleted_by=superuser)

        assert Course.objects.filter(pk=course.pk).exists()
        assert not AuditEvent.objects.filter(verb="training.course.deleted").exists()

    def test_refuses_a_training_administrator_as_today(self, administrator):
        """Training administrators are not given the permission to delete courses."""
        course = CourseFactory()

        with pytest.raises(NotPermitted):
            services.course_delete(course_id=course.pk, deleted_by=administrator)

        assert Course.objects.filter(pk=course.pk).exists()

    def test_deletes_nothing_when_the_audit_fails(self, superuser, monkeypatch):
        course = CourseFactory()

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.course_delete(course_id=course.pk, deleted_by=superuser)

        assert Course.objects.filter(pk=course.pk).exists()
