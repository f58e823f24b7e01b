"""The sections of a progress report, each a page saved on its own, as an application's are.

The risks and the links are rows: the saved ones and an empty one; "Add another" saves what
was typed and shows one more row after a redirect, so no page is the answer to a POST. When
two people save one section at once, the second is shown that the first did, keeps what they
typed, and saves again to choose it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.http import require_safe_or_post

from .. import formats
from ..errors import FundingError, RulesNotMet, SectionConflict
from ..forms.reports import (
    ROWS_MAX,
    FinalForm,
    LinksForm,
    MilestonesForm,
    RisksForm,
    RowsForm,
    SpendForm,
    StatusForm,
)
from ..models import ProgressReport, ReportSection
from ..selectors import reporting as selectors
from ..selectors.payments import budget_above_award, spend_warning
from ..selectors.report_content import milestone_field, report_content, spend_field, spent_to_date
from ..selectors.reporting import ReportAccess
from ..services import reports as services
from .common import form_add_problems
from .reports import refused_redirect, report_page_url, team_report

# What each section's page says first.
INTROS = {
    ReportSection.MILESTONES: "Say where each milestone of the project's plan stands at the end "
    "of the period.",
    ReportSection.SPEND: "Give what was spent on each line of the budget in the application: in "
    "this period, and since the project started.",
    ReportSection.STATUS: "Green if the project is on track, amber if it is at risk, red if it "
    "is in trouble. Nobody outside the Local Digital team sees this.",
    ReportSection.RISKS: "The risks and issues the project faces, and what is being done about "
    "each. If there are none, leave the rows empty and save.",
    ReportSection.LINKS: "What the project published in the open this period: code "
    "repositories, blog posts, show-and-tell recordings, user research. Once the report is "
    "accepted, each is listed on the project's public page. If nothing was published, leave "
    "the rows empty and save.",
    ReportSection.FINAL: "The project's story, for other councils. Once the report is accepted "
    "it is published on the project's page.",
}
ADD_LABELS = {ReportSection.RISKS: "Add another risk", ReportSection.LINKS: "Add another link"}


def _initial(report: ProgressReport, section: ReportSection, version: int) -> dict[str, Any]:
    content = report_content(report=report)
    initial: dict[str, Any] = {"version": version}
    if section == ReportSection.MILESTONES:
        for row in content["milestones"]:
            initial[milestone_field(row["id"], "status")] = row["status"]
            initial[milestone_field(row["id"], "note")] = row["note"]
    elif section == ReportSection.SPEND:
        for row in content["spend"]:
            initial[spend_field(row["id"], "in_period")] = row["in_period"]
            initial[spend_field(row["id"], "to_date")] = row["to_date"]
    elif section == ReportSection.STATUS:
        initial.update(
            overall_status=content["overall_status"], status_reason=content["status_reason"]
        )
    elif section == ReportSection.RISKS:
        for number, risk in enumerate(content["risks"], start=1):
            initial[f"risk_{number}_description"] = risk["description"]
            initial[f"risk_{number}_mitigation"] = risk["mitigation"]
        initial["row_count"] = len(content["risks"]) + 1
    elif section == ReportSection.LINKS:
        for number, link in enumerate(content["links"], start=1):
            initial[f"link_{number}_title"] = link["title"]
            initial[f"link_{number}_url"] = link["url"]
            initial[f"link_{number}_type"] = link["output_type"]
        initial["row_count"] = len(content["links"]) + 1
    elif section == ReportSection.FINAL:
        initial.update({name: content[name] for name in ("delivered", "reuse", "lessons")})
    return initial


def _rows_asked(request: HttpRequest, shown: int) -> int:
    """Return how many rows to show: ``shown``, or more when the address asks (``?rows=``,
    after "Add another")."""
    try:
        asked = int(request.GET.get("rows", ""))
    except ValueError:
        return shown
    return max(shown, min(asked, ROWS_MAX))


def _form(
    section: ReportSection, report: ProgressReport, data: QueryDict | None, initial: dict
) -> Any:
    award = report.award
    if section == ReportSection.MILESTONES:
        milestones = selectors.project_milestones(award=award)
        return MilestonesForm(data, initial=initial, milestones=milestones)
    if section == ReportSection.SPEND:
        lines = selectors.project_budget_lines(award=award)
        return SpendForm(data, initial=initial, lines=lines)
    if section in (ReportSection.RISKS, ReportSection.LINKS):
        source = data if data is not None else initial
        try:
            count = int(source.get("row_count") or 1)
        except (TypeError, ValueError):
            count = 1
        if section == ReportSection.RISKS:
            return RisksForm(data, initial=initial, row_count=count)
        return LinksForm(data, initial=initial, row_count=count)
    if section == ReportSection.STATUS:
        return StatusForm(data, initial=initial)
    return FinalForm(data, initial=initial)


def _save(section: ReportSection, form: Any, report: ProgressReport, user: Any) -> None:
    common = {"report": report, "version": form.cleaned_data["version"], "saved_by": user}
    if section == ReportSection.MILESTONES:
        services.report_milestones_save(milestones=form.values(), **common)
    elif section == ReportSection.SPEND:
        services.report_spend_save(spend=form.values(), **common)
    elif section == ReportSection.STATUS:
        services.report_status_save(
            overall_status=form.cleaned_data["overall_status"],
            reason=form.cleaned_data["status_reason"],
            **common,
        )
    elif section == ReportSection.RISKS:
        services.report_risks_save(risks=form.values(), **common)
    elif section == ReportSection.LINKS:
        services.report_links_save(links=form.values(), **common)
    else:
        services.report_final_save(
            delivered=form.cleaned_data["delivered"],
            reuse=form.cleaned_data["reuse"],
            lessons=form.cleaned_data["lessons"],
            **common,
        )


@require_safe_or_post
@team_report
def project_report_section(
    request: AuthenticatedHttpRequest, access: ReportAccess, section: str
) -> HttpResponse:
    """One section of a report (members of the lead organisation, while it is open to
    them)."""
    report = access.report
    try:
        key = ReportSection(section)
    except ValueError:
        raise Http404("No such section.") from None
    if key == ReportSection.FINAL and not report.is_final:
        raise Http404("Only the final report has this section.")
    if not access.can_edit:
        return refused_redirect(request, access)
    version, saved_by, saved_at = selectors.report_section_state(report=report, section=key.value)
    initial = _initial(report, key, version)
    data = request.POST.copy() if request.method == "POST" else None
    adding = data is not None and "add_row" in data and key in ADD_LABELS
    if data is None and "row_count" in initial:
        initial["row_count"] = _rows_asked(request, initial["row_count"])
    form = _form(key, report, data, initial)
    conflict: SectionConflict | None = None
    if data is not None and form.is_valid():
        try:
            _save(key, form, report, request.user)
        except RulesNotMet as refused:
            form_add_problems(form, refused.problems)
        except SectionConflict as found:
            conflict = found
            # Keep every answer typed; saving again now chooses these over theirs.
            data["version"] = str(found.version)
            form = _form(key, report, data, initial)
            form.is_valid()
        except FundingError as error:
            messages.error(request, str(error))
            return redirect(report_page_url(access))
        else:
            if adding and isinstance(form, RowsForm):
                url = selectors.report_section_url(report, key.value)
                return redirect(f"{url}?{urlencode({'rows': form.rows_shown + 1})}")
            messages.success(request, f"“{key.label}” has been saved.")
            return redirect(report_page_url(access))
    content = report_content(report=report) if key == ReportSection.SPEND else None
    return render(
        request,
        "funding/report/section.html",
        {
            "access": access,
            "report": report,
            "team": access.team,
            "section": key,
            "title": key.label,
            "intro": INTROS[key],
            "form": form,
            "add_label": ADD_LABELS.get(key, "")
            if not isinstance(form, RowsForm) or form.rows_shown < ROWS_MAX
            else "",
            "no_questions": not form.fields.keys() - {"version"},
            "last_saved_by": saved_by if conflict is None else "",
            "last_saved_at": saved_at,
            "conflict": conflict,
            "conflict_saved_at": formats.date_and_time(conflict.saved_at)
            if conflict is not None and conflict.saved_at is not None
            else "",
            "warning": spend_warning(award=access.team.award, spent_to_date=spent_to_date(content))
            if content is not None
            else "",
            "budget_note": budget_above_award(
                award=access.team.award,
                budget=[Decimal(row["budget"]) for row in content["spend"]],
            )
            if content is not None
            else "",
            "back_url": report_page_url(access),
        },
    )
