"""Enrolling a person by hand, from a cohort's page: the same rules as for everyone (their
organisation a published signatory they belong to, capacity, reserved places, the
organisation's maximum), except that a published cohort that has not started takes them
after enrolment closes. With no place free to them, they join the waiting list."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from localdigital.accounts import selectors as account_selectors
from localdigital.accounts.models import User
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import service_error_show
from localdigital.admin_pages import admin_form_page, form_page
from localdigital.errors import DomainError
from localdigital.forms import posted

from ..errors import AlreadyEnrolled, NotEligible
from ..models import CohortStatus, EnrolmentStatus
from ..selectors.admin import cohorts_for_admin
from ..services import enrolments as enrolment_services
from .common import can_run_training, can_see_needs
from .forms import EnrolByHandForm


def _organisation_for(form: EnrolByHandForm, user: User) -> Organisation | None:
    """Return the organisation to enrol ``user`` for: the one chosen, or the one published
    signatory they belong to; None with an error on the form when neither will do."""
    chosen = form.cleaned_data["organisation"]
    if chosen is not None:
        return chosen
    signatories = declaration_selectors.signatories_for_member(user=user)
    if len(signatories) == 1:
        return signatories[0]
    if not signatories:
        form.add_error(
            "email",
            f"{user.email} is not an approved member of any organisation that has signed the "
            "Local Digital Declaration, so they cannot enrol.",
        )
    else:
        form.add_error(
            "organisation",
            f"{user.email} belongs to "
            + ", ".join(organisation.name for organisation in signatories)
            + ". Choose which one they are enrolling for.",
        )
    return None


class CohortEnrolMixin(admin.ModelAdmin):
    """What the cohort admin does to enrol someone by hand."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self,
                "<int:cohort_id>/enrol/",
                self.enrol_view,
                "training_cohort_enrol",
                allowed=can_run_training,
            ),
            *super().get_urls(),
        ]

    def enrol_view(self, request: HttpRequest, cohort_id: int) -> HttpResponse:
        """Enrol an eligible person on the cohort by hand, by their email address."""
        cohort = cohorts_for_admin().filter(pk=cohort_id).first()
        if cohort is None:
            raise Http404
        refusal = ""
        if cohort.status not in (CohortStatus.OPEN, CohortStatus.CLOSED):
            refusal = (
                f"This cohort is {cohort.get_status_display().lower()}, so nobody can be "
                "enrolled on it."
            )
        form = EnrolByHandForm(posted(request), show_needs=can_see_needs(request))
        cohort_url = reverse("admin:training_cohort_change", args=[cohort.pk])
        if not refusal and form.is_valid():
            data = form.cleaned_data
            user = account_selectors.user_get_by_email(email=data["email"])
            if user is None:
                form.add_error(
                    "email",
                    f"Nobody has an account with {data['email']}. Ask them to sign in to the "
                    "service once, and join their organisation, first.",
                )
            organisation = _organisation_for(form, user) if user is not None else None
            if user is not None and organisation is not None:
                try:
                    enrolment = enrolment_services.enrolment_add_by_administrator(
                        cohort=cohort,
                        user=user,
                        organisation=organisation,
                        job_title=data["job_title"],
                        line_manager_email=data["line_manager_email"],
                        needs=data.get("needs", ""),
                        added_by=request_staff_user(request),
                    )
                except (NotEligible, AlreadyEnrolled) as error:
                    service_error_show(form, error, "email")
                except DomainError as error:
                    service_error_show(form, error, None)
                else:
                    if enrolment.status == EnrolmentStatus.WAITING:
                        outcome = (
                            "No place is free to them, so they are on the waiting list at "
                            f"number {enrolment.waiting_position}."
                        )
                    else:
                        outcome = "They have a place."
                    self.message_user(
                        request,
                        f"Enrolled {user.email} for {organisation.name} on {cohort}. {outcome} "
                        "They are being emailed.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(cohort_url)
        return form_page(
            self,
            request,
            title=f"Enrol someone: {cohort}",
            form=form,
            submit="Enrol them",
            back_url=cohort_url,
            crumbs=[(cohort_url, str(cohort))],
            summary=[
                ("Cohort", str(cohort)),
                ("Places", cohort.capacity),
                ("Enrolled", getattr(cohort, "enrolled", 0) or 0),
                ("Waiting", getattr(cohort, "waiting", 0) or 0),
                (
                    "Most places per organisation",
                    cohort.max_per_organisation or "No limit",
                ),
            ],
            intro=(
                "They must be an approved member of an organisation that has signed the "
                "Declaration. If no place is free to them, they join the waiting list."
            ),
            refusal=refusal,
        )
