"""Staff screens for assessors: their list of assessments with due dates, each one's page,
and the pages to declare a conflict of interest and to score.

An assessor sees only their own assessments, and only the applications of those they have
not declared a conflict with; anyone else's is refused (403), by list, by address or by
the scoring page. Fund managers and superusers see every assessment, and read any
assessor's scores; only the assessor it is assigned to scores it. Assigning assessors and
moderating are on the applications' screens (``moderation.py``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from funding.selectors import assessment_sheets as sheet_selectors
from funding.services import assessment_scoring as scoring_services
from localdigital.accounts.requests import request_staff_user
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post

from .. import formats
from ..errors import TransitionNotAllowed
from ..models import Application, Assessment, AssessmentStatus, CriterionScore
from ..selectors import assessment as selectors
from ..selectors.applications import application_answers
from .common import ReadOnlyInline
from .filters import AssessmentDueFilter, AssessorFilter
from .forms.assessment import ConflictForm, ScoringForm
from .roles import sees_all

APPLICATION_CHANGE = "admin:funding_application_change"
ASSESSMENT_CHANGELIST = "admin:funding_assessment_changelist"
ASSESSMENT_FIELDS = (
    "application_link",
    "round_name",
    "assessor",
    "status",
    "due_on",
    "assigned_at",
    "assigned_by",
    "conflict_declared_at",
    "conflict_note",
    "submitted_at",
    "weighted_display",
)


def assessor_name(assessment: Assessment) -> str:
    return assessment.assessor.full_name or assessment.assessor.email


def declare_url(assessment: Assessment) -> str:
    return reverse("admin:funding_assessment_declare", args=[assessment.pk])


def score_url(assessment: Assessment) -> str:
    return reverse("admin:funding_assessment_score", args=[assessment.pk])


def next_step(assessment_id: int, status: str) -> tuple[str, str]:
    """Return the assessor's next step on an assessment: (label, address), or ("", "")
    once they have declared a conflict."""
    if status == AssessmentStatus.ASSIGNED:
        return (
            "Declare a conflict of interest, or none",
            reverse("admin:funding_assessment_declare", args=[assessment_id]),
        )
    if status == AssessmentStatus.SCORING:
        return "Score", reverse("admin:funding_assessment_score", args=[assessment_id])
    if status == AssessmentStatus.SUBMITTED:
        return "Read your scores", reverse("admin:funding_assessment_score", args=[assessment_id])
    return "", ""


# The assessor's list and pages


class CriterionScoreInline(ReadOnlyInline):
    model = CriterionScore
    fields = ["criterion", "score", "justification"]
    related = ("criterion",)
    verbose_name = "score"
    verbose_name_plural = "scores"


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Assessments: an assessor's own, with their due dates, and every one for fund managers.

    Nobody adds, changes or deletes one here: fund managers assign assessors from the list
    of applications, and assessors declare conflicts and score on the pages their list
    links to.
    """

    search_fields = ["application__reference", "application__title"]
    search_help_text = "Search by the application's reference or title."
    ordering = ["due_on", "pk"]
    inlines = [CriterionScoreInline]
    fields = ASSESSMENT_FIELDS
    readonly_fields = ASSESSMENT_FIELDS

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:assessment_id>/declare/",
                self.admin_site.admin_view(require_safe_or_post(self.declare_view)),
                name="funding_assessment_declare",
            ),
            path(
                "<int:assessment_id>/score/",
                self.admin_site.admin_view(require_safe_or_post(self.score_view)),
                name="funding_assessment_score",
            ),
            *super().get_urls(),
        ]

    def _all(self) -> QuerySet[Assessment]:
        return selectors.assessments_with_scores(
            Assessment.objects.select_related(
                "application__round", "application__lead_organisation", "assessor", "assigned_by"
            )
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assessment]:
        queryset = self._all()
        if not sees_all(request):
            queryset = queryset.filter(assessor_id=request.user.pk)
        return queryset

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Assessment | None:
        # Looked for among them all, so that someone else's is refused rather than missing.
        try:
            return self._all().get(pk=int(object_id))
        except (Assessment.DoesNotExist, ValueError):
            return None

    def get_list_filter(self, request: HttpRequest) -> Any:
        if sees_all(request):
            return ["status", AssessmentDueFilter, AssessorFilter, "application__round"]
        return ["status", AssessmentDueFilter, "application__round"]

    def get_list_display(self, request: HttpRequest) -> Any:
        if sees_all(request):
            return [
                "application_reference",
                "application_title",
                "round_name",
                "assessor_display",
                "status_display",
                "due_on",
                "weighted_display",
                "submitted_at",
            ]
        return [
            "application_reference",
            "application_title",
            "round_name",
            "status_display",
            "due_on",
            "weighted_display",
            "next_step_link",
        ]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or sees_all(request) or obj.assessor_id == request.user.pk

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Columns and fields

    @admin.display(description="application", ordering="application__reference")
    def application_reference(self, assessment: Assessment) -> str:
        return assessment.application.reference

    @admin.display(description="title", ordering="application__title")
    def application_title(self, assessment: Assessment) -> str:
        return assessment.application.title or "Untitled"

    @admin.display(description="round", ordering="application__round__number")
    def round_name(self, assessment: Assessment) -> str:
        return assessment.application.round.name

    @admin.display(description="assessor", ordering="assessor__email")
    def assessor_display(self, assessment: Assessment) -> str:
        return assessor_name(assessment)

    @admin.display(description="status", ordering="status")
    def status_display(self, assessment: Assessment) -> SafeString | str:
        label = assessment.get_status_display()
        if assessment.status == AssessmentStatus.CONFLICTED:
            return format_html("<strong>{}</strong>", label)
        return label

    @admin.display(description="weighted score (of 100)", ordering="weighted")
    def weighted_display(self, assessment: Assessment) -> str:
        return selectors.score_display(getattr(assessment, "weighted", None))

    @admin.display(description="next step")
    def next_step_link(self, assessment: Assessment) -> SafeString | str:
        label, url = next_step(assessment.pk, assessment.status)
        if not url:
            return "None: you declared a conflict"
        return format_html(
            '<a href="{}" aria-label="{}: {}">{}</a>',
            url,
            label,
            assessment.application.reference,
            label,
        )

    @admin.display(description="application")
    def application_link(self, assessment: Assessment) -> SafeString:
        application = assessment.application
        return format_html(
            '<a href="{}">{}: {}</a>',
            reverse(APPLICATION_CHANGE, args=[application.pk]),
            application.reference,
            application.title or "Untitled",
        )

    @admin.display(description="application")
    def application_text(self, assessment: Assessment) -> str:
        application = assessment.application
        return f"{application.reference}: {application.title or 'Untitled'}"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A conflict takes the assessor's access to the application away: no link to it.
        if obj is not None and obj.status == AssessmentStatus.CONFLICTED and not sees_all(request):
            return ["application_text", *ASSESSMENT_FIELDS[1:]]
        return list(ASSESSMENT_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        assessment = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if assessment is not None and assessment.assessor_id == request.user.pk:
            label, url = next_step(assessment.pk, assessment.status)
            extra_context.update(step_label=label, step_url=url)
        elif assessment is not None and sees_all(request):
            extra_context.update(step_label="Read the scores", step_url=score_url(assessment))
        return super().change_view(request, object_id, form_url, extra_context)

    # The assessor's pages

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
            "due": formats.day_of(assessment.due_on),
            "assessment_url": reverse("admin:funding_assessment_change", args=[assessment.pk]),
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
        form = ConflictForm(request.POST if request.method == "POST" else None)
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
        data = request.POST if request.method == "POST" else None
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
