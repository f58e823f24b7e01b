"""An application's partners page, and each partner's contact, reminder and removal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from funding.services import applications_partners as partner_services
from funding.views.applications import _closed_redirect, _detail_url, member_application
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from .. import rules
from ..forms.applications import (
    ApplicationPartnerForm,
    PartnerContactForm,
)
from ..selectors import applications as selectors
from ..selectors.applications import ApplicationAccess
from .common import (
    partner_added_message,
)


@require_safe_or_post
@member_application
def application_partners(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """The partner organisations, their contacts and confirmations; add one."""
    application = access.application
    form = ApplicationPartnerForm(posted(request)) if access.can_edit else None
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
        posted(request),
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
