"""The training report in the admin: per cohort and per organisation, how many people are
enrolled, waiting, attended, completed, attended only some sessions and did not attend,
with both tables as CSV. It holds no names and no needs, only counts."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse

from localdigital.admin_pages import admin_page
from localdigital.open_data import csv_response

from .. import formats
from ..selectors import (
    COHORT_REPORT_HEADERS,
    ORGANISATION_REPORT_HEADERS,
    cohort_report_rows,
    organisation_report_rows,
)
from ..selectors.reports import REPORT_FIGURES


def can_see_report(request: HttpRequest) -> bool:
    return request.user.has_perm("training.view_cohort") and request.user.has_perm(
        "training.view_enrolment"
    )


class CohortReportMixin(admin.ModelAdmin):
    """What the cohort admin does for the report: its page and its two CSVs."""

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_page(
                self, "report/", self.report_view, "training_cohort_report", allowed=can_see_report
            ),
            admin_page(
                self,
                "report-cohorts.csv",
                self.report_cohorts_csv_view,
                "training_cohort_report_csv",
                allowed=can_see_report,
            ),
            admin_page(
                self,
                "report-organisations.csv",
                self.report_organisations_csv_view,
                "training_cohort_report_organisations_csv",
                allowed=can_see_report,
            ),
            *super().get_urls(),
        ]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        """Show the report: each cohort, soonest first, then each organisation by name."""
        cohorts = [
            {
                "row": row,
                "url": reverse("admin:training_cohort_change", args=[row.cohort_id]),
                "first": formats.date_and_time(row.first_starts_at) if row.first_starts_at else "",
            }
            for row in cohort_report_rows()
        ]
        organisations = organisation_report_rows()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Training report",
            "crumbs": [],
            "cohorts": cohorts,
            "organisations": organisations,
            "totals": {
                name: sum(getattr(item["row"], name) for item in cohorts) for name in REPORT_FIGURES
            },
            "cohorts_csv_url": reverse("admin:training_cohort_report_csv"),
            "organisations_csv_url": reverse("admin:training_cohort_report_organisations_csv"),
        }
        return TemplateResponse(request, "admin/training/cohort/report.html", context)

    def report_cohorts_csv_view(self, request: HttpRequest) -> StreamingHttpResponse:
        rows = [row.csv_row() for row in cohort_report_rows()]
        return csv_response(COHORT_REPORT_HEADERS, rows, name="training-cohorts", dated=True)

    def report_organisations_csv_view(self, request: HttpRequest) -> StreamingHttpResponse:
        rows = [row.csv_row() for row in organisation_report_rows()]
        return csv_response(
            ORGANISATION_REPORT_HEADERS, rows, name="training-organisations", dated=True
        )
