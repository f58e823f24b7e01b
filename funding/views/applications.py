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
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from declaration import selectors as declaration_selectors
from funding.services import applications_partners as partner_services
from funding.services import applications_sections as section_services
from funding.services import applications_start as start_services
from funding.services import applications_submission as submission_services
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post

from .. import formats, rules
from ..errors import LeadLimitReached, RulesNotMet, SectionConflict
from ..forms.applications import (
    BUDGET_LINES_MAX,
    SECTION_FORMS,
    ApplicationPartnerForm,
    BudgetForm,
    FollowOnForm,
    PartnerContactForm,
    ProblemForm,
    TeamForm,
    WithdrawForm,
)
from ..forms.common import NO, YES
from ..forms.eois import LeadOrganisationForm
from ..models import SECTION_FIELDS, Application, Section
from ..rules import follow_on_awards as follow_on_awards_for
from ..selectors import applications as selectors
from ..selectors import awards as award_selectors
from ..selectors import dashboard as dashboard_selectors
from ..selectors import rounds as round_selectors
from ..selectors.applications import ApplicationAccess
from ..selectors.dashboard import LedBid
from ..services import applications as services
from .common import (
    chosen_lead,
    form_add_problems,
    new_bid_url,
    partner_added_message,
    problem_links,
    sign_in_url,
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


@require_safe_or_post
def application_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Explain what an application asks for, in a round with no EOI stage, and ask which of
    the person's organisations leads it (and, in a round only for projects funded in an
    earlier one, which of them it follows on from).

    Choosing checks that the organisation may start one, then goes on to the first
    section: no draft is made until its answers are saved. An organisation that already
    leads as many applications as the round allows is told so, with links to them.
    """
    round = round_selectors.round_get_open_for_bids(slug=slug)
    if round is None or round.has_eoi_stage:
        raise Http404("No such round takes applications directly.")
    now = timezone.now()
    organisations = (
        declaration_selectors.signatories_for_member(user=request.user)
        if request.user.is_authenticated
        else []
    )
    data = request.POST if request.method == "POST" else None
    form = LeadOrganisationForm(
        data,
        organisations=organisations,
        initial={"organisation": organisations[0].slug} if len(organisations) == 1 else {},
    )
    # A round only for projects funded in an earlier one asks which of them this follows.
    follow_on_awards = (
        sorted(
            {
                award.pk: award
                for organisation in organisations
                for award in follow_on_awards_for(round=round, organisation=organisation)
            }.values(),
            key=lambda award: award.title,
        )
        if round.restricted_to_round_id is not None
        else []
    )
    follow_on = (
        FollowOnForm(data, awards=follow_on_awards)
        if round.restricted_to_round_id is not None
        else None
    )
    led_bids: list[LedBid] = []
    lead = None
    forms_valid = form.is_valid() if data is not None else False
    if follow_on is not None and data is not None:
        forms_valid = follow_on.is_valid() and forms_valid
    if request.method == "POST" and request.user.is_authenticated and forms_valid:
        lead = form.cleaned_data["organisation"]
        award = follow_on.chosen() if follow_on is not None else None
        try:
            start_services.application_start_check(
                round=round, lead_organisation=lead, started_by=request.user, follow_on_award=award
            )
        except LeadLimitReached as error:
            form.add_error("organisation", str(error))
            led_bids = dashboard_selectors.bids_led_in_round(round=round, organisation=lead)
        except DomainError as error:
            form.add_error("organisation", str(error))
        else:
            extra = {"project": award.slug} if award is not None else {}
            return redirect(
                new_bid_url("funding:application-new", round=round, organisation=lead, **extra)
            )
    return render(
        request,
        "funding/application/start.html",
        {
            "round": round,
            "form": form,
            "led_bids": led_bids,
            "led_by": lead,
            "is_open": round.is_applications_open_at(now),
            "opens_at": formats.date_and_time(round.applications_open_at),
            "closes_at": formats.date_and_time(round.applications_close_at),
            "organisations": organisations,
            "sign_in_url": sign_in_url(request.path),
            "round_url": round.get_absolute_url(),
            "sections": [section.label for section in Section],
            "follow_on": follow_on,
            "restricted_to": round.restricted_to_round,
        },
    )


@login_required
@require_safe_or_post
def application_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Ask the first section of a new application; saving it starts the draft.

    The lead organisation (and the funded project it follows on from, where the round asks)
    chosen on the start page are in the address. Until the answers are saved there is no
    draft, so leaving this page leaves nothing behind. Someone who may not start one is
    sent back to the start page, which says why.
    """
    round = round_selectors.round_get_open_for_bids(slug=slug)
    if round is None or round.has_eoi_stage:
        raise Http404("No such round takes applications directly.")
    start_url = reverse("funding:application-start", args=[round.slug])
    lead = chosen_lead(request, user=request.user)
    if lead is None:
        return redirect(start_url)
    award = None
    if round.restricted_to_round_id is not None:
        project = request.GET.get("project", "")
        award = next(
            (a for a in follow_on_awards_for(round=round, organisation=lead) if a.slug == project),
            None,
        )
        if award is None:
            return redirect(start_url)
    if request.method != "POST":
        try:
            start_services.application_start_check(
                round=round, lead_organisation=lead, started_by=request.user, follow_on_award=award
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(start_url)
    section = Section.PROBLEM
    form = ProblemForm(
        request.POST if request.method == "POST" else None, initial={"version": 0}, is_new=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = start_services.application_start(
                round=round,
                lead_organisation=lead,
                started_by=request.user,
                follow_on_award=award,
                first_answers={name: form.cleaned_data[name] for name in SECTION_FIELDS[section]},
                first_completed=form.is_completed,
            )
        except RulesNotMet as refused:
            form_add_problems(form, refused.problems)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Your application {application.reference} is started, and “{section.label}” "
                "has been saved.",
            )
            return redirect(_detail_url(application))
    return render(
        request,
        "funding/application/section_problem.html",
        {
            "form": form,
            "application": None,
            "lead": lead,
            "round": round,
            "section": section,
            "title": section.label,
            "back_url": start_url,
        },
    )


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
            "partners_url": reverse("funding:application-partners", args=[application.reference]),
        },
    )


