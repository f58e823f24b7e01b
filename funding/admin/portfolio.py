"""The fund managers' portfolio of live projects, on the awards' admin: each project's lead,
round, award, paid to date, next report due, last report's overall status and whether a
report is overdue, riskiest first, filtered by round, status and overdue; and the same as a
CSV file. Both read the rows in one query (``selectors.portfolio``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone

from localdigital.admin_pages import admin_page
from localdigital.open_data import csv_response

from .. import formats
from ..models import AwardStatus
from ..selectors.portfolio import (
    PORTFOLIO_CSV_HEADER,
    STATUSES,
    PortfolioFilters,
    portfolio_awards,
    portfolio_csv_rows,
    portfolio_rounds,
    portfolio_row,
)

PER_PAGE = 100


def filters_from(query: QueryDict) -> PortfolioFilters:
    """Read the filters from the address, ignoring any value that is not one of theirs."""
    round_text = query.get("round", "")
    status = query.get("status", "")
    overdue = query.get("overdue", "")
    return PortfolioFilters(
        round_id=int(round_text) if round_text.isdigit() else None,
        status=status if status in STATUSES else "",
        overdue={"yes": True, "no": False}.get(overdue),
    )


class PortfolioMixin(admin.ModelAdmin):
    """The portfolio's page and its CSV file, for whoever may view awards."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_page(
                self,
                "portfolio/",
                self.portfolio_view,
                "funding_award_portfolio",
                allowed=self.has_view_permission,
            ),
            admin_page(
                self,
                "portfolio.csv",
                self.portfolio_csv_view,
                "funding_award_portfolio_csv",
                allowed=self.has_view_permission,
            ),
            *super().get_urls(),
        ]

    def _awards(self, request: HttpRequest) -> Any:
        return portfolio_awards(filters=filters_from(request.GET), now=timezone.now())

    def portfolio_view(self, request: HttpRequest) -> HttpResponse:
        """The portfolio, riskiest first, a hundred projects a page."""
        page = Paginator(self._awards(request), PER_PAGE).get_page(request.GET.get("page"))
        filters = filters_from(request.GET)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Portfolio of live projects",
            "page": page,
            "rows": [
                {
                    "row": row,
                    "url": reverse("admin:funding_award_change", args=[row.award_id]),
                    "amount": formats.money(row.amount),
                    "paid": formats.money(row.paid),
                    "next_due": formats.date_and_time(row.next_due)
                    if row.next_due
                    else "No report due",
                }
                for row in map(portfolio_row, page.object_list)
            ],
            "rounds": portfolio_rounds(),
            "statuses": [(status, AwardStatus(status).label) for status in STATUSES],
            "filters": filters,
            "query": query.urlencode(),
            "csv_url": reverse("admin:funding_award_portfolio_csv")
            + (f"?{query.urlencode()}" if query else ""),
        }
        return TemplateResponse(request, "admin/funding/award/portfolio.html", context)

    def portfolio_csv_view(self, request: HttpRequest) -> HttpResponseBase:
        """The portfolio as a CSV file, with the same filters and order."""
        awards = self._awards(request)
        return csv_response(
            PORTFOLIO_CSV_HEADER, portfolio_csv_rows(awards), name="portfolio", dated=True
        )
