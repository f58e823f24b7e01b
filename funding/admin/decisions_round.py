"""Staff screens for a round's decisions: its ranking (and its CSV), and the record of the
Minister's approval of the round's decisions, which locks the announcement time."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse

from funding.admin.decisions import APPLICATION_CHANGE, ROUND_CHANGE
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import action_form_page, confirmed_data, object_action_url, run_each
from localdigital.admin_pages import admin_page
from localdigital.open_data import csv_response

from .. import formats
from ..models import (
    Phase,
    Round,
)
from ..selectors import assessment as selectors
from ..selectors import awards as award_selectors
from ..selectors.ranking import RANKING_COLUMNS, round_ranking_csv_rows
from ..services import decisions as services
from .forms.decisions import ApproveForm


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
            admin_page(
                self,
                "<int:round_id>/ranking/",
                self.ranking_view,
                "funding_round_ranking",
                allowed=self.has_rank_permission,
            ),
            admin_page(
                self,
                "<int:round_id>/ranking.csv",
                self.ranking_csv_view,
                "funding_round_ranking_csv",
                allowed=self.has_rank_permission,
            ),
            *super().get_urls(),
        ]

    def _round(self, request: HttpRequest, round_id: int) -> Round:
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
            "crumbs": [(reverse(ROUND_CHANGE, args=[round.pk]), round.name)],
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
