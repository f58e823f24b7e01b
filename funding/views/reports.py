"""Pages for a funded project's team about its progress reports: the schedule with the
payments, each report (its task list for those who write it, its answers for those who read
it, and the Fund's comments), checking and submitting it, and each version submitted.

Members of the lead organisation write and submit reports; members of the partner
organisations read them; anyone else is told the page does not exist. Every form that
succeeds redirects, and domain errors become GOV.UK error messages, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.http import require_safe_or_post

from .. import formats
from ..errors import FundingError, RulesNotMet
from ..models import ReportStatus
from ..selectors import reporting as selectors
from ..selectors.payments import spend_warning
from ..selectors.report_content import (
    report_answers,
    report_content,
    report_problems,
    sections_of,
    spent_to_date,
)
from ..selectors.reporting import ReportAccess
from ..services import reports as services
from .common import problem_links

ReportView = Callable[..., HttpResponse]


def team_report(view: ReportView) -> Callable[..., HttpResponse]:
    """Give the view the report named by the URL, if the signed-in person is on the
    project's team; else 404."""

    @wraps(view)
    def wrapped(
        request: AuthenticatedHttpRequest, slug: str, key: str, **kwargs: Any
    ) -> HttpResponse:
        access = selectors.report_for_team_get(slug=slug, key=key, user=request.user)
        if access is None:
            raise Http404("No such report.")
        return view(request, access, **kwargs)

    return login_required(wrapped)


def report_page_url(access: ReportAccess, name: str = "funding:project-report") -> str:
    return reverse(name, args=[access.team.slug, access.report.key])


def section_urls(access: ReportAccess) -> dict[str, str]:
    return {
        section.value: selectors.report_section_url(access.report, section.value)
        for section in sections_of(access.report)
    }


def refused_redirect(request: AuthenticatedHttpRequest, access: ReportAccess) -> HttpResponse:
    """Send someone who may not change the report now to its page, which says why; when
    they sent a form, say too that it was not saved (and why), once."""
    if request.method != "POST":
        return redirect(report_page_url(access))
    if not access.is_lead_member:
        lead = access.team.award.application.lead_organisation.name
        messages.error(
            request,
            f"Your answers were not saved. Only members of {lead} write and submit the "
            "project's reports.",
        )
    else:
        messages.error(request, f"Your answers were not saved. {access.refusal}")
    return redirect(report_page_url(access))


def _context(access: ReportAccess, **extra: Any) -> dict[str, Any]:
    report = access.report
    return {
        "access": access,
        "report": report,
        "team": access.team,
        "lead_name": access.team.award.application.lead_organisation.name,
        "period": selectors.report_period(report),
        "due": formats.date_and_time(report.due_at),
        "reports_url": reverse("funding:project-reports", args=[access.team.slug]),
        "report_url": report_page_url(access),
        **extra,
    }


@login_required
@require_safe
def project_reports(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The project's reporting schedule, each report's state, and its payments."""
    found = selectors.project_reports_get(slug=slug, user=request.user)
    if found is None:
        raise Http404("No such funded project.")
    return render(
        request,
        "funding/report/list.html",
        {
            "project": found,
            "team": found.team,
            "lead_name": found.team.award.application.lead_organisation.name,
        },
    )


@require_safe
@team_report
def project_report(request: AuthenticatedHttpRequest, access: ReportAccess) -> HttpResponse:
    """A report: its task list for the lead organisation's members while they may change
    it; otherwise what it says (as last submitted, once it has been). The Fund's comments,
    and every version submitted, are listed."""
    report = access.report
    versions = selectors.report_versions(report=report)
    content = report_content(report=report)
    shown = content
    if not access.can_edit and report.was_submitted:
        latest = selectors.report_version_get(report=report, number=versions[0].number)
        shown = latest.content if latest is not None else content
    return render(
        request,
        "funding/report/detail.html",
        _context(
            access,
            tasks=selectors.report_tasks(report=report, content=content) if access.can_edit else [],
            answers=[] if access.can_edit else report_answers(shown),
            versions=versions,
            returned=versions[0] if versions and report.status == ReportStatus.RETURNED else None,
            warning=spend_warning(award=access.team.award, spent_to_date=spent_to_date(shown)),
        ),
    )


@require_safe_or_post
@team_report
def project_report_check(request: AuthenticatedHttpRequest, access: ReportAccess) -> HttpResponse:
    """Check every answer, then submit the report (a member of the lead organisation)."""
    if not access.can_edit:
        return refused_redirect(request, access)
    report = access.report
    content = report_content(report=report)
    if request.method == "POST":
        try:
            services.report_submit(report=report, submitted_by=request.user)
        except RulesNotMet as refused:
            problems = refused.problems
        except FundingError as error:
            messages.error(request, str(error))
            return redirect(report_page_url(access))
        else:
            return redirect(report_page_url(access, "funding:project-report-confirmation"))
    else:
        problems = report_problems(content)
    return render(
        request,
        "funding/report/check.html",
        _context(
            access,
            answers=report_answers(content, urls=section_urls(access)),
            problems=problem_links(problems, section_urls=section_urls(access)),
            warning=spend_warning(award=access.team.award, spent_to_date=spent_to_date(content)),
        ),
    )


@require_safe
@team_report
def project_report_confirmation(
    request: AuthenticatedHttpRequest, access: ReportAccess
) -> HttpResponse:
    """Say that the report was sent to the Fund, and what happens next."""
    if not access.report.is_in_review:
        return redirect(report_page_url(access))
    return render(request, "funding/report/confirmation.html", _context(access))


@require_safe
@team_report
def project_report_version(
    request: AuthenticatedHttpRequest, access: ReportAccess, number: int
) -> HttpResponse:
    """One version of the report as it was submitted, with the Fund's review of it."""
    version = selectors.report_version_get(report=access.report, number=number)
    if version is None:
        raise Http404("No such version.")
    row = next(
        row for row in selectors.report_versions(report=access.report) if row.number == number
    )
    return render(
        request,
        "funding/report/version.html",
        _context(access, version=row, answers=report_answers(version.content)),
    )
