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

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from funding.admin.assessment_pages import (
    APPLICATION_CHANGE,
    AssessorPagesMixin,
    assessor_name,
    score_url,
)
from localdigital.admin_pages import ChangePageMixin, ViewOnlyMixin

from ..models import Assessment, AssessmentStatus, CriterionScore
from ..selectors import assessment as selectors
from .common import ReadOnlyInline
from .filters import AssessmentDueFilter, AssessorFilter
from .roles import sees_all

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
class AssessmentAdmin(AssessorPagesMixin, ChangePageMixin, ViewOnlyMixin, admin.ModelAdmin):
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

    def change_page_context(self, request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
        if assessment.assessor_id == request.user.pk:
            label, url = next_step(assessment.pk, assessment.status)
            return {"step_label": label, "step_url": url}
        if sees_all(request):
            return {"step_label": "Read the scores", "step_url": score_url(assessment)}
        return {}

    # The assessor's pages
