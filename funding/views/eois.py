"""Pages for writing an expression of interest: starting one, its answers, its partners,
checking and submitting it, and withdrawing it.

Each page validates a form, calls one service and redirects, or shows the form again with
its errors. Only members of the lead and partner organisations see an EOI; anyone else is
told it does not exist. Domain errors become GOV.UK error messages, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from funding import rules_eois
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from .. import formats, rules
from ..forms.eois import EoiDetailsForm, PartnerForm
from ..selectors import eois as selectors
from ..selectors import rounds as round_selectors
from ..selectors.eois import EoiAccess
from ..services import eois as services
from .common import (
    LeadChoice,
    chosen_lead,
    form_add_refusal,
    new_bid_url,
    partner_added_message,
    problem_links,
    sign_in_url,
)

EoiView = Callable[..., HttpResponse]


def member_eoi(view: EoiView) -> Callable[..., HttpResponse]:
    """Give the view the EOI named by the URL, if the signed-in person may see it; else 404."""

    @wraps(view)
    def wrapped(
        request: AuthenticatedHttpRequest, reference: str, **kwargs: object
    ) -> HttpResponse:
        access = selectors.eoi_for_member_get(reference=reference, user=request.user)
        if access is None:
            raise Http404("No such expression of interest.")
        return view(request, access, **kwargs)

    return login_required(wrapped)


def _detail_url(access: EoiAccess) -> str:
    return reverse("funding:eoi-detail", args=[access.eoi.reference])


def _section_urls(access: EoiAccess) -> dict[str, str]:
    reference = access.eoi.reference
    return {
        "details": reverse("funding:eoi-details", args=[reference]),
        "partners": reverse("funding:eoi-partners", args=[reference]),
    }


@require_safe_or_post
def eoi_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Explain what an EOI asks for, and ask which of the person's organisations leads it.

    Someone not signed in is asked to; someone with no signatory organisation is told why
    they cannot, and how their organisation can sign. Choosing checks that the organisation
    may lead one more bid, then goes on to the first questions: no draft is made until
    their answers are saved. An organisation at the round's limit is told so, with links
    to the bids it leads there.
    """
    round = round_selectors.round_get_open_for_bids(slug=slug)
    if round is None or not round.has_eoi_stage:
        raise Http404("No such round takes expressions of interest.")
    now = timezone.now()
    choice = LeadChoice.asked(request)
    if request.method == "POST" and request.user.is_authenticated and choice.form.is_valid():
        person = request.user
        lead = choice.allowed_lead(
            round,
            lambda lead: services.eoi_start_check(
                round=round, lead_organisation=lead, started_by=person
            ),
        )
        if lead is not None:
            return redirect(new_bid_url("funding:eoi-new", round=round, organisation=lead))
    return render(
        request,
        "funding/eoi/start.html",
        {
            "round": round,
            **choice.context(),
            "is_open": round.is_eoi_open_at(now),
            "closes_at": formats.date_and_time(round.eoi_closes_at) if round.eoi_closes_at else "",
            "opens_at": formats.date_and_time(round.eoi_opens_at) if round.eoi_opens_at else "",
            "sign_in_url": sign_in_url(request.path),
            "round_url": round.get_absolute_url(),
            "bids_kind": "expressions of interest",
        },
    )


