"""Submitting an expression of interest, its confirmation, and withdrawing or deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from funding import rules_eois
from funding.views.eois import _closed_redirect, _detail_url, _section_urls, member_eoi
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post

from .. import formats
from ..errors import RulesNotMet
from ..selectors.eois import EoiAccess
from ..services import eois as services
from .common import (
    problem_links,
)


@require_safe_or_post
@member_eoi
def eoi_submit(request: AuthenticatedHttpRequest, access: EoiAccess) -> HttpResponse:
    """Check the answers against the round's rules, then submit."""
    if not access.can_edit:
        return _closed_redirect(request, access)
    eoi = access.eoi
    if request.method == "POST":
        try:
            services.eoi_submit(eoi=eoi, submitted_by=request.user)
        except RulesNotMet as refused:
            problems = refused.problems
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(_detail_url(access))
        else:
            return redirect("funding:eoi-confirmation", reference=eoi.reference)
    else:
        problems = rules_eois.eoi_problems(eoi=eoi, now=timezone.now())
    return render(
        request,
        "funding/eoi/submit.html",
        {
            "eoi": eoi,
            "round": eoi.round,
            "partners": list(eoi.partners.all()),
            "estimated_cost": formats.money(eoi.estimated_cost),
            "problems": problem_links(problems, section_urls=_section_urls(access)),
            "section_urls": _section_urls(access),
            "back_url": _detail_url(access),
            "is_refused": request.method == "POST",
        },
    )


@require_safe
@member_eoi
def eoi_confirmation(request: AuthenticatedHttpRequest, access: EoiAccess) -> HttpResponse:
    """Say that the EOI was submitted, with its reference and what happens next."""
    if access.eoi.is_draft:
        return redirect(_detail_url(access))
    return render(
        request,
        "funding/eoi/confirmation.html",
        {"eoi": access.eoi, "round": access.eoi.round, "detail_url": _detail_url(access)},
    )


@require_safe_or_post
@member_eoi
def eoi_withdraw(request: AuthenticatedHttpRequest, access: EoiAccess) -> HttpResponse:
    """Ask to confirm, then withdraw the EOI."""
    if not access.can_withdraw:
        return _closed_redirect(request, access)
    if request.method == "POST":
        try:
            services.eoi_withdraw(eoi=access.eoi, withdrawn_by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You have withdrawn {access.eoi.reference}.")
        return redirect(_detail_url(access))
    return render(
        request,
        "funding/eoi/withdraw.html",
        {"eoi": access.eoi, "round": access.eoi.round, "back_url": _detail_url(access)},
    )


@require_safe_or_post
@member_eoi
def eoi_delete(request: AuthenticatedHttpRequest, access: EoiAccess) -> HttpResponse:
    """Ask "Are you sure you want to delete …", then delete the draft and go to the account.

    Only members of the lead organisation may, while it is a draft before the deadline;
    anyone else who can see it is sent back to it and told who can.
    """
    eoi = access.eoi
    if not access.can_delete:
        if eoi.is_draft and not access.closes_passed:
            messages.error(
                request, f"Only members of {eoi.lead_organisation.name} can delete this draft."
            )
            return redirect(_detail_url(access))
        return _closed_redirect(request, access)
    if request.method == "POST":
        try:
            services.eoi_delete(eoi=eoi, deleted_by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(_detail_url(access))
        messages.success(
            request,
            f"You have deleted the draft expression of interest "
            f"“{eoi.title or 'Untitled expression of interest'}” ({eoi.reference}).",
        )
        return redirect("pages:account")
    return render(
        request,
        "funding/eoi/delete.html",
        {"eoi": eoi, "round": eoi.round, "back_url": _detail_url(access)},
    )
