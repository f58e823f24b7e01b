"""Staff screens for cohorts (courses are in ``courses``).

A draft cohort is edited freely, its sessions with it: nobody is on it yet. Once published,
what people on it must be told of goes through the services, each on a page of its own:
the number of places (places added are offered to the waiting list), a session's date,
time or place (everyone with a place or an offer is emailed once), and cancelling (with a
reason, which everyone on it is emailed). Publishing is an action. A cancelled or completed
cohort is read-only.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    object_action_url,
    run_each,
)
from localdigital.admin_pages import InlineServiceSaveMixin, ServiceSaveMixin
from localdigital.public_cache import PublicContentAdminMixin
from training.admin.cohort_pages import FIXED_STATUSES, CohortPagesMixin

from .. import formats
from ..models import Cohort, CohortSession, CohortStatus, Course
from ..selectors.admin import cohorts_for_admin
from ..services import cohorts as cohort_services
from ..services.cohort_setup import (
    COHORT_FIELDS,
    cohort_create,
    cohort_delete,
    cohort_sessions_save,
    cohort_update,
)
from .attendance import CohortAttendanceMixin
from .common import can_run_training
from .enrol import CohortEnrolMixin
from .filters import RegisterFilter
from .forms import CohortForm, CohortSessionForm
from .reports import CohortReportMixin


class CohortSessionInline(admin.TabularInline):
    """A cohort's sessions: edited here while the cohort is a draft; once it is published,
    each is changed on its own page, so that the people on it are told, and its register
    is taken on another."""

    model = CohortSession
    form = CohortSessionForm
    extra = 0
    min_num = 0
    verbose_name = "session"
    verbose_name_plural = "sessions"

    def _is_draft(self, obj: Cohort | None) -> bool:
        return obj is None or obj.status == CohortStatus.DRAFT

    def get_extra(self, request: HttpRequest, obj: Cohort | None = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0

    def get_fields(self, request: HttpRequest, obj: Cohort | None = None) -> Any:
        if self._is_draft(obj):
            return ["starts_at", "ends_at", "is_online", "location"]
        return ["when", "place_display", "links"]

    def get_readonly_fields(self, request: HttpRequest, obj: Cohort | None = None) -> Any:
        if self._is_draft(obj):
            return []
        return ["when", "place_display", "links"]

    def has_add_permission(self, request: HttpRequest, obj: Cohort | None = None) -> bool:
        return self._is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Cohort | None = None) -> bool:
        return self._is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Cohort | None = None) -> bool:
        return self._is_draft(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="when")
    def when(self, session: CohortSession) -> str:
        return formats.session_when(session.starts_at, session.ends_at)

    @admin.display(description="where")
    def place_display(self, session: CohortSession) -> str:
        return session.place

    @admin.display(description="")
    def links(self, session: CohortSession) -> str:
        if session.pk is None:
            return ""
        links = [
            (
                reverse("admin:training_cohort_register", args=[session.cohort_id, session.pk]),
                "Register",
            )
        ]
        if session.cohort.status not in FIXED_STATUSES:
            links.insert(
                0,
                (
                    reverse("admin:training_cohort_session", args=[session.cohort_id, session.pk]),
                    "Change date, time or place",
                ),
            )
        return format_html_join(" | ", '<a href="{}">{}</a>', links)


class CourseFilter(admin.SimpleListFilter):
    title = "course"
    parameter_name = "course"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        courses = Course.objects.order_by("title").values_list("pk", "title")
        return [(str(pk), title) for pk, title in courses]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(course_id=int(value))
        return queryset


@admin.register(Cohort)
class CohortAdmin(
    CohortPagesMixin,
    ObjectActionsMixin,
    ServiceSaveMixin,
    InlineServiceSaveMixin,
    PublicContentAdminMixin,
    CohortReportMixin,
    CohortAttendanceMixin,
    CohortEnrolMixin,
    admin.ModelAdmin,
):
    """Cohorts, soonest first, with their places: capacity, enrolled, offered, waiting and
    left. Each cohort's page links to the pages that change it through the services.

    The page itself saves through ``cohort_create`` or ``cohort_update``, a draft's
    sessions through ``cohort_sessions_save``, and deletes through ``cohort_delete``: a
    refusal of the cohort (published or cancelled since the page opened) is a message on the
    page, one of its sessions is shown above them, with what staff typed kept.
    """

    public_areas = ("training",)
    form = CohortForm
    inlines = [CohortSessionInline]
    list_display = [
        "__str__",
        "status_display",
        "first_session",
        "capacity",
        "enrolled_count",
        "offered_count",
        "waiting_count",
        "places_left",
    ]
    list_filter = ["status", CourseFilter, RegisterFilter]
    search_fields = ["name", "course__title"]
    ordering = ["-enrolment_opens_at", "-pk"]
    actions = ["publish_selected", "mark_everyone_attended"]
    fieldsets = [
        (None, {"fields": ["course", "name", "status"]}),
        (
            "Places",
            {
                "fields": [
                    "capacity",
                    "max_per_organisation",
                    "reserved_places",
                    "reserved_release_at",
                    "reserved_released_at",
                ]
            },
        ),
        ("Enrolment", {"fields": ["enrolment_opens_at", "enrolment_closes_at"]}),
        ("For the people on it", {"fields": ["joining_instructions", "feedback_survey_url"]}),
        (
            "History",
            {
                "fields": [
                    "published_at",
                    "cancelled_at",
                    "cancelled_by",
                    "cancellation_reason",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cohort]:
        return cohorts_for_admin()

    def has_run_permission(self, request: HttpRequest) -> bool:
        return can_run_training(request)

    def has_change_permission(self, request: HttpRequest, obj: Cohort | None = None) -> bool:
        if obj is not None and obj.status in FIXED_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Cohort | None = None) -> Any:
        fixed = [
            "status",
            "reserved_released_at",
            "published_at",
            "cancelled_at",
            "cancelled_by",
            "cancellation_reason",
        ]
        if obj is None or obj.status == CohortStatus.DRAFT:
            return fixed
        # Changed through the services (capacity) or not at all once people hold places.
        return [*fixed, "course", "capacity", "reserved_places", "reserved_release_at"]

    # Columns

    @admin.display(description="status", ordering="status")
    def status_display(self, cohort: Cohort) -> str:
        return self._places(cohort).status_label

    @admin.display(description="first session", ordering="first_starts_at")
    def first_session(self, cohort: Cohort) -> str:
        first = getattr(cohort, "first_starts_at", None)
        return formats.date_and_time(first) if first else "No sessions yet"

    @admin.display(description="enrolled")
    def enrolled_count(self, cohort: Cohort) -> int:
        return getattr(cohort, "enrolled", None) or 0

    @admin.display(description="offered a place")
    def offered_count(self, cohort: Cohort) -> int:
        return getattr(cohort, "offered", None) or 0

    @admin.display(description="waiting")
    def waiting_count(self, cohort: Cohort) -> int:
        return getattr(cohort, "waiting", None) or 0

    @admin.display(description="places left")
    def places_left(self, cohort: Cohort) -> int:
        return self._places(cohort).places_left

    # The cohort's page

    def change_page_context(self, request: HttpRequest, cohort: Cohort) -> dict[str, Any]:
        return self._cohort_page(request, cohort)

    def _cohort_page(self, request: HttpRequest, cohort: Cohort) -> dict[str, Any]:
        places = self._places(cohort)
        can_run = can_run_training(request)
        live = cohort.status not in (CohortStatus.DRAFT, *FIXED_STATUSES)
        enrolments = reverse("admin:training_enrolment_changelist") + f"?cohort={cohort.pk}"
        return {
            "cohort_places": places,
            "cohort_enrolled": getattr(cohort, "enrolled", 0) or 0,
            "cohort_offered": getattr(cohort, "offered", 0) or 0,
            "enrolments_url": enrolments,
            "report_url": reverse("admin:training_cohort_report"),
            "capacity_url": (
                reverse("admin:training_cohort_capacity", args=[cohort.pk])
                if can_run and live
                else ""
            ),
            "enrol_url": (
                reverse("admin:training_cohort_enrol", args=[cohort.pk])
                if can_run and cohort.status in (CohortStatus.OPEN, CohortStatus.CLOSED)
                else ""
            ),
            "cancel_url": (
                reverse("admin:training_cohort_cancel", args=[cohort.pk])
                if can_run and cohort.status not in FIXED_STATUSES
                else ""
            ),
            "publish_url": (
                object_action_url(cohort, "publish_selected")
                if can_run and cohort.status == CohortStatus.DRAFT
                else ""
            ),
            "mark_attended_url": (
                object_action_url(cohort, "mark_everyone_attended")
                if can_run and cohort.status not in (CohortStatus.DRAFT, CohortStatus.CANCELLED)
                else ""
            ),
        }

    # Saving the page, through the services

    # The services refuse a change that another member of staff made impossible since the
    # page opened (publishing or cancelling the cohort).
    refused_save = "Nothing was saved. {error}"

    def save_through_service(
        self, request: HttpRequest, obj: Cohort, form: Any, change: bool
    ) -> Cohort:
        """Save the cohort through ``cohort_create`` or ``cohort_update``, which check its
        rules and audit what was set or what changed."""
        values = {name: getattr(obj, name) for name in COHORT_FIELDS if name in form.fields}
        staff = request_staff_user(request)
        if not change:
            return cohort_create(values=values, created_by=staff)
        return cohort_update(cohort_id=obj.pk, values=values, updated_by=staff)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Save a draft's sessions through ``cohort_sessions_save``, which audits each session
        added, changed or removed in one event."""
        for formset in formsets:
            saved = formset.save(commit=False)
            self.inline_save(
                request,
                formset,
                partial(
                    cohort_sessions_save,
                    cohort=form.instance,
                    saved=saved,
                    deleted=formset.deleted_objects,
                    by=request_staff_user(request),
                ),
            )
        # The sessions are saved: the admin is given no formset to save, only the form's
        # many-to-many fields (none) and the public pages to render again.
        super().save_related(request, form, [], change)

    def delete_model(self, request: HttpRequest, obj: Cohort) -> None:
        cohort_delete(cohort_id=obj.pk, deleted_by=request_staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        # All or none: a refusal of one (a cohort someone has been on) deletes none.
        with transaction.atomic():
            for cohort in queryset:
                self.delete_model(request, cohort)

    # Pages of their own, each through a service

    # Actions

    @admin.action(description="Publish the selected cohorts", permissions=["run"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        """Publish each draft cohort: it opens for enrolment between its dates."""
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            list(queryset.order_by("pk")),
            lambda cohort: cohort_services.cohort_publish(cohort=cohort, published_by=staff),
            label=str,
            done="Published {}.",
            refused="Not published:",
        )
