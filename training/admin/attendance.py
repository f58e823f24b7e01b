"""Attendance in the admin: a session's register, where a training administrator ticks
who attended, and the action that records everyone with a place as attending every session
of a cohort that has started. Completion follows from the services: every session attended
is completed, none is no-show."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import action_form_page, confirmed_data
from localdigital.admin_pages import admin_form_page
from localdigital.errors import DomainError
from localdigital.formats import count_of

from .. import formats
from ..models import TAKEN_STATUSES, Cohort, CohortSession, CohortStatus, Enrolment
from ..selectors import cohort_register
from ..services import attendance as attendance_services
from .common import can_run_training, can_see_needs
from .forms import ConfirmForm

NOT_RECORDABLE = (CohortStatus.DRAFT, CohortStatus.CANCELLED)


class CohortAttendanceMixin(admin.ModelAdmin):
    """What the cohort admin does for attendance: the register page, and the action."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self,
                "<int:cohort_id>/sessions/<int:session_id>/register/",
                self.register_view,
                "training_cohort_register",
                allowed=can_run_training,
            ),
            *super().get_urls(),
        ]

    def register_view(self, request: HttpRequest, cohort_id: int, session_id: int) -> HttpResponse:
        """Show a session's register, everyone with a place by name, with their attendance
        at every session; once the session has started, tick who attended it and save."""
        session = (
            CohortSession.objects.select_related("cohort__course")
            .filter(pk=session_id, cohort_id=cohort_id)
            .first()
        )
        if session is None:
            raise Http404
        cohort = session.cohort
        now = timezone.now()
        refusal = ""
        if cohort.status in NOT_RECORDABLE:
            refusal = (
                f"This cohort is {cohort.get_status_display().lower()}, so attendance cannot be "
                "recorded."
            )
        elif session.starts_at > now:
            refusal = (
                "This session has not started, so its attendance cannot be recorded yet. It "
                f"starts at {formats.date_and_time(session.starts_at)}."
            )
        error = ""
        when = formats.session_when(session.starts_at, session.ends_at)
        if request.method == "POST" and not refusal:
            raw = request.POST.getlist("attended")
            if not all(value.isdigit() for value in raw):
                error = "Tick the people who attended from the register."
            else:
                try:
                    attendance_services.session_attendance_record(
                        session=session,
                        attended_enrolment_ids=[int(value) for value in raw],
                        recorded_by=request_staff_user(request),
                    )
                except DomainError as problem:
                    error = str(problem)
                else:
                    self.message_user(
                        request,
                        f"Saved the register of {when}: "
                        f"{count_of(len(set(raw)), 'person', 'people')} attended.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(request.path)
        register = cohort_register(cohort=cohort)
        index = next(i for i, s in enumerate(register.sessions) if s.pk == session.pk)
        ticked = (
            {int(value) for value in request.POST.getlist("attended") if value.isdigit()}
            if error
            else None
        )
        show_needs = can_see_needs(request)
        rows = [
            {
                "enrolment": row.enrolment,
                "name": row.enrolment.user.full_name or row.enrolment.user.email,
                "email": row.enrolment.user.email,
                "organisation": row.enrolment.organisation.name,
                "status": row.enrolment.get_status_display(),
                "needs": row.enrolment.needs if show_needs else "",
                "marks": row.marks,
                "checked": (
                    row.enrolment.pk in ticked if ticked is not None else row.marks[index] is True
                ),
            }
            for row in register.rows
        ]
        cohort_url = reverse("admin:training_cohort_change", args=[cohort.pk])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Register: {when}",
            "crumbs": [(cohort_url, str(cohort))],
            "cohort": cohort,
            "session": session,
            "session_place": session.place,
            "sessions": [
                {
                    "when": formats.session_when(s.starts_at, s.ends_at),
                    "is_this": s.pk == session.pk,
                    "url": reverse("admin:training_cohort_register", args=[cohort.pk, s.pk]),
                }
                for s in register.sessions
            ],
            "rows": rows,
            "show_needs": show_needs,
            "refusal": refusal,
            "error": error,
            "back_url": cohort_url,
        }
        return TemplateResponse(request, "admin/training/cohort/register.html", context)

    @admin.action(
        description="Mark everyone with a place as attending every session so far…",
        permissions=["run"],
    )
    def mark_everyone_attended(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> Any:
        """Ask staff to confirm, then record everyone with a place on each cohort as having
        attended each of its sessions that has started."""
        cohorts = list(queryset.select_related("course").order_by("pk"))
        form = ConfirmForm(
            confirmed_data(request),
            label="Record everyone with a place as attending every session that has started",
        )
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="mark_everyone_attended",
                title="Mark everyone attended",
                intro=(
                    "Everyone with a place on these cohorts will be recorded as attending each "
                    "session that has started, replacing what their registers say. Once every "
                    "session is recorded, they are marked completed. Correct anyone who missed "
                    "a session on its register."
                ),
                submit="Mark everyone attended",
                form=form,
                objects=[(cohort.pk, str(cohort)) for cohort in cohorts],
            )
        staff = request_staff_user(request)
        taken: dict[int, list[int]] = {cohort.pk: [] for cohort in cohorts}
        for cohort_id, enrolment_id in Enrolment.objects.filter(
            cohort__in=cohorts, status__in=TAKEN_STATUSES
        ).values_list("cohort_id", "pk"):
            taken[cohort_id].append(enrolment_id)
        done, problems = [], []
        for cohort in cohorts:
            if not taken[cohort.pk]:
                problems.append(f"{cohort} (nobody has a place on it)")
                continue
            try:
                attendance_services.cohort_attendance_record(
                    cohort=cohort, enrolment_ids=taken[cohort.pk], recorded_by=staff
                )
            except DomainError as error:
                problems.append(f"{cohort} ({error})")
            else:
                done.append(f"{cohort} ({count_of(len(taken[cohort.pk]), 'person', 'people')})")
        if done:
            self.message_user(
                request,
                "Marked everyone attended on " + "; ".join(done) + ".",
                messages.SUCCESS,
            )
        if problems:
            self.message_user(request, "Not marked: " + "; ".join(problems) + ".", messages.ERROR)
        return None
