"""Assigning assessors to applications: the "Assign assessors…" action on the applications'
list, which the button on an application's page runs for that application alone.

Beside the assessment admin (``assessment``), whose assessments it makes: each assessor is
emailed the applications they are given.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import action_form_page, confirmed_data
from localdigital.errors import DomainError
from localdigital.formats import count_of

from ..models import Application
from ..services import assessment as services
from .assessment_pages import assessor_name
from .forms.assessment import AssignAssessorsForm

DEFAULT_DUE_DAYS = 14


class AssignAssessorsMixin(admin.ModelAdmin):
    """What the application admin does to give applications their assessors: the "Assign
    assessors…" action."""

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("funding.add_assessment")

    @admin.action(description="Assign assessors…", permissions=["assign"])
    def assign_assessors(
        self, request: HttpRequest, queryset: QuerySet[Application]
    ) -> HttpResponse | None:
        """Ask for the assessors and the due date, then give each application the round's
        number of assessors; say what was made, and which could not be filled and why."""
        applications = list(queryset.select_related("round", "lead_organisation"))
        applications.sort(key=lambda application: application.reference)
        form = AssignAssessorsForm(
            confirmed_data(request),
            initial={"due_on": timezone.localdate() + timedelta(days=DEFAULT_DUE_DAYS)},
        )
        if form.is_valid():
            try:
                result = services.assessors_assign(
                    applications=applications,
                    assessors=list(form.cleaned_data["assessors"]),
                    due_on=form.cleaned_data["due_on"],
                    assigned_by=request_staff_user(request),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                self._assigned_report(request, result)
                return None
        return action_form_page(
            self,
            request,
            action="assign_assessors",
            title="Assign assessors",
            intro=(
                "Each submitted application is given assessors until it has its round's number. "
                "An assessor who declared a conflict with an application stays off it. Each "
                "assessor is emailed the applications they are given."
            ),
            submit="Assign",
            form=form,
            objects=[(a.pk, self._described(a)) for a in applications],
        )

    @staticmethod
    def _described(application: Application) -> str:
        active = getattr(application, "assessments_open", 0) + getattr(
            application, "assessments_submitted", 0
        )
        wanted = application.round.assessors_per_application
        conflicted = getattr(application, "assessments_conflicted", 0)
        described = (
            f"{application.reference}: {application.title or 'Untitled'} "
            f"({application.lead_organisation.name}; {active} of {wanted} assessors"
        )
        if conflicted:
            described += f"; {count_of(conflicted, 'conflict', 'conflicts')} declared"
        return described + ")"

    def _assigned_report(self, request: HttpRequest, result: services.AssignResult) -> None:
        by_application: dict[str, list[str]] = {}
        for assessment in result.made:
            by_application.setdefault(assessment.application.reference, []).append(
                assessor_name(assessment)
            )
        if by_application:
            self.message_user(
                request,
                f"Assigned {count_of(len(result.made), 'assessment', 'assessments')}: "
                + "; ".join(
                    f"{reference} to {', '.join(names)}"
                    for reference, names in sorted(by_application.items())
                )
                + ". Each assessor has been emailed.",
                messages.SUCCESS,
            )
        if result.short:
            self.message_user(
                request,
                "Could not give these applications all their assessors: "
                + "; ".join(f"{ref}, as {why}" for ref, why in sorted(result.short.items()))
                + ".",
                messages.WARNING,
            )
        if not result.made and not result.short:
            self.message_user(
                request,
                "Nothing was changed: each application already has its assessors.",
                messages.WARNING,
            )