@login_required
@require_safe_or_post
def eoi_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Ask an EOI's first questions; saving them starts the draft.

    The lead organisation, chosen on the start page, is in the address. Until the answers
    are saved there is no draft, so leaving this page leaves nothing behind. Someone who
    may not start one (the window closed, the lead at its limit) is sent back to the start
    page, which says why.
    """
    round = round_selectors.round_get_open_for_bids(slug=slug)
    if round is None or not round.has_eoi_stage:
        raise Http404("No such round takes expressions of interest.")
    start_url = reverse("funding:eoi-start", args=[round.slug])
    lead = chosen_lead(request, user=request.user)
    if lead is None:
        return redirect(start_url)
    if request.method != "POST":
        try:
            services.eoi_start_check(round=round, lead_organisation=lead, started_by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(start_url)
    form = EoiDetailsForm(
        posted(request),
        phases=[cap.phase for cap in round.phase_caps.all()],
        is_new=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            eoi = services.eoi_start(
                round=round,
                lead_organisation=lead,
                started_by=request.user,
                title=form.cleaned_data["title"],
                problem=form.cleaned_data["problem"],
                phase=form.cleaned_data["phase"],
                estimated_cost=form.cleaned_data["estimated_cost"],
            )
        except DomainError as error:
            form_add_refusal(form, error)
        else:
            messages.success(request, f"Your answers have been saved as draft {eoi.reference}.")
            return redirect("funding:eoi-partners", reference=eoi.reference)
    return render(
        request,
        "funding/eoi/details.html",
        {"form": form, "eoi": None, "lead": lead, "round": round, "back_url": start_url},
    )


@require_safe
@member_eoi
def eoi_detail(request: AuthenticatedHttpRequest, access: EoiAccess) -> HttpResponse:
    """Show the EOI: its status, answers, partners and history, and what can be done next."""
    eoi = access.eoi
    problems = rules_eois.eoi_problems(eoi=eoi, now=timezone.now()) if access.can_edit else []
    return render(
        request,
        "funding/eoi/detail.html",
        {
            "access": access,
            "eoi": eoi,
            "round": eoi.round,
            "partners": list(eoi.partners.all()),
            "changes": list(eoi.changes.all()[:20]),
            "estimated_cost": formats.money(eoi.estimated_cost),
            "closes_at": formats.date_and_time(eoi.round.eoi_closes_at)
            if eoi.round.eoi_closes_at
            else "",
            "problems": problem_links(problems, section_urls=_section_urls(access)),
            "section_urls": _section_urls(access),
        },
    )


def _closed_redirect(request: HttpRequest, access: EoiAccess) -> HttpResponse:
    """Send someone who can no longer change the EOI to its page, saying why."""
    if access.closes_passed and access.eoi.is_draft:
        messages.error(
            request,
            "The deadline for expressions of interest has passed, so this draft can no longer "
            "be changed.",
        )
    return redirect(_detail_url(access))


@require_safe_or_post
@member_eoi
def eoi_details(request: AuthenticatedHttpRequest, access: EoiAccess) -> HttpResponse:
    """Ask the EOI's questions: title, the problem, the phase and the estimated cost."""
    if not access.can_edit:
        return _closed_redirect(request, access)
    eoi = access.eoi
    phases = [cap.phase for cap in eoi.round.phase_caps.all()]
    form = EoiDetailsForm(
        posted(request),
        phases=phases,
        initial={
            "title": eoi.title,
            "problem": eoi.problem,
            "phase": eoi.phase,
            "estimated_cost": eoi.estimated_cost,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.eoi_details_save(
                eoi=eoi,
                title=form.cleaned_data["title"],
                problem=form.cleaned_data["problem"],
                phase=form.cleaned_data["phase"],
                estimated_cost=form.cleaned_data["estimated_cost"],
                saved_by=request.user,
            )
        except DomainError as error:
            form_add_refusal(form, error)
        else:
            messages.success(request, "Your answers have been saved.")
            return redirect("funding:eoi-partners", reference=eoi.reference)
    return render(
        request,
        "funding/eoi/details.html",
        {
            "form": form,
            "eoi": eoi,
            "lead": eoi.lead_organisation,
            "round": eoi.round,
            "back_url": _detail_url(access),
        },
    )


@require_safe_or_post
@member_eoi
def eoi_partners(request: AuthenticatedHttpRequest, access: EoiAccess) -> HttpResponse:
    """List the EOI's partner organisations, and add one."""
    eoi = access.eoi
    form = PartnerForm(posted(request)) if access.can_edit else None
    if request.method == "POST":
        if form is None:
            return _closed_redirect(request, access)
        if form.is_valid():
            try:
                partner = services.eoi_partner_add(
                    eoi=eoi, organisation=form.cleaned_data["organisation"], added_by=request.user
                )
            except DomainError as error:
                form.add_error("organisation", str(error))
            else:
                partner_added_message(request, partner.organisation, round=eoi.round)
                return redirect("funding:eoi-partners", reference=eoi.reference)
    return render(
        request,
        "funding/eoi/partners.html",
        {
            "form": form,
            "access": access,
            "eoi": eoi,
            "round": eoi.round,
            "partners": list(eoi.partners.all()),
            "back_url": _detail_url(access),
            "minimum": eoi.round.min_participants,
            "warnings": [
                problem
                for problem in rules_eois.eoi_problems(eoi=eoi, now=timezone.now())
                if problem.section == rules.PARTNERS
            ]
            if access.can_edit
            else [],
        },
    )


@require_POST
@member_eoi
def eoi_partner_remove(
    request: AuthenticatedHttpRequest, access: EoiAccess, pk: int
) -> HttpResponse:
    """Take a partner out of the EOI (a button on the partners page)."""
    partner = selectors.eoi_partner_get(eoi=access.eoi, pk=pk)
    if partner is None:
        raise Http404("No such partner.")
    try:
        services.eoi_partner_remove(partner=partner, removed_by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{partner.organisation.name} is no longer a partner.")
    return redirect("funding:eoi-partners", reference=access.eoi.reference)
