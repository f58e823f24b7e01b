"""Staff screens for enrolments: the list, filtered by cohort, status and organisation and
searched by name or email; each enrolment's page, read-only, with its attendance and offer;
moving a person to another cohort of the course; cancelling; and a CSV of those selected.

Accessibility and dietary needs are special-category data: only people with
``training.view_enrolment_needs`` (training administrators and superusers) see them, on
the list, the page or in the CSV, and nobody can search by them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.text import Truncator

from localdigital.admin_actions import (
    ObjectActionsMixin,
    object_action_url,
)
from localdigital.open_data import csv_response
from training.admin.enrolment_actions import EnrolmentActionsMixin, person

from ..models import (
    CANCELLABLE_STATUSES,
    Attendance,
    Cohort,
    Enrolment,
    Offer,
)
from ..selectors import enrolments_for_admin
from ..selectors.admin import enrolled_organisation_choices, enrolments_csv
from .common import can_run_training, can_see_needs
from .filters import OfferExpiringFilter


class CohortFilter(admin.SimpleListFilter):
    """The cohorts, each named with its course: read in one query."""

    title = "cohort"
    parameter_name = "cohort"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        cohorts = Cohort.objects.select_related("course").order_by("course__title", "-pk")
        return [(str(cohort.pk), str(cohort)) for cohort in cohorts]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(cohort_id=int(value))
        return queryset


class OrganisationFilter(admin.SimpleListFilter):
    """The organisations anyone has enrolled for, in one query."""

    title = "organisation"
    parameter_name = "organisation"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in enrolled_organisation_choices()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(organisation_id=int(value))
        return queryset


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ["session", "attended", "recorded_at", "recorded_by"]
    readonly_fields = ["session", "attended", "recorded_at", "recorded_by"]
    extra = 0
    can_delete = False
    verbose_name_plural = "attendance"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attendance]:
        queryset = super().get_queryset(request)
        return queryset.select_related("session__cohort__course", "recorded_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("training.view_enrolment")


class OfferInline(AttendanceInline):
    model = Offer  # type: ignore[assignment]
    fields = ["status", "is_reserved_place", "offered_at", "expires_at", "answered_at"]
    readonly_fields = ["status", "is_reserved_place", "offered_at", "expires_at", "answered_at"]
    verbose_name_plural = "offer of a place"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return Offer.objects.all()


@admin.register(Enrolment)
class EnrolmentAdmin(EnrolmentActionsMixin, ObjectActionsMixin, admin.ModelAdmin):
    """Enrolments, newest first. They are made by people enrolling and by training
    administrators from a cohort's page; changed only by the actions and pages here, each
    through a service."""

    list_display = [
        "person_display",
        "organisation_name",
        "cohort",
        "status",
        "waiting_position",
        "is_priority",
        "created_at",
    ]
    list_filter = [CohortFilter, "status", OrganisationFilter, OfferExpiringFilter]
    search_fields = ["user__email", "user__full_name"]
    search_help_text = "Search by the person's name or email address."
    list_select_related = ["cohort__course", "user", "organisation", "created_by"]
    ordering = ["-created_at", "-pk"]
    inlines = [AttendanceInline, OfferInline]
    actions = ["cancel_selected", "download_csv"]
    fields = [
        "user",
        "organisation",
        "cohort",
        "status",
        "waiting_position",
        "job_title",
        "line_manager_email",
        "needs",
        "needs_deleted_at",
        "is_priority",
        "is_reserved_place",
        "consented_at",
        "created_at",
        "created_by",
        "enrolled_at",
        "left_at",
        "left_by",
        "moved_to",
        "attendance_recorded_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrolment]:
        return enrolments_for_admin()

    def has_run_permission(self, request: HttpRequest) -> bool:
        return can_run_training(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Made by people enrolling, or from a cohort's page by a training administrator.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Enrolment | None = None) -> bool:
        # Each change is an action or a page of its own, through a service.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Enrolment | None = None) -> bool:
        return False

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = list(super().get_list_display(request))
        if can_see_needs(request):
            columns.append("needs_display")
        return columns

    def get_fields(self, request: HttpRequest, obj: Enrolment | None = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if not can_see_needs(request):
            fields = [name for name in fields if name not in ("needs", "needs_deleted_at")]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Enrolment | None = None) -> Any:
        return self.get_fields(request, obj)

    # Columns

    @admin.display(description="person", ordering="user__email")
    def person_display(self, enrolment: Enrolment) -> str:
        return person(enrolment)

    @admin.display(description="organisation", ordering="organisation__name")
    def organisation_name(self, enrolment: Enrolment) -> str:
        return enrolment.organisation.name

    @admin.display(description="accessibility or dietary needs")
    def needs_display(self, enrolment: Enrolment) -> str:
        return Truncator(enrolment.needs).chars(60) if enrolment.needs else "-"

    # The enrolment's page

    def change_page_context(self, request: HttpRequest, enrolment: Enrolment) -> dict[str, Any]:
        if not can_run_training(request):
            return {}
        movable = enrolment.status in CANCELLABLE_STATUSES
        return {
            "move_url": (
                reverse("admin:training_enrolment_move", args=[enrolment.pk]) if movable else ""
            ),
            "cancel_url": object_action_url(enrolment, "cancel_selected") if movable else "",
        }

    # Actions

    @admin.action(description="Download the selected enrolments as CSV", permissions=["view"])
    def download_csv(
        self, request: HttpRequest, queryset: QuerySet[Enrolment]
    ) -> StreamingHttpResponse:
        """Return the selected enrolments as CSV; with needs only for those who may see them."""
        headers, rows = enrolments_csv(queryset, with_needs=can_see_needs(request))
        return csv_response(headers, rows, name="training-enrolments", dated=True)
