"""Staff screens for enrolments: the list, filtered by cohort, status and organisation and
searched by name or email; each enrolment's page, read-only, with its attendance and offer;
moving a person to another cohort of the course; cancelling; and a CSV of those selected.

Accessibility and dietary needs are special-category data: only people with
``training.view_enrolment_needs`` (training administrators and superusers) see them, on
the list, the page or in the CSV, and nobody can search by them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import Truncator

from declaration.models import Organisation
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    action_form_page,
    confirmed_data,
    count_of,
    object_action_url,
    run_each,
    service_error_show,
)
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post
from localdigital.open_data import csv_response
from training.services import enrolment_changes as change_services

from .. import formats
from ..models import (
    CANCELLABLE_STATUSES,
    Attendance,
    Cohort,
    Enrolment,
    Offer,
)
from ..selectors import cohort_places, cohorts_of_course_for_move, enrolments_for_admin
from .common import can_run_training, can_see_needs
from .filters import OfferExpiringFilter
from .forms import ConfirmForm, MoveForm
from .pages import form_page

ENROLMENT_CHANGE = "admin:training_enrolment_change"
CSV_HEADERS = [
    "Enrolment",
    "Name",
    "Email",
    "Organisation",
    "Job title",
    "Line manager's email",
    "Course",
    "Cohort",
    "Status",
    "Waiting position",
    "Priority organisation",
    "Joined",
]


def person(enrolment: Enrolment) -> str:
    user = enrolment.user
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


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
        organisations = (
            Organisation.objects.filter(training_enrolments__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("pk", "name")
        )
        return [(str(pk), name) for pk, name in organisations]

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
class EnrolmentAdmin(ObjectActionsMixin, admin.ModelAdmin):
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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        enrolment = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if enrolment is not None and can_run_training(request):
            movable = enrolment.status in CANCELLABLE_STATUSES
            extra_context.update(
                move_url=(
                    reverse("admin:training_enrolment_move", args=[enrolment.pk]) if movable else ""
                ),
                cancel_url=object_action_url(enrolment, "cancel_selected") if movable else "",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:enrolment_id>/move/",
                self.admin_site.admin_view(require_safe_or_post(self.move_view)),
                name="training_enrolment_move",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request: HttpRequest, enrolment_id: int) -> HttpResponse:
        """Move a person to another cohort of the same course that has not started. Someone
        with a place moves only into a place free to them; someone waiting joins the other
        cohort's waiting list if it has no place."""
        if not can_run_training(request):
            raise PermissionDenied
        enrolment = enrolments_for_admin().filter(pk=enrolment_id).first()
        if enrolment is None:
            raise Http404
        back = reverse(ENROLMENT_CHANGE, args=[enrolment.pk])
        refusal = ""
        choices: dict[int, str] = {}
        if enrolment.status not in CANCELLABLE_STATUSES:
            refusal = (
                f"This enrolment is {enrolment.get_status_display().lower()}, so it cannot move."
            )
        else:
            now = timezone.now()
            cohorts = cohorts_of_course_for_move(cohort=enrolment.cohort, now=now)
            places = cohort_places(cohort_ids=[cohort.pk for cohort in cohorts], now=now)
            for cohort in cohorts:
                place = places[cohort.pk]
                first = getattr(cohort, "first_starts_at", None)
                choices[cohort.pk] = (
                    f"{cohort}, from {formats.date_and_time(first) if first else 'no date'}: "
                    f"{place.places_left} of {count_of(place.capacity, 'place', 'places')} left, "
                    f"{place.waiting} waiting"
                )
            if not choices:
                refusal = (
                    f"{enrolment.cohort.course.title} has no other published cohort that has not "
                    "started, so there is nowhere to move them."
                )
        form = MoveForm(request.POST if request.method == "POST" else None, choices=choices)
        if not refusal and form.is_valid():
            try:
                new = change_services.enrolment_move(
                    enrolment=enrolment,
                    to_cohort=form.cleaned_data["to_cohort"],
                    moved_by=request_staff_user(request),
                )
            except DomainError as error:
                service_error_show(form, error, "to_cohort")
            else:
                where = (
                    f"on the waiting list at number {new.waiting_position}"
                    if new.waiting_position
                    else "with a place"
                )
                self.message_user(
                    request,
                    f"Moved {enrolment.user.email} to {form.cleaned_data['to_cohort']}, {where}. "
                    "They are being emailed.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse(ENROLMENT_CHANGE, args=[new.pk]))
        return form_page(
            self,
            request,
            title=f"Move {enrolment.user.email} to another cohort",
            form=form,
            submit="Move them",
            back_url=back,
            crumbs=[(back, str(enrolment))],
            summary=[
                ("Person", person(enrolment)),
                ("Organisation", enrolment.organisation.name),
                ("Now on", str(enrolment.cohort)),
                ("Status", enrolment.get_status_display()),
            ],
            intro=(
                "Someone with a place moves only into a place free to them there; someone "
                "waiting joins the end of its waiting list if no place is free."
            ),
            refusal=refusal,
        )

    # Actions

    @admin.action(description="Cancel the selected enrolments…", permissions=["run"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> Any:
        """Ask staff to confirm, then cancel each place, offer or place on the waiting list;
        freed places are offered to the waiting list."""
        enrolments = list(queryset.order_by("pk"))
        form = ConfirmForm(
            confirmed_data(request),
            label="Cancel these enrolments and tell each person",
        )
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="cancel_selected",
                title="Cancel enrolments",
                intro=(
                    "Each person is emailed that their place is cancelled. Places freed are "
                    "offered to the people waiting."
                ),
                submit="Cancel the enrolments",
                form=form,
                objects=[
                    (e.pk, f"{person(e)} on {e.cohort} ({e.get_status_display().lower()})")
                    for e in enrolments
                ],
            )
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            enrolments,
            lambda e: change_services.enrolment_cancel(enrolment=e, cancelled_by=staff),
            label=lambda e: f"{e.user.email} on {e.cohort}",
            done="Cancelled {}.",
            refused="Not cancelled:",
        )
        return None

    @admin.action(description="Download the selected enrolments as CSV", permissions=["view"])
    def download_csv(
        self, request: HttpRequest, queryset: QuerySet[Enrolment]
    ) -> StreamingHttpResponse:
        """Return the selected enrolments as CSV; with needs only for those who may see them."""
        show_needs = can_see_needs(request)
        headers = [*CSV_HEADERS, *(["Accessibility or dietary needs"] if show_needs else [])]
        rows = [
            [
                e.pk,
                e.user.full_name,
                e.user.email,
                e.organisation.name,
                e.job_title,
                e.line_manager_email,
                e.cohort.course.title,
                str(e.cohort),
                e.get_status_display(),
                e.waiting_position or "",
                "yes" if e.is_priority else "no",
                formats.date_and_time(e.created_at),
                *([e.needs] if show_needs else []),
            ]
            for e in queryset.select_related("cohort__course", "user", "organisation").order_by(
                "cohort", "pk"
            )
        ]
        return csv_response(headers, rows, name="training-enrolments", dated=True)
