"""Staff screens for the recommendation and the decision on each application (the round's
ranking and the Minister's approval are in ``decisions_round``).

Only fund managers (and superusers) reach these: an assessor has none of the permissions
they need. Whatever the services refuse (an amount above the amount requested or the phase's
cap, a rejection without feedback, a change after approval) is shown as a form error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse

from funding.selectors import assessment_sheets as sheet_selectors
from funding.services import assessment_moderation as moderation_services
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import service_error_show
from localdigital.admin_pages import admin_form_page, permission_check
from localdigital.errors import DomainError
from localdigital.forms import posted

from .. import formats
from ..models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionOutcome,
    Phase,
    PhaseCap,
)
from ..selectors import assessment as selectors
from ..selectors.staff import application_for_staff_get
from ..services import decisions as services
from .forms.decisions import DecisionForm, RecommendForm

APPLICATION_CHANGE = "admin:funding_application_change"
ROUND_CHANGE = "admin:funding_round_change"


def _phase_cap(application: Application) -> str:
    if not application.phase:
        return "No phase given"
    cap = PhaseCap.objects.filter(round=application.round, phase=application.phase).first()
    phase = Phase(application.phase).label
    if cap is None or cap.max_award is None:
        return f"{phase}: no cap"
    return f"{phase}: up to {formats.money(cap.max_award)}"


class ApplicationDecisionMixin(admin.ModelAdmin):
    """What the application admin does for decisions: the recommendation and decision pages."""

    def get_urls(self) -> list[URLPattern]:
        may_decide = permission_check("funding.change_decision")
        return [
            admin_form_page(
                self,
                "<int:application_id>/recommend/",
                self.recommend_view,
                "funding_application_recommend",
                allowed=may_decide,
            ),
            admin_form_page(
                self,
                "<int:application_id>/decide/",
                self.decide_view,
                "funding_application_decide",
                allowed=may_decide,
            ),
            *super().get_urls(),
        ]

    def _decision_page(
        self, request: HttpRequest, application: Application, title: str
    ) -> dict[str, Any]:
        decision = selectors.application_decision(application=application)
        sheet = sheet_selectors.moderation_sheet(application=application)
        round = application.round
        application_url = reverse(APPLICATION_CHANGE, args=[application.pk])
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "application": application,
            "application_url": application_url,
            "crumbs": [(application_url, application.reference)],
            "ranking_url": reverse("admin:funding_round_ranking", args=[round.pk]),
            "decision": decision,
            "requested": formats.money(application.requested_amount) or "Not given",
            "phase_cap": _phase_cap(application),
            "moderated": selectors.score_display(sheet.moderated_weighted),
            "assessors_scores": ", ".join(
                selectors.score_display(a.weighted)  # type: ignore[attr-defined]
                for a in sheet.assessments
            )
            or "None submitted",
            "recommended_amount": formats.money(decision.recommended_amount) if decision else "",
            "award_amount": formats.money(decision.award_amount) if decision else "",
            "is_locked": round.decisions_approved_at is not None,
            "is_submitted": application.status == ApplicationStatus.SUBMITTED,
        }

    def recommend_view(self, request: HttpRequest, application_id: int) -> HttpResponse:
        """Record the fund manager's recommendation from the ranking: fund, fund with
        conditions, or do not fund, with the amount and a note."""
        application = application_for_staff_get(application_id)
        decision = Decision.objects.filter(application=application).first()
        initial: dict[str, Any] = {}
        if decision is not None and decision.recommendation:
            initial = {
                "recommendation": decision.recommendation,
                "recommended_amount": decision.recommended_amount,
                "note": decision.recommendation_note,
            }
        else:
            initial = {"recommended_amount": application.requested_amount}
        form = RecommendForm(posted(request), initial=initial)
        if form.is_valid():
            try:
                services_decision = moderation_services.application_recommend(
                    application=application,
                    recommendation=form.cleaned_data["recommendation"],
                    recommended_amount=form.cleaned_data["recommended_amount"],
                    note=form.cleaned_data["note"],
                    recommended_by=request_staff_user(request),
                )
            except DomainError as error:
                service_error_show(form, error, "recommended_amount")
            else:
                amount = formats.money(services_decision.recommended_amount)
                self.message_user(
                    request,
                    f"Recorded your recommendation for {application.reference}: "
                    f"{services_decision.get_recommendation_display()}"
                    + (f", {amount}" if amount else "")
                    + ".",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:funding_round_ranking", args=[application.round_id])
                    + f"#application-{application.reference}"
                )
        context = {
            **self._decision_page(request, application, f"Recommend: {application.reference}"),
            "form": form,
            "submit": "Save the recommendation",
        }
        return TemplateResponse(request, "admin/funding/application/decision_form.html", context)

    def decide_view(self, request: HttpRequest, application_id: int) -> HttpResponse:
        """Record the decision: approved with the amount awarded and any conditions, or
        rejected with feedback. A draft until the round's decisions are approved."""
        application = application_for_staff_get(application_id)
        decision = Decision.objects.filter(application=application).first()
        initial: dict[str, Any] = {}
        if decision is not None and decision.outcome:
            initial = {
                "outcome": decision.outcome,
                "award_amount": decision.award_amount,
                "conditions": decision.conditions,
                "feedback": decision.feedback,
            }
        elif decision is not None and decision.recommendation:
            funded = decision.recommendation in selectors.FUNDED_RECOMMENDATIONS
            initial = {
                "outcome": DecisionOutcome.APPROVED if funded else DecisionOutcome.REJECTED,
                "award_amount": decision.recommended_amount,
            }
        form = DecisionForm(posted(request), initial=initial)
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            try:
                saved = services.application_decide(
                    application=application,
                    outcome=outcome,
                    award_amount=form.cleaned_data["award_amount"],
                    conditions=form.cleaned_data["conditions"],
                    feedback=form.cleaned_data["feedback"],
                    decided_by=request_staff_user(request),
                )
            except DomainError as error:
                service_error_show(
                    form,
                    error,
                    "award_amount" if outcome == DecisionOutcome.APPROVED else "feedback",
                )
            else:
                amount = formats.money(saved.award_amount)
                self.message_user(
                    request,
                    f"Recorded the decision on {application.reference}: "
                    f"{saved.get_outcome_display().lower()}"
                    + (f", {amount}" if amount else "")
                    + ". It stays a draft until the Minister's approval is recorded, and "
                    "nobody outside staff sees it before the announcement.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse(APPLICATION_CHANGE, args=[application.pk]))
        context = {
            **self._decision_page(request, application, f"Decide: {application.reference}"),
            "form": form,
            "submit": "Save the decision",
        }
        return TemplateResponse(request, "admin/funding/application/decision_form.html", context)


def application_decision_context(request: HttpRequest, application: Application) -> dict:
    """Return what a fund manager's application page shows of the recommendation and
    decision, with links to record them."""
    if not request.user.has_perm("funding.view_decision"):
        return {}
    can_decide = (
        request.user.has_perm("funding.change_decision")
        and application.status == ApplicationStatus.SUBMITTED
        and application.round.decisions_approved_at is None
    )
    decision = selectors.application_decision(application=application)
    return {
        "decision": decision,
        "decision_award_amount": formats.money(decision.award_amount) if decision else "",
        "decision_recommended_amount": (
            formats.money(decision.recommended_amount) if decision else ""
        ),
        "decisions_locked": application.round.decisions_approved_at is not None,
        "recommend_url": (
            reverse("admin:funding_application_recommend", args=[application.pk])
            if can_decide
            else ""
        ),
        "decide_url": (
            reverse("admin:funding_application_decide", args=[application.pk]) if can_decide else ""
        ),
        "ranking_url": reverse("admin:funding_round_ranking", args=[application.round_id]),
    }


# The round's ranking and the Minister's approval
