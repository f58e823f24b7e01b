"""A cohort's pages of their own in the admin: its places, a session's time and place, and
cancelling it, each through a service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse
from django.utils import timezone

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import service_error_show
from localdigital.admin_pages import admin_form_page, form_page
from localdigital.errors import DomainError
from localdigital.formats import count_of
from localdigital.forms import posted

from .. import formats
from ..models import Cohort, CohortSession, CohortStatus
from ..selectors import cohort_places_of
from ..selectors.admin import cohorts_for_admin
from ..services import cohorts as cohort_services
from ..services import offers as offer_services
from .common import can_run_training
from .forms import CancelForm, CapacityForm, SessionChangeForm

COHORT_CHANGE = "admin:training_cohort_change"
# A cohort in one of these states is fixed: its page is for reading.
FIXED_STATUSES = (CohortStatus.CANCELLED, CohortStatus.COMPLETED)


def cohort_url(cohort_id: int) -> str:
    return reverse(COHORT_CHANGE, args=[cohort_id])


class CohortPagesMixin(admin.ModelAdmin):
    """What the cohort admin does on pages of its own: places, a session, cancelling."""

    def _places(self, cohort: Cohort) -> Any:
        return cohort_places_of(cohort, now=timezone.now())

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self,
                "<int:cohort_id>/places/",
                self.capacity_view,
                "training_cohort_capacity",
                allowed=can_run_training,
            ),
            admin_form_page(
                self,
                "<int:cohort_id>/sessions/<int:session_id>/change/",
                self.session_change_view,
                "training_cohort_session",
                allowed=can_run_training,
            ),
            admin_form_page(
                self,
                "<int:cohort_id>/cancel/",
                self.cancel_view,
                "training_cohort_cancel",
                allowed=can_run_training,
            ),
            *super().get_urls(),
        ]

    def _cohort_for_change(self, request: HttpRequest, cohort_id: int) -> Cohort:
        """Return the cohort a training administrator is changing (its pages are theirs
        alone: ``allowed``)."""
        cohort = cohorts_for_admin().filter(pk=cohort_id).first()
        if cohort is None:
            raise Http404
        return cohort

    def _summary(self, cohort: Cohort) -> list[tuple[str, Any]]:
        places = self._places(cohort)
        first = getattr(cohort, "first_starts_at", None)
        return [
            ("Cohort", str(cohort)),
            ("Status", places.status_label),
            ("First session", formats.date_and_time(first) if first else "No sessions yet"),
            ("Places", cohort.capacity),
            ("Enrolled", getattr(cohort, "enrolled", 0) or 0),
            ("Offered a place", getattr(cohort, "offered", 0) or 0),
            ("Waiting", places.waiting),
        ]

    def capacity_view(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        """Change the number of places of a published cohort. Places added are offered to
        the waiting list at once; it cannot go below the places taken or reserved."""
        cohort = self._cohort_for_change(request, cohort_id)
        refusal = ""
        if cohort.status == CohortStatus.DRAFT:
            refusal = "This cohort is a draft: change its places on the cohort's page."
        elif cohort.status in FIXED_STATUSES:
            refusal = (
                f"This cohort is {cohort.get_status_display().lower()}, so its places are fixed."
            )
        form = CapacityForm(posted(request), initial={"capacity": cohort.capacity})
        if not refusal and form.is_valid():
            try:
                offer_services.cohort_capacity_change(
                    cohort=cohort,
                    capacity=form.cleaned_data["capacity"],
                    changed_by=request_staff_user(request),
                )
            except DomainError as error:
                service_error_show(form, error, "capacity")
            else:
                added = form.cleaned_data["capacity"] - cohort.capacity
                self.message_user(
                    request,
                    f"{cohort} now has "
                    f"{count_of(form.cleaned_data['capacity'], 'place', 'places')}."
                    + (
                        " The places added are being offered to the people waiting."
                        if added > 0 and self._places(cohort).waiting
                        else ""
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(cohort_url(cohort.pk))
        return form_page(
            self,
            request,
            title=f"Change the places: {cohort}",
            form=form,
            submit="Change the places",
            back_url=cohort_url(cohort.pk),
            crumbs=[(cohort_url(cohort.pk), str(cohort))],
            summary=self._summary(cohort),
            refusal=refusal,
        )

    def session_change_view(
        self, request: HttpRequest, cohort_id: int, session_id: int
    ) -> HttpResponse:
        """Change a published cohort's session: its date, time or place. Everyone with a
        place or an offer is emailed once, with what it was and what it is now."""
        cohort = self._cohort_for_change(request, cohort_id)
        session = CohortSession.objects.filter(pk=session_id, cohort_id=cohort.pk).first()
        if session is None:
            raise Http404
        refusal = ""
        if cohort.status == CohortStatus.DRAFT:
            refusal = "This cohort is a draft: change its sessions on the cohort's page."
        elif cohort.status in FIXED_STATUSES:
            refusal = (
                f"This cohort is {cohort.get_status_display().lower()}, so its sessions are fixed."
            )
        elif session.ends_at <= timezone.now():
            refusal = "This session has taken place, so it cannot change."
        form = SessionChangeForm(
            posted(request),
            initial={
                "starts_at": timezone.localtime(session.starts_at),
                "ends_at": timezone.localtime(session.ends_at),
                "is_online": session.is_online,
                "location": session.location,
            },
        )
        if not refusal and form.is_valid():
            data = form.cleaned_data
            try:
                change = cohort_services.cohort_session_change(
                    session=session,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    location=data["location"],
                    is_online=data["is_online"],
                    changed_by=request_staff_user(request),
                )
            except DomainError as error:
                service_error_show(form, error, "starts_at")
            else:
                if change is None:
                    self.message_user(
                        request, "Nothing changed, so nobody was told.", messages.INFO
                    )
                else:
                    told = change.notices.count()
                    self.message_user(
                        request,
                        "Changed the session to "
                        f"{formats.session_when(data['starts_at'], data['ends_at'])}. "
                        f"{told} {'person is' if told == 1 else 'people are'} being emailed the "
                        "change.",
                        messages.SUCCESS,
                    )
                return HttpResponseRedirect(cohort_url(cohort.pk))
        return form_page(
            self,
            request,
            title=f"Change a session: {cohort}",
            form=form,
            submit="Change the session and tell people",
            back_url=cohort_url(cohort.pk),
            crumbs=[(cohort_url(cohort.pk), str(cohort))],
            summary=[
                ("Cohort", str(cohort)),
                (
                    "Now",
                    f"{formats.session_when(session.starts_at, session.ends_at)}: {session.place}",
                ),
            ],
            intro=(
                "Everyone with a place or an offer of one is emailed once with what the "
                "session was and what it is now."
            ),
            refusal=refusal,
        )

    def cancel_view(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        """Cancel a cohort, with the reason, once staff confirm: everyone with a place, an
        offer or on the waiting list is taken off it and emailed the reason once."""
        cohort = self._cohort_for_change(request, cohort_id)
        refusal = ""
        if cohort.status in FIXED_STATUSES:
            refusal = f"This cohort is {cohort.get_status_display().lower()} already."
        form = CancelForm(posted(request))
        if not refusal and form.is_valid():
            try:
                cohort_services.cohort_cancel(
                    cohort=cohort,
                    reason=form.cleaned_data["reason"],
                    cancelled_by=request_staff_user(request),
                )
            except DomainError as error:
                service_error_show(form, error, "reason")
            else:
                self.message_user(
                    request,
                    f"Cancelled {cohort}. Everyone who was on it is being emailed the reason.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(cohort_url(cohort.pk))
        return form_page(
            self,
            request,
            title=f"Cancel the cohort: {cohort}",
            form=form,
            submit="Cancel the cohort",
            back_url=cohort_url(cohort.pk),
            crumbs=[(cohort_url(cohort.pk), str(cohort))],
            summary=self._summary(cohort),
            intro=(
                "Everyone with a place, an offer of one or on the waiting list is taken off the "
                "cohort and emailed once, with your reason."
            ),
            refusal=refusal,
        )
