"""An organisation that has already signed: the page that says so, and asking to join it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from declaration.models import Organisation, SigningStatus
from declaration.selectors import membership_get, organisation_get_by_slug
from declaration.selectors import signing as selectors
from declaration.selectors.signing import (
    STEP_ORGANISATION,
)
from declaration.services import joining
from declaration.views.signing import _step_url
from localdigital.accounts.ratelimit import is_limited
from localdigital.accounts.types import AuthenticatedHttpRequest

from ..errors import OrganisationClosed

JOIN_RATE = "10/h"


TOO_MANY_JOIN_REQUESTS = (
    "You have asked to join too many organisations. Wait an hour, then try again"
)


def _organisation_or_404(slug: str) -> Organisation:
    organisation = organisation_get_by_slug(slug=slug)
    if organisation is None or not organisation.is_active:
        raise Http404("No such organisation.")
    return organisation


def _back_to_journey_url(request: AuthenticatedHttpRequest) -> str:
    """Return the organisation question of the draft named in ``?reference=``, if it is the
    signer's own draft; else that of a signing not started yet."""
    signing = selectors.signing_for_signer_get(
        reference=request.GET.get("reference", ""),
        signer=request.user,
        status=SigningStatus.DRAFT,
    )
    if signing is not None:
        return _step_url(STEP_ORGANISATION, signing)
    return reverse("declaration:sign-new")


@login_required
@require_safe
def sign_already_signed(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Tell a second signer that the organisation has signed, or is waiting, and offer to join."""
    organisation = _organisation_or_404(slug)
    summary = selectors.organisation_live_signing_summary(organisation=organisation)
    if summary is None:
        raise Http404("This organisation has not signed.")
    membership = membership_get(user=request.user, organisation=organisation)
    return render(
        request,
        "declaration/signing/already_signed.html",
        {
            "summary": summary,
            "organisation": organisation,
            "is_member": membership is not None and membership.is_approved,
            "is_waiting": membership is not None and not membership.is_approved,
            "back_url": _back_to_journey_url(request),
        },
    )


@login_required
@require_POST
def sign_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Ask to join the organisation: at once with an email at its domain, else by approval."""
    organisation = _organisation_or_404(slug)
    if is_limited(request, group="declaration.join", key=f"user:{request.user.pk}", rate=JOIN_RATE):
        messages.error(request, TOO_MANY_JOIN_REQUESTS)
        return redirect("declaration:sign-already-signed", organisation.slug)
    try:
        joining.organisation_join_request(organisation=organisation, user=request.user)
    except OrganisationClosed as error:
        raise Http404(str(error)) from error
    return redirect("declaration:sign-joined", organisation.slug)


@login_required
@require_safe
def sign_joined(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Confirm that the signer has joined the organisation, or is waiting for approval."""
    organisation = _organisation_or_404(slug)
    membership = membership_get(user=request.user, organisation=organisation)
    if membership is None:
        raise Http404("You have not asked to join this organisation.")
    return render(
        request,
        "declaration/signing/joined.html",
        {"organisation": organisation, "is_approved": membership.is_approved},
    )
