"""Writes about courses: adding one, changing what it says and whether it is published, and
deleting one that has never had a cohort, each with an audit event that says what was set,
what changed from what to what, or what was deleted.

A published course shows at ``/training/``, so the public training pages are rendered again
once any of these commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from localdigital.accounts.models import User
from localdigital.audit.changes import changes_set, unknown_fields_refused, values_of, values_set
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from ..errors import NotPermitted, TransitionNotAllowed
from ..models import Cohort, Course
from .common import require_training_administrator

# What staff write of a course, in the order its page shows it.
COURSE_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "audience",
    "course_format",
    "duration",
    "skills",
    "is_published",
)
DELETE_PERMISSION = "training.delete_course"


def course_create(*, values: Mapping[str, Any], created_by: User) -> Course:
    """Add a course with ``values`` (field name to value, of ``COURSE_FIELDS``), and return
    it. One audit event (``training.course.created``) lists every value it was given.
    Raise ``NotPermitted`` unless ``created_by`` is a training administrator, and
    ``ValueError`` for a field not written here (a bug in the caller)."""
    require_training_administrator(created_by, "add courses")
    unknown_fields_refused("course", COURSE_FIELDS, values)
    with transaction.atomic():
        course = Course()
        given = values_set(course, COURSE_FIELDS, values)
        course.save()
        audit_record(
            actor=created_by,
            verb="training.course.created",
            target=course,
            data={"values": given},
        )
        content_changed("training")
    return course


def course_update(*, course_id: int, values: Mapping[str, Any], updated_by: User) -> Course:
    """Change the course to ``values``, and return it.

    Only the fields that differ from what is saved are written, and one audit event
    (``training.course.updated``) lists each with its old and new value; the values the
    course has already change nothing and record nothing. Raise ``NotPermitted`` unless
    ``updated_by`` is a training administrator.
    """
    require_training_administrator(updated_by, "change courses")
    unknown_fields_refused("course", COURSE_FIELDS, values)
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course_id)
        changes = changes_set(course, COURSE_FIELDS, values)
        if not changes:
            return course
        course.save(update_fields=[change["field"] for change in changes])
        audit_record(
            actor=updated_by,
            verb="training.course.updated",
            target=course,
            data={"changes": changes},
        )
        content_changed("training")
    return course


def course_delete(*, course_id: int, deleted_by: User) -> None:
    """Delete a course that has never had a cohort; the audit event
    (``training.course.deleted``) keeps what it said.

    Only someone given the permission to delete courses (a superuser) may. A course that
    has had a cohort is kept, with the people who took it, so it is refused with
    ``TransitionNotAllowed``: unpublishing it takes it off ``/training/``.
    """
    if not (
        deleted_by.is_active and deleted_by.is_staff and deleted_by.has_perm(DELETE_PERMISSION)
    ):
        raise NotPermitted("You may not delete courses.")
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course_id)
        cohorts = Cohort.objects.filter(course_id=course.pk).count()
        if cohorts:
            raise TransitionNotAllowed(
                f"{course.title} has {cohorts} cohort{'s' if cohorts != 1 else ''}, so it "
                "cannot be deleted. Unpublish it to take it off the training pages."
            )
        audit_record(
            actor=deleted_by,
            verb="training.course.deleted",
            target=course,
            data={"values": values_of(course, COURSE_FIELDS)},
        )
        course.delete()
        content_changed("training")
