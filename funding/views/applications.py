"""Pages for writing a full application: starting one, the task list, each section,
partners and their confirmation, the history, checking and submitting, and withdrawing.

Members of the lead and partner organisations edit a draft together; anyone else is told it
does not exist. When two people save one section at once, the second is shown what the
first saved, keeps everything they typed, and decides what to keep: no edit is lost
silently. Domain errors become GOV.UK error messages, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from funding.services import applications_sections as section_services
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post

from .. import formats
from ..errors import RulesNotMet, SectionConflict
from ..forms.applications import (
    BUDGET_LINES_MAX,
    SECTION_FORMS,
    BudgetForm,
    TeamForm,
)
from ..forms.common import NO, YES
from ..models import SECTION_FIELDS, Application, Section
from ..selectors import applications as selectors
from ..selectors import awards as award_selectors
from ..selectors.applications import ApplicationAccess
from .common import (
    form_add_problems,
)

ApplicationView = Callable[..., HttpResponse]
BUDGET_EXTRA_LINES = 2


def member_application(view: ApplicationView) -> Callable[..., HttpResponse]:
    """Give the view the application named by the URL, if the signed-in person may see it;
    else 404."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, reference: str, **kwargs: Any) -> HttpResponse:
        access = selectors.application_for_member_get(reference=reference, user=request.user)
        if access is None:
            raise Http404("No such application.")
        return view(request, access, **kwargs)

    return login_required(wrapped)


def _detail_url(application: Application) -> str:
    return reverse("funding:application-detail", args=[application.reference])


def _section_urls(application: Application) -> dict[str, str]:
    urls = {
        section.value: reverse(
            "funding:application-section", args=[application.reference, section.value]
        )
        for section in Section
    }
    urls["partners"] = reverse("funding:application-partners", args=[application.reference])
    return urls


def _closed_redirect(request: HttpRequest, access: ApplicationAccess) -> HttpResponse:
    """Send someone who can no longer change the application to its page, saying why."""
    application = access.application
    if access.closes_passed and application.is_draft:
        messages.error(
            request,
            f"The deadline for applications to {application.round.name} was "
            f"{formats.date_and_time(application.round.applications_close_at)}. This draft was "
            "not submitted, so it can no longer be changed.",
        )
    return redirect(_detail_url(application))


@require_safe
@member_application
def application_detail(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """The task list: each section's status, the partners' confirmations, what to do next."""
    application = access.application
    tasks = selectors.application_tasks(application=application) if access.can_edit else []
    # Nothing of a decision is read, let alone shown, before the round is announced.
    outcome = award_selectors.application_outcome_get(application=application, user=request.user)
    return render(
        request,
        "funding/application/detail.html",
        {
            "access": access,
            "outcome": outcome,
            "outcome_url": reverse("funding:application-outcome", args=[application.reference])
            if outcome is not None
            else "",
            "application": application,
            "round": application.round,
            "tasks": tasks,
            "completed_count": sum(task.is_completed for task in tasks),
            "closes_at": formats.date_and_time(application.round.applications_close_at),
            "answers": selectors.application_answers(application=application)
            if not access.can_edit
            else [],
        },
    )


def _section_initial(
    application: Application, section: Section, state_version: int, is_completed: bool
) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(application, name) for name in SECTION_FIELDS[section]}
    initial["version"] = state_version
    if state_version > 0:
        initial["completed"] = YES if is_completed else NO
    if section == Section.TEAM:
        for partner in application.partners.all():
            initial[f"role_{partner.pk}"] = partner.role
    if section == Section.BUDGET:
        lines = list(application.budget_lines.all())
        for number, line in enumerate(lines, start=1):
            initial[f"line_{number}_description"] = line.description
            initial[f"line_{number}_amount"] = line.amount
        initial["line_count"] = len(lines) + BUDGET_EXTRA_LINES
    return initial


def _section_form(
    section: Section,
    application: Application,
    data: QueryDict | None,
    initial: dict[str, Any],
) -> Any:
    form_class = SECTION_FORMS[section]
    kwargs: dict[str, Any] = {"initial": initial}
    if section == Section.APPROACH:
        kwargs["phases"] = [cap.phase for cap in application.round.phase_caps.all()]
    if section == Section.TEAM:
        kwargs["partners"] = list(application.partners.all())
    if section == Section.BUDGET:
        source = data if data is not None else initial
        try:
            kwargs["line_count"] = int(source.get("line_count") or 1)
        except (TypeError, ValueError):
            kwargs["line_count"] = 1
    return form_class(data, **kwargs)


