"""Staff screens for assessment on the applications' pages: what an application's page shows
of its assessments (conflicts with who and why, with the "Assign assessors…" button of
``assessment_assign``), and the fund manager's moderation of an application's scores, once
its assessments are all in."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse

from funding.selectors import assessment_sheets as sheet_selectors
from funding.services import assessment_moderation as moderation_services
from funding.services import assessment_scoring as scoring_services
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import object_action_url
from localdigital.admin_pages import admin_form_page, permission_check
from localdigital.errors import DomainError

from .. import formats
from ..models import Application, ApplicationStatus, Assessment, AssessmentStatus
from ..selectors import assessment as selectors
from ..selectors.staff import application_for_staff_get
from .assessment import next_step
from .assessment_pages import APPLICATION_CHANGE, assessor_name, score_url
from .forms.assessment import ModerationForm
from .roles import sees_all


class ApplicationModerationMixin(admin.ModelAdmin):
    """What the application admin does to moderate: the page where a fund manager records
    the moderated score of each criterion, once the assessments are all in."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self,
                "<int:application_id>/moderate/",
                self.moderate_view,
                "funding_application_moderate",
                allowed=permission_check("funding.change_moderatedscore"),
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request: HttpRequest, application_id: int) -> HttpResponse:
        """Show each assessor's scores side by side, per criterion, with their spread and
        justifications; record the moderated score of each, with a note."""
        application = application_for_staff_get(application_id)
        sheet = sheet_selectors.moderation_sheet(application=application)
        is_complete = application.status == ApplicationStatus.SUBMITTED and (
            scoring_services.assessments_are_complete(application)
        )
        criteria = [line.criterion for line in sheet.lines]
        initial: dict[str, object] = {}
        for line in sheet.lines:
            if line.moderated is not None:
                initial[f"score_{line.criterion.pk}"] = line.moderated.score
                initial[f"note_{line.criterion.pk}"] = line.moderated.note
        data = request.POST if request.method == "POST" and is_complete else None
        form = ModerationForm(data, criteria=criteria, initial=initial)
        if data is not None and form.is_valid():
            try:
                moderation_services.application_moderate(
                    application=application,
                    scores=form.values(),
                    moderated_by=request_staff_user(request),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                sheet = sheet_selectors.moderation_sheet(application=application)
                self.message_user(
                    request,
                    f"Saved the moderated scores of {application.reference}: "
                    f"{selectors.score_display(sheet.moderated_weighted)} out of 100.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse(APPLICATION_CHANGE, args=[application.pk]))
        application_url = reverse(APPLICATION_CHANGE, args=[application.pk])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Moderate the scores of {application.reference}",
            "application": application,
            "application_url": application_url,
            "crumbs": [(application_url, application.reference)],
            "is_complete": is_complete,
            "assessors": [
                {
                    "name": assessor_name(a),
                    "weighted": selectors.score_display(a.weighted),  # type: ignore[attr-defined]
                }
                for a in sheet.assessments
            ],
            "lines": [
                {
                    "line": line,
                    "score": form.fields_for(line.criterion)[0],
                    "note": form.fields_for(line.criterion)[1],
                }
                for line in sheet.lines
            ],
            "moderated_weighted": selectors.score_display(sheet.moderated_weighted),
            "form": form,
        }
        return TemplateResponse(request, "admin/funding/application/moderate.html", context)


def application_assessment_context(request: HttpRequest, application: Application) -> dict:
    """Return what the application's page shows of its assessment: to a fund manager every
    assessment (conflicts with who and why), what to do next and the buttons; to an
    assessor their own assessment's next step."""
    if not sees_all(request):
        own = Assessment.objects.filter(
            application=application, assessor=request_staff_user(request)
        ).first()
        if own is None:
            return {}
        label, url = next_step(own.pk, own.status)
        return {
            "own_assessment": own,
            "own_due": formats.day(own.due_on),
            "own_step": label,
            "own_step_url": url,
        }
    assessments = selectors.application_assessments(application=application)
    criteria_count = len(sheet_selectors.round_criteria(round=application.round))
    is_submitted = application.status == ApplicationStatus.SUBMITTED
    is_complete = is_submitted and scoring_services.assessments_are_complete(application)
    can_assign = is_submitted and request.user.has_perm("funding.add_assessment")
    can_moderate = is_complete and request.user.has_perm("funding.change_moderatedscore")
    conflicts = [a for a in assessments if a.status == AssessmentStatus.CONFLICTED]
    active = len(assessments) - len(conflicts)
    return {
        "show_assessment": True,
        "assessments": [
            {
                "assessment": a,
                "name": assessor_name(a),
                "email": a.assessor.email,
                "due": formats.day(a.due_on),
                "is_conflicted": a.status == AssessmentStatus.CONFLICTED,
                "weighted": selectors.score_display(a.weighted),  # type: ignore[attr-defined]
                "scored": f"{a.scored_count} of {criteria_count}",  # type: ignore[attr-defined]
                "url": score_url(a) if a.status != AssessmentStatus.CONFLICTED else "",
            }
            for a in assessments
        ],
        "conflicts": [
            {"name": assessor_name(a), "note": a.conflict_note, "at": a.conflict_declared_at}
            for a in conflicts
        ],
        "assessors_wanted": application.round.assessors_per_application,
        "assessors_active": active,
        "needs_assessors": is_submitted and active < application.round.assessors_per_application,
        "is_complete": is_complete,
        "can_assign": can_assign,
        "assign_url": object_action_url(application, "assign_assessors") if can_assign else "",
        "moderate_url": (
            reverse("admin:funding_application_moderate", args=[application.pk])
            if can_moderate
            else ""
        ),
    }
