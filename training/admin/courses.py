"""Staff screens for courses: added, changed and deleted through the course services, which
audit what was set, what changed, or what was deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import ServiceSaveMixin
from localdigital.public_cache import PublicContentAdminMixin

from ..models import Course
from ..services import courses as services
from ..services.courses import COURSE_FIELDS


@admin.register(Course)
class CourseAdmin(ServiceSaveMixin, PublicContentAdminMixin, admin.ModelAdmin):
    """Courses, such as digital leadership for senior managers, with how many cohorts each
    has run. Only a published course is shown at ``/training/``. A course that has had a
    cohort is never deleted: unpublishing it takes it off the public pages."""

    public_areas = ("training",)
    list_display = ["title", "audience", "course_format", "duration", "is_published", "cohorts"]
    list_filter = ["is_published", "audience", "course_format"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fields = list(COURSE_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return super().get_queryset(request).annotate(cohort_count=Count("cohorts"))

    @admin.display(description="cohorts", ordering="cohort_count")
    def cohorts(self, course: Course) -> int:
        return getattr(course, "cohort_count", 0)

    # The service refuses what the person may not do.
    refused_save = "Nothing was saved. {error}"

    def save_through_service(
        self, request: HttpRequest, obj: Course, form: Any, change: bool
    ) -> Course:
        """Save the course through ``course_create`` or ``course_update``, which audit what
        was set or what changed."""
        values = {name: getattr(obj, name) for name in COURSE_FIELDS if name in form.fields}
        staff = request_staff_user(request)
        if not change:
            return services.course_create(values=values, created_by=staff)
        return services.course_update(course_id=obj.pk, values=values, updated_by=staff)

    def delete_model(self, request: HttpRequest, obj: Course) -> None:
        services.course_delete(course_id=obj.pk, deleted_by=request_staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        # All or none: a refusal of one (a course with a cohort) deletes none.
        with transaction.atomic():
            for course in queryset:
                self.delete_model(request, course)
