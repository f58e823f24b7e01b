"""Pages for a funded project's team about changes to the project: the changes asked for
and the Fund's decisions (the project's history of changes), and the forms that ask for a
new end date, money moved between budget lines or a milestone changed.

Members of the lead organisation ask; members of the partner organisations read; anyone
else is told the page does not exist. Every form that succeeds redirects, and the services'
refusals become GOV.UK error messages beside the answers.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from ..errors import MoveExceedsLine
from ..forms.changes import BudgetChangeForm, EndDateChangeForm, MilestoneChangeForm
from ..models import ChangeKind
from ..selectors.changes import ProjectChanges, project_changes_get
from ..services import changes as services

# What each kind of change asks, and the answer a refusal of it is shown beside.
KINDS: dict[str, tuple[str, str]] = {
    "end-date": (ChangeKind.END_DATE, "new_end_on"),
    "budget": (ChangeKind.BUDGET, "amount"),
    "milestone": (ChangeKind.MILESTONE, "milestone"),
}
TITLES: dict[str, str] = {
    ChangeKind.END_DATE: "Ask to change the end date",
    ChangeKind.BUDGET: "Ask to move money between budget lines",
    ChangeKind.MILESTONE: "Ask to change a milestone",
}


def _changes_or_404(request: AuthenticatedHttpRequest, slug: str) -> ProjectChanges:
    found = project_changes_get(slug=slug, user=request.user)
    if found is None:
        raise Http404("No such funded project.")
    return found


@login_required
@require_safe
def project_changes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The changes asked for the project and the Fund's decision on each."""
    found = _changes_or_404(request, slug)
    return render(
        request,
        "funding/change/list.html",
        {
            "project": found,
            "team": found.team,
            "lead_name": found.team.award.application.lead_organisation.name,
            "kinds": [
                (slug, TITLES[kind])
                for slug, (kind, _) in KINDS.items()
                if kind != ChangeKind.BUDGET or len(found.budget_lines) > 1
                if kind != ChangeKind.MILESTONE or found.milestones
            ],
        },
    )


def _form(kind: str, found: ProjectChanges, data: object) -> forms.Form:
    if kind == ChangeKind.BUDGET:
        return BudgetChangeForm(data, lines=found.budget_lines)
    if kind == ChangeKind.MILESTONE:
        return MilestoneChangeForm(data, milestones=found.milestones)
    return EndDateChangeForm(data)


@login_required
@require_safe_or_post
def project_change_new(request: AuthenticatedHttpRequest, slug: str, kind: str) -> HttpResponse:
    """Ask the Fund for one change to the project, with the reason (the lead's members)."""
    found = _changes_or_404(request, slug)
    if kind not in KINDS:
        raise Http404("No such kind of change.")
    change_kind, field = KINDS[kind]
    list_url = "funding:project-changes"
    if not found.is_lead_member:
        lead = found.team.award.application.lead_organisation.name
        messages.error(request, f"Only members of {lead} ask for changes to the project.")
        return redirect(list_url, slug=found.team.slug)
    if not found.is_open:
        messages.error(request, "The project is not running, so it takes no change requests.")
        return redirect(list_url, slug=found.team.slug)
    form = _form(change_kind, found, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_request_make(
                award=found.team.award,
                kind=change_kind,
                reason=data["reason"],
                requested_by=request.user,
                new_end_on=data.get("new_end_on"),
                from_line=data.get("from_line"),
                to_line=data.get("to_line"),
                amount=data.get("amount"),
                milestone=data.get("milestone"),
                milestone_title=data.get("milestone_title") or "",
                milestone_planned_on=data.get("milestone_planned_on"),
            )
        except MoveExceedsLine as error:
            form.add_error(field, str(error))
        except DomainError as error:
            form.add_error(field if change_kind == ChangeKind.END_DATE else None, str(error))
        else:
            messages.success(
                request, "Your change request has been sent. The Local Digital team will decide."
            )
            return redirect(list_url, slug=found.team.slug)
    return render(
        request,
        "funding/change/new.html",
        {"form": form, "team": found.team, "title": TITLES[change_kind]},
    )