@require_safe_or_post
@member_application
def application_partners(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """The partner organisations, their contacts and confirmations; add one."""
    application = access.application
    form = (
        ApplicationPartnerForm(request.POST if request.method == "POST" else None)
        if access.can_edit
        else None
    )
    if request.method == "POST":
        if form is None:
            return _closed_redirect(request, access)
        if form.is_valid():
            try:
                partner = partner_services.application_partner_add(
                    application=application,
                    organisation=form.cleaned_data["organisation"],
                    contact_name=form.cleaned_data["contact_name"],
                    contact_email=form.cleaned_data["contact_email"],
                    added_by=request.user,
                )
            except DomainError as error:
                form.add_error("organisation", str(error))
            else:
                partner_added_message(
                    request,
                    partner.organisation,
                    round=application.round,
                    then=f"We have emailed {partner.contact_email} a link to confirm its part.",
                )
                return redirect("funding:application-partners", reference=application.reference)
    return render(
        request,
        "funding/application/partners.html",
        {
            "form": form,
            "access": access,
            "application": application,
            "round": application.round,
            "partners": list(application.partners.all()),
            "minimum": application.round.min_participants,
            "back_url": _detail_url(application),
            "warnings": [
                problem
                for problem in rules.application_problems(
                    application=application, now=timezone.now()
                )
                if problem.section == rules.PARTNERS
            ]
            if access.can_edit
            else [],
        },
    )


def _partner_or_404(access: ApplicationAccess, pk: int) -> Any:
    partner = selectors.application_partner_get(application=access.application, pk=pk)
    if partner is None:
        raise Http404("No such partner.")
    return partner


@require_safe_or_post
@member_application
def application_partner_contact(
    request: AuthenticatedHttpRequest, access: ApplicationAccess, pk: int
) -> HttpResponse:
    """Change a partner's contact; a new email address sends a new confirmation link."""
    if not access.can_edit:
        return _closed_redirect(request, access)
    partner = _partner_or_404(access, pk)
    form = PartnerContactForm(
        request.POST if request.method == "POST" else None,
        initial={"contact_name": partner.contact_name, "contact_email": partner.contact_email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner_services.application_partner_contact_save(
                partner=partner,
                contact_name=form.cleaned_data["contact_name"],
                contact_email=form.cleaned_data["contact_email"],
                saved_by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The contact for {partner.organisation.name} is saved.")
            return redirect("funding:application-partners", reference=access.application.reference)
    return render(
        request,
        "funding/application/partner_contact.html",
        {
            "form": form,
            "partner": partner,
            "application": access.application,
            "round": access.application.round,
            "back_url": reverse(
                "funding:application-partners", args=[access.application.reference]
            ),
        },
    )


@require_POST
@member_application
def application_partner_resend(
    request: AuthenticatedHttpRequest, access: ApplicationAccess, pk: int
) -> HttpResponse:
    """Email the partner's contact a new confirmation link (a button)."""
    partner = _partner_or_404(access, pk)
    try:
        partner_services.application_partner_confirmation_resend(
            partner=partner, requested_by=request.user
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"We have emailed {partner.contact_email} a new link.")
    return redirect("funding:application-partners", reference=access.application.reference)


@require_POST
@member_application
def application_partner_remove(
    request: AuthenticatedHttpRequest, access: ApplicationAccess, pk: int
) -> HttpResponse:
    """Take a partner out of the application (a button)."""
    partner = _partner_or_404(access, pk)
    try:
        partner_services.application_partner_remove(partner=partner, removed_by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{partner.organisation.name} is no longer a partner.")
    return redirect("funding:application-partners", reference=access.application.reference)


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


@require_safe_or_post
@member_application
def application_check(request: AuthenticatedHttpRequest, access: ApplicationAccess) -> HttpResponse:
    """Check every answer against the round's rules, then submit (the lead organisation)."""
    application = access.application
    if not access.can_edit:
        return _closed_redirect(request, access)
    if request.method == "POST":
        if not access.can_submit:
            messages.error(request, "Only members of the lead organisation can submit it.")
            return redirect(_detail_url(application))
        try:
            submission_services.application_submit(
                application=application, submitted_by=request.user
            )
        except RulesNotMet as refused:
            problems = refused.problems
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(_detail_url(application))
        else:
            return redirect("funding:application-confirmation", reference=application.reference)
    else:
        problems = rules.application_problems(application=application, now=timezone.now())
    return render(
        request,
        "funding/application/check.html",
        {
            "access": access,
            "application": application,
            "round": application.round,
            "answers": selectors.application_answers(application=application),
            "problems": problem_links(problems, section_urls=_section_urls(application)),
            "back_url": _detail_url(application),
            "closes_at": formats.date_and_time(application.round.applications_close_at),
        },
    )


@require_safe
@member_application
def application_confirmation(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """Say that the application was submitted, with its reference and what happens next."""
    application = access.application
    if application.is_draft:
        return redirect(_detail_url(application))
    return render(
        request,
        "funding/application/confirmation.html",
        {"application": application, "round": application.round},
    )


@require_safe_or_post
@member_application
def application_withdraw(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """Ask to confirm, with an optional reason, then withdraw the application."""
    application = access.application
    if not access.can_withdraw:
        return _closed_redirect(request, access)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            submission_services.application_withdraw(
                application=application,
                withdrawn_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You have withdrawn application {application.reference}.")
        return redirect(_detail_url(application))
    return render(
        request,
        "funding/application/withdraw.html",
        {
            "form": form,
            "application": application,
            "round": application.round,
            "back_url": _detail_url(application),
        },
    )


@require_safe_or_post
@member_application
def application_delete(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """Ask "Are you sure you want to delete …", then delete the draft and go to the account.

    Only members of the lead organisation may, while it is a draft before the deadline;
    members of partner organisations, who work on it, are sent back to it and told who can.
    """
    application = access.application
    if not access.can_delete:
        if access.can_edit:
            messages.error(
                request,
                f"Only members of {application.lead_organisation.name} can delete this draft."
                if not access.is_lead_member
                else f"Application {application.reference} comes from an invitation to an "
                "expression of interest, so it cannot be deleted. You can withdraw it instead.",
            )
            return redirect(_detail_url(application))
        return _closed_redirect(request, access)
    if request.method == "POST":
        try:
            services.application_delete(application=application, deleted_by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(_detail_url(application))
        messages.success(
            request,
            f"You have deleted the draft application "
            f"“{application.title or 'Untitled application'}” ({application.reference}).",
        )
        return redirect("pages:account")
    return render(
        request,
        "funding/application/delete.html",
        {
            "application": application,
            "round": application.round,
            "partners": list(application.partners.all()),
            "back_url": _detail_url(application),
        },
    )
