"""The page a partner organisation's contact opens from their email to confirm its part."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from funding.services import applications_partners as partner_services
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post

from ..selectors import applications as selectors

# The token from a confirmation link waits here between opening the link and confirming.
SESSION_TOKEN = "funding.partner_confirmation_token"  # noqa: S105 - a session key
# Once confirmed, the partner's id, so that the page after the button can say so.
SESSION_CONFIRMED = "funding.partner_confirmed"


@never_cache
@require_safe_or_post
def partner_confirm(request: HttpRequest) -> HttpResponse:
    """Show the application's summary and a Confirm button; confirm when it is pressed.

    As with sign-in links, opening the link confirms nothing (mail scanners open links by
    themselves): the token moves from the address into the session, and only the POST of
    the button confirms. No account is needed: the link is the proof. After confirming,
    the page is fetched again (Post/Redirect/Get) and says the part is confirmed, so the
    browser's Back and Reload never send the form again.
    """
    token = request.GET.get("token")
    if token is not None:
        request.session[SESSION_TOKEN] = token
        request.session.pop(SESSION_CONFIRMED, None)
        return redirect("funding:partner-confirm")
    token = request.session.get(SESSION_TOKEN, "")
    partner = partner_services.partner_for_token(token)
    if partner is None:
        confirmed = selectors.partner_confirmed_get(pk=request.session.get(SESSION_CONFIRMED))
        if confirmed is not None and request.method != "POST":
            return render(
                request,
                "funding/partners/confirmed.html",
                {
                    "partner": confirmed,
                    "application": confirmed.application,
                    "round": confirmed.application.round,
                },
            )
        return render(request, "funding/partners/confirm_invalid.html", status=404)
    application = partner.application
    if request.method == "POST":
        try:
            partner_services.application_partner_confirm(token=token)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("funding:partner-confirm")
        request.session.pop(SESSION_TOKEN, None)
        request.session[SESSION_CONFIRMED] = partner.pk
        return redirect("funding:partner-confirm")
    return render(
        request,
        "funding/partners/confirm.html",
        {"partner": partner, "application": application, "round": application.round},
    )
