"""Checking and submitting an application, its confirmation, and withdrawing or deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from funding.services import applications_submission as submission_services
from funding.views.applications import (
    _closed_redirect,
    _detail_url,
    _section_urls,
    member_application,
)
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from .. import formats, rules
from ..errors import RulesNotMet
from ..forms.applications import (
    WithdrawForm,
)
from ..selectors import applications as selectors
from ..selectors.applications import ApplicationAccess
from ..services import applications as services
from .common import (
    problem_links,
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
    form = WithdrawForm(posted(request))
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
