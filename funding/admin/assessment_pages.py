"""An assessor's pages of their own in the admin: declaring a conflict of interest, and
scoring, each through a service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse

from funding.selectors import assessment_sheets as sheet_selectors
from funding.services import assessment_scoring as scoring_services
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import admin_form_page
from localdigital.errors import DomainError
from localdigital.forms import posted

from .. import formats
from ..errors import TransitionNotAllowed
from ..models import Application, Assessment, AssessmentStatus
from ..selectors import assessment as selectors
from ..selectors.applications import application_answers
from .forms.assessment import ConflictForm, ScoringForm
from .roles import sees_all

APPLICATION_CHANGE = "admin:funding_application_change"
ASSESSMENT_CHANGELIST = "admin:funding_assessment_changelist"


def assessor_name(assessment: Assessment) -> str:
    return assessment.assessor.full_name or assessment.assessor.email


def declare_url(assessment: Assessment) -> str:
    return reverse("admin:funding_assessment_declare", args=[assessment.pk])


def score_url(assessment: Assessment) -> str:
    return reverse("admin:funding_assessment_score", args=[assessment.pk])


class AssessorPagesMixin(admin.ModelAdmin):
    """What the assessment admin does on pages of its own: declaring and scoring."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self,
                "<int:assessment_id>/declare/",
                self.declare_view,
                "funding_assessment_declare",
            ),
            admin_form_page(
                self, "<int:assessment_id>/score/", self.score_view, "funding_assessment_score"
            ),
            *super().get_urls(),
        ]

    def _assessment(self, request: HttpRequest, assessment_id: int) -> Assessment:
        assessment = (
            Assessment.objects.select_related(
                "application__round", "application__lead_organisation", "assessor"
            )
            .filter(pk=assessment_id)
            .first()
        )
        if assessment is None:
            raise Http404
        return assessment

    def _is_own(self, request: HttpRequest, assessment: Assessment) -> bool:
        return assessment.assessor_id == request.user.pk and request.user.has_perm(
            "funding.change_assessment"
        )

    def _page(self, request: HttpRequest, assessment: Assessment, title: str) -> dict[str, Any]:
        application = assessment.application
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "assessment": assessment,
            "application": application,
            "due": formats.day(assessment.due_on),
        }

    def declare_view(self, request: HttpRequest, assessment_id: int) -> HttpResponse:
        """Ask the assessor whether they have a conflict of interest, before they score."""
        assessment = self._assessment(request, assessment_id)
        if not self._is_own(request, assessment):
            raise PermissionDenied
        if assessment.status == AssessmentStatus.CONFLICTED:
            raise PermissionDenied
        if assessment.status != AssessmentStatus.ASSIGNED:
            self.message_user(
                request, "You have already declared that you have no conflict.", messages.INFO
            )
            return HttpResponseRedirect(score_url(assessment))
        form = ConflictForm(posted(request))
        if form.is_valid():
            try:
                scoring_services.assessment_conflict_declare(
                    assessment=assessment,
                    has_conflict=form.is_conflict(),
                    note=form.cleaned_data["note"],
                    declared_by=request_staff_user(request),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                if form.is_conflict():
                    self.message_user(
                        request,
                        "You declared a conflict of interest with "
                        f"{assessment.application.reference}, so you will not assess it. The "
                        "fund manager has been told.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse(ASSESSMENT_CHANGELIST))
                return HttpResponseRedirect(score_url(assessment))
        partners = list(
            assessment.application.partners.select_related("organisation").order_by(
                "organisation__name"
            )
        )
        context = {
            **self._page(
                request,
                assessment,
                f"Conflict of interest: {assessment.application.reference}",
            ),
            "form": form,
            "organisations": [
                assessment.application.lead_organisation.name,
                *(partner.organisation.name for partner in partners),
            ],
        }
        return TemplateResponse(request, "admin/funding/assessment/declare.html", context)

    def score_view(self, request: HttpRequest, assessment_id: int) -> HttpResponse:
        """Show the application's answers beside a score and a justification per criterion;
        save a draft or submit. Read-only once submitted, and for fund managers reading
        someone else's."""
        assessment = self._assessment(request, assessment_id)
        own = self._is_own(request, assessment)
        if own:
            if assessment.status == AssessmentStatus.CONFLICTED:
                raise PermissionDenied
            if assessment.status == AssessmentStatus.ASSIGNED:
                return HttpResponseRedirect(declare_url(assessment))
        elif not (sees_all(request) and request.user.has_perm("funding.view_assessment")):
            raise PermissionDenied
        editable = own and assessment.status == AssessmentStatus.SCORING
        sheet = sheet_selectors.scoring_sheet(assessment=assessment)
        criteria = [line.criterion for line in sheet.lines]
        submitting = "_submit" in request.POST
        initial: dict[str, object] = {}
        for line in sheet.lines:
            initial[f"score_{line.criterion.pk}"] = line.score
            initial[f"justification_{line.criterion.pk}"] = line.justification
        data = posted(request)
        if data is not None and not editable:
            self.message_user(
                request,
                "Nothing was saved: this assessment is submitted, so it can no longer change."
                if assessment.status == AssessmentStatus.SUBMITTED
                else "Nothing was saved: only the assessor it is assigned to can score it.",
                messages.ERROR,
            )
            return HttpResponseRedirect(score_url(assessment))
        form = ScoringForm(data, criteria=criteria, submitting=submitting, initial=initial)
        if data is not None and form.is_valid():
            response = self._score_save(request, assessment, form, submitting=submitting)
            if response is not None:
                return response
        application = (
            Application.objects.select_related("round", "lead_organisation")
            .prefetch_related("partners__organisation", "budget_lines")
            .get(pk=assessment.application_id)
        )
        context = {
            **self._page(request, assessment, f"Assess {application.reference}"),
            "answers": application_answers(application=application),
            "sheet": sheet,
            "rows": form.rows(),
            "form": form,
            "editable": editable,
            "is_submitted": assessment.status == AssessmentStatus.SUBMITTED,
            "weighted": selectors.score_display(sheet.weighted),
            "is_partial": not sheet.is_complete,
            "assessor": assessor_name(assessment),
            "application_url": reverse(APPLICATION_CHANGE, args=[application.pk]),
            "crumbs": [
                (
                    reverse("admin:funding_assessment_change", args=[assessment.pk]),
                    f"{application.reference} by {assessor_name(assessment)}",
                )
            ],
        }
        return TemplateResponse(request, "admin/funding/assessment/score.html", context)

    def _score_save(
        self, request: HttpRequest, assessment: Assessment, form: ScoringForm, *, submitting: bool
    ) -> HttpResponse | None:
        staff = request_staff_user(request)
        try:
            scoring_services.assessment_scores_save(
                assessment=assessment, scores=form.values(), saved_by=staff
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return None
        if not submitting:
            self.message_user(request, "Your draft scores are saved.", messages.SUCCESS)
            return HttpResponseRedirect(score_url(assessment))
        try:
            scoring_services.assessment_submit(assessment=assessment, submitted_by=staff)
        except TransitionNotAllowed as error:
            self.message_user(request, f"Your scores are saved, but {error}", messages.ERROR)
            return HttpResponseRedirect(score_url(assessment))
        except DomainError as error:
            form.add_error(None, f"Your scores are saved as a draft, but not submitted. {error}")
            return None
        self.message_user(
            request,
            f"You submitted your assessment of {assessment.application.reference}. It can no "
            "longer change.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse(ASSESSMENT_CHANGELIST))
