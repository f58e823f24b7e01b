"""Moving an enrolment to another cohort, and cancelling enrolments, in the enrolment admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.urls import URLPattern, reverse
from django.utils import timezone

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    action_form_page,
    confirmed_data,
    count_of,
    run_each,
    service_error_show,
)
from localdigital.admin_pages import admin_form_page, form_page
from localdigital.errors import DomainError
from localdigital.forms import posted
from training.services import enrolment_changes as change_services

from .. import formats
from ..models import (
    CANCELLABLE_STATUSES,
    Enrolment,
)
from ..selectors import cohort_places, cohorts_of_course_for_move, enrolments_for_admin
from .common import can_run_training
from .forms import ConfirmForm, MoveForm

ENROLMENT_CHANGE = "admin:training_enrolment_change"


def person(enrolment: Enrolment) -> str:
    user = enrolment.user
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


class EnrolmentActionsMixin(admin.ModelAdmin):
    """What the enrolment admin does to change enrolments: its move page and the cancel action."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self,
                "<int:enrolment_id>/move/",
                self.move_view,
                "training_enrolment_move",
                allowed=can_run_training,
            ),
            *super().get_urls(),
        ]

    def move_view(self, request: HttpRequest, enrolment_id: int) -> HttpResponse:
        """Move a person to another cohort of the same course that has not started. Someone
        with a place moves only into a place free to them; someone waiting joins the other
        cohort's waiting list if it has no place."""
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
        form = MoveForm(posted(request), choices=choices)
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

    @admin.action(description="Cancel the selected enrolments…", permissions=["run"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> Any:
        """Ask staff to confirm, then cancel each place, offer or place on the waiting list;
        freed places are offered to the waiting list."""
        enrolments = list(queryset.order_by("pk"))
        several = len(enrolments) > 1
        form = ConfirmForm(
            confirmed_data(request),
            label=(
                "Cancel these enrolments and tell each person"
                if several
                else "Cancel this enrolment and tell the person"
            ),
        )
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="cancel_selected",
                title=("Cancel an enrolment", "Cancel enrolments"),
                intro=(
                    "Each person is emailed that their place is cancelled. Places freed are "
                    "offered to the people waiting."
                    if several
                    else "The person is emailed that their place is cancelled. A place freed is "
                    "offered to the people waiting."
                ),
                submit="Cancel the enrolments" if several else "Cancel the enrolment",
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