@require_safe_or_post
@member_application
def application_section(
    request: AuthenticatedHttpRequest, access: ApplicationAccess, section: str
) -> HttpResponse:
    """One section of the application, saved on its own, with "Have you completed this
    section?" at its foot."""
    try:
        section_key = Section(section)
    except ValueError:
        raise Http404("No such section.") from None
    application = access.application
    if not access.can_edit:
        return _closed_redirect(request, access)
    state = selectors.application_section_state(application=application, section=section_key)
    initial = _section_initial(application, section_key, state.version, state.is_completed)
    conflict: SectionConflict | None = None
    data = request.POST.copy() if request.method == "POST" else None
    adding_line = data is not None and section_key == Section.BUDGET and "add_line" in data
    if data is not None and adding_line:
        # "Add another line" keeps what was typed by saving it, as not yet complete, then
        # shows one more row after a redirect: no page is the answer to a POST, so Back
        # never offers to send the form again.
        data["completed"] = NO
    elif section_key == Section.BUDGET and data is None:
        initial["line_count"] = _budget_lines_asked(request, initial["line_count"])
    form = _section_form(section_key, application, data, initial)
    if data is not None and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SECTION_FIELDS[section_key]}
        try:
            section_services.application_section_save(
                application=application,
                section=section_key,
                values=values,
                completed=form.is_completed,
                version=form.cleaned_data["version"],
                saved_by=request.user,
                budget_lines=form.budget_lines() if isinstance(form, BudgetForm) else None,
                partner_roles=form.partner_roles() if isinstance(form, TeamForm) else None,
            )
        except RulesNotMet as refused:
            form_add_problems(form, refused.problems)
        except SectionConflict as found:
            conflict = found
            # Keep every answer typed; saving again now means choosing these over theirs.
            data["version"] = str(found.version)
            form = _section_form(section_key, application, data, initial)
            form.is_valid()
            refreshed = selectors.application_for_member_get(
                reference=application.reference, user=request.user
            )
            if refreshed is not None:
                access = refreshed
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(_detail_url(application))
        else:
            if adding_line:
                url = reverse(
                    "funding:application-section", args=[application.reference, section_key]
                )
                return redirect(f"{url}?{urlencode({'lines': form.lines_shown + 1})}")
            messages.success(request, f"“{section_key.label}” has been saved.")
            return redirect(_detail_url(application))
    return _render_section(request, access, section_key, form, state, conflict)


def _budget_lines_asked(request: HttpRequest, shown: int) -> int:
    """Return how many budget rows to show: ``shown``, or more when the address asks for
    them (``?lines=``, after "Add another line"), up to the most a budget has."""
    try:
        asked = int(request.GET.get("lines", ""))
    except ValueError:
        return shown
    return max(shown, min(asked, BUDGET_LINES_MAX))


def _render_section(
    request: HttpRequest,
    access: ApplicationAccess,
    section: Section,
    form: Any,
    state: Any,
    conflict: SectionConflict | None,
) -> HttpResponse:
    application = access.application
    saved_answers = []
    if conflict is not None:
        groups = selectors.application_answers(application=application)
        saved_answers = next(group.answers for group in groups if group.key == section.value)
    return render(
        request,
        f"funding/application/section_{section.value}.html",
        {
            "form": form,
            "application": application,
            "round": application.round,
            "section": section,
            "title": section.label,
            "back_url": _detail_url(application),
            "conflict": conflict,
            "conflict_saved_at": formats.date_and_time(conflict.saved_at)
            if conflict is not None and conflict.saved_at is not None
            else "",
            "saved_answers": saved_answers,
            "last_saved_by": state.updated_by,
            "last_saved_at": state.updated_at,
            "partners_url": reverse("funding:application-partners", args=[application.reference]),
        },
    )


@require_safe
@member_application
def application_history(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """Who changed which section, and when."""
    application = access.application
    return render(
        request,
        "funding/application/history.html",
        {
            "application": application,
            "round": application.round,
            "changes": list(selectors.application_history(application=application)),
            "back_url": _detail_url(application),
        },
    )
