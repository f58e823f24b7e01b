"""The newsletter's public pages: subscribe, confirm by emailed link, and unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from declaration.forms.newsletter import NewsletterSubscribeForm
from declaration.models import SubscriberStatus
from declaration.selectors import newsletter as selectors
from declaration.services import newsletter as services
from localdigital.accounts.ratelimit import is_limited
from localdigital.http import require_safe_or_post

TOO_MANY_FOR_EMAIL = (
    "There have been too many requests to subscribe this email address. "
    "Wait an hour, then try again"
)
TOO_MANY_FROM_NETWORK = (
    "There have been too many requests to subscribe from your network. Wait an hour, then try again"
)
SESSION_EMAIL = "declaration.newsletter_email"


@never_cache
@require_safe_or_post
def newsletter_subscribe(request: HttpRequest) -> HttpResponse:
    """Ask for an email address (and an organisation), and send a confirmation link.

    The next page is the same whether or not the address was already subscribed.
    """
    form = NewsletterSubscribeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if is_limited(
            request,
            group="declaration.newsletter.ip",
            key="ip",
            rate=settings.NEWSLETTER_SUBSCRIBE_RATE_PER_IP,
        ):
            form.add_error("email", TOO_MANY_FROM_NETWORK)
        elif is_limited(
            request,
            group="declaration.newsletter.email",
            key=email.lower(),
            rate=settings.NEWSLETTER_SUBSCRIBE_RATE_PER_EMAIL,
        ):
            form.add_error("email", TOO_MANY_FOR_EMAIL)
        else:
            services.subscriber_subscribe(
                email=email, organisation=form.cleaned_data["organisation"]
            )
            request.session[SESSION_EMAIL] = email
            return redirect("declaration:newsletter-check-email")
        return render(request, "declaration/newsletter/subscribe.html", {"form": form}, status=429)
    return render(request, "declaration/newsletter/subscribe.html", {"form": form})


@never_cache
@require_safe
def newsletter_check_email(request: HttpRequest) -> HttpResponse:
    """Tell the person to look for the confirmation link."""
    return render(
        request,
        "declaration/newsletter/check_email.html",
        {
            "email": request.session.get(SESSION_EMAIL, ""),
            "days": selectors.CONFIRM_LINK_MAX_AGE.days,
        },
    )


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "declaration/newsletter/link_invalid.html")


@never_cache
@require_safe_or_post
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show a button that confirms the subscription; only pressing it (a POST) confirms.

    Mail scanners open links by themselves, so opening the link changes nothing.
    """
    if request.method == "POST":
        try:
            services.subscriber_confirm(token=token)
        except services.NewsletterLinkInvalid:
            return _link_invalid(request)
        return redirect("declaration:newsletter-confirmed")
    subscriber = selectors.subscriber_from_confirm_token(token=token)
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return _link_invalid(request)
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return redirect("declaration:newsletter-confirmed")
    return render(request, "declaration/newsletter/confirm.html", {"email": subscriber.email})


@never_cache
@require_safe
def newsletter_confirmed(request: HttpRequest) -> HttpResponse:
    """Say that the subscription is confirmed."""
    return render(request, "declaration/newsletter/confirmed.html")


@csrf_exempt
@never_cache
@require_safe_or_post
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Unsubscribe with one click: a POST from a mail client (RFC 8058) or from this page.

    It needs no sign-in and no CSRF token: a mail client posts without either, and the token
    in the address is what proves the request. Opening the link (a GET) shows an Unsubscribe
    button, and changes nothing.
    """
    if request.method == "POST":
        try:
            services.subscriber_unsubscribe(token=token)
        except services.NewsletterLinkInvalid:
            return _link_invalid(request)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            # A mail client's one-click request: answer it directly, with no redirect.
            return render(request, "declaration/newsletter/unsubscribed.html")
        return redirect("declaration:newsletter-unsubscribed")
    subscriber = selectors.subscriber_from_unsubscribe_token(token=token)
    if subscriber is None:
        return _link_invalid(request)
    if not subscriber.can_unsubscribe():
        return redirect("declaration:newsletter-unsubscribed")
    return render(request, "declaration/newsletter/unsubscribe.html", {"email": subscriber.email})


@never_cache
@require_safe
def newsletter_unsubscribed(request: HttpRequest) -> HttpResponse:
    """Say that the subscription has ended, and how to subscribe again."""
    return render(request, "declaration/newsletter/unsubscribed.html")
