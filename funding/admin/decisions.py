"""Staff screens for recommendations and decisions: a round's ranking (and its CSV), the
recommendation and the decision on each application, and the record of the Minister's
approval of a round's decisions.

Only fund managers (and superusers) reach these: an assessor has none of the permissions
they need. Whatever the services refuse (an amount above the amount requested or the phase's
cap, a rejection without feedback, a change after approval) is shown as a form error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_safe

from funding.selectors import assessment_sheets as sheet_selectors
from funding.services import assessment_moderation as moderation_services
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    action_form_page,
    confirmed_data,
    object_action_url,
    run_each,
    service_error_show,
)
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post
from localdigital.open_data import csv_response

from .. import formats
from ..models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionOutcome,
    Phase,
    PhaseCap,
    Round,
)
from ..selectors import assessment as selectors
from ..selectors import awards as award_selectors
from ..selectors.ranking import RANKING_COLUMNS, round_ranking_csv_rows
from ..services import decisions as services
from .forms.decisions import ApproveForm, DecisionForm, RecommendForm

APPLICATION_CHANGE = "admin:funding_application_change"
ROUND_CHANGE = "admin:funding_round_change"


def _application(application_id: int) -> Application:
    application = (
        Application.objects.select_related("round", "lead_organisation")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application


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

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("funding.change_decision")

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:application_id>/recommend/",
                self.admin_site.admin_view(require_safe_or_post(self.recommend_view)),
                name="funding_application_recommend",
            ),
            path(
                "<int:application_id>/decide/",
                self.admin_site.admin_view(require_safe_or_post(self.decide_view)),
                name="funding_application_decide",
            ),
            *super().get_urls(),
        ]

    def _decision_page(
        self, request: HttpRequest, application: Application, title: str
    ) -> dict[str, Any]:
        decision = selectors.application_decision(application=application)
        sheet = sheet_selectors.moderation_sheet(application=application)
        round = application.round
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "application": application,
            "application_url": reverse(APPLICATION_CHANGE, args=[application.pk]),
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
        if not self.has_decide_permission(request):
            raise PermissionDenied
        application = _application(application_id)
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
        form = RecommendForm(request.POST if request.method == "POST" else None, initial=initial)
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
        if not self.has_decide_permission(request):
            raise PermissionDenied
        application = _application(application_id)
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
        form = DecisionForm(request.POST if request.method == "POST" else None, initial=initial)
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


class RoundDecisionsMixin(admin.ModelAdmin):
    """What the round admin does for decisions: the ranking, its CSV, the record of the
    Minister's approval, and the lock it puts on the announcement time."""

    def has_rank_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("funding.view_decision")

    def has_approve_decisions_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("funding.change_decision") and request.user.has_perm(
            "funding.change_round"
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:round_id>/ranking/",
                self.admin_site.admin_view(require_safe(self.ranking_view)),
                name="funding_round_ranking",
            ),
            path(
                "<int:round_id>/ranking.csv",
                self.admin_site.admin_view(require_safe(self.ranking_csv_view)),
                name="funding_round_ranking_csv",
            ),
            *super().get_urls(),
        ]

    def _round(self, request: HttpRequest, round_id: int) -> Round:
        if not self.has_rank_permission(request):
            raise PermissionDenied
        round = Round.objects.filter(pk=round_id).first()
        if round is None:
            raise Http404
        return round

    def ranking_view(self, request: HttpRequest, round_id: int) -> HttpResponse:
        """Rank the round's submitted applications by weighted moderated score, those not
        moderated yet after them by the mean of their assessors' weighted scores, with the
        amounts requested and recommended and a running total against the budget."""
        round = self._round(request, round_id)
        ranking = selectors.round_ranking(round=round)
        can_recommend = (
            request.user.has_perm("funding.change_decision") and round.decisions_approved_at is None
        )
        rows = [
            {
                "row": row,
                "requested": formats.money(row.requested_amount) or "-",
                "moderated": selectors.score_display(row.moderated),
                "mean": selectors.score_display(row.assessors_mean),
                "recommended": formats.money(row.recommended_amount),
                "running_total": formats.money(row.running_total),
                "award": formats.money(row.award_amount),
                "phase": Phase(row.phase).label if row.phase else "-",
                "url": reverse(APPLICATION_CHANGE, args=[row.application_id]),
                "recommend_url": reverse(
                    "admin:funding_application_recommend", args=[row.application_id]
                ),
                "decide_url": reverse(
                    "admin:funding_application_decide", args=[row.application_id]
                ),
            }
            for row in ranking.rows
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Ranking: {round.name}",
            "round": round,
            "round_url": reverse(ROUND_CHANGE, args=[round.pk]),
            "csv_url": reverse("admin:funding_round_ranking_csv", args=[round.pk]),
            "rows": rows,
            "budget": formats.money(round.budget),
            "recommended_total": formats.money(ranking.recommended_total),
            "remaining": formats.money(abs(ranking.remaining)),
            "is_over_budget": ranking.remaining < 0,
            "moderated_count": ranking.moderated_count,
            "can_recommend": can_recommend,
            "is_locked": round.decisions_approved_at is not None,
        }
        return TemplateResponse(request, "admin/funding/round/ranking.html", context)

    def ranking_csv_view(self, request: HttpRequest, round_id: int) -> StreamingHttpResponse:
        round = self._round(request, round_id)
        return csv_response(
            RANKING_COLUMNS,
            round_ranking_csv_rows(round=round),
            name=f"{round.slug}-ranking",
            dated=True,
        )

    @admin.action(
        description="Record ministerial approval of the decisions…",
        permissions=["approve_decisions"],
    )
    def approve_decisions(self, request: HttpRequest, queryset: QuerySet[Round]) -> Any:
        """Ask staff to confirm, then record the Minister's approval of each round's
        decisions: they, and the announcement time, are locked from then on."""
        rounds = list(queryset.order_by("number"))
        form = ApproveForm(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="approve_decisions",
                title="Record ministerial approval of the decisions",
                intro=(
                    "Record this only once the Minister has approved the decisions. Every "
                    "submitted application needs a decision, and the round an announcement "
                    "time."
                ),
                submit="Record the approval",
                form=form,
                objects=[(round.pk, self._approval_described(round)) for round in rounds],
            )
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            rounds,
            lambda round: services.round_decisions_approve(round=round, approved_by=staff),
            label=lambda round: round.name,
            done=(
                "Recorded the Minister's approval of the decisions of {}. They are announced "
                "at the announcement time."
            ),
            refused="Not approved:",
        )
        return None

    @staticmethod
    def _approval_described(round: Round) -> str:
        counts = selectors.round_decision_counts(round=round)
        announced = (
            formats.date_and_time(round.decisions_announced_at)
            if round.decisions_announced_at
            else "no announcement time set"
        )
        return (
            f"{round.name}: {counts['decided']} of {counts['submitted']} submitted applications "
            f"decided ({counts['approved']} approved, {counts['rejected']} rejected); "
            f"announced {announced}"
        )

    def round_decisions_context(self, request: HttpRequest, round: Round) -> dict[str, Any]:
        """Return what the round's page shows of its decisions, with its buttons."""
        if not self.has_rank_permission(request):
            return {}
        counts = selectors.round_decision_counts(round=round)
        totals = award_selectors.round_award_totals(round=round)
        return {
            "decision_counts": counts,
            "award_totals": totals,
            "awarded": formats.money(totals.awarded),
            "declined": formats.money(totals.declined),
            "unallocated": formats.money(abs(totals.unallocated)),
            "budget": formats.money(totals.budget),
            "ranking_url": reverse("admin:funding_round_ranking", args=[round.pk]),
            "can_approve": (
                round.decisions_approved_at is None
                and self.has_approve_decisions_permission(request)
            ),
            "approve_url": object_action_url(round, "approve_decisions"),
        }
