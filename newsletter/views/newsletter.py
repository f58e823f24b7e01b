"""The newsletter's public pages: subscribe, confirm by emailed link, unsubscribe, and manage a
subscription by a link asked for by email."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from localdigital.accounts.ratelimit import EmailLimits, email_limit_error
from localdigital.forms import posted
from localdigital.http import require_safe_or_post
from newsletter import services
from newsletter.forms import (
    SUBSCRIBE,
    NewsletterManageForm,
    NewsletterSubscribeForm,
    NewsletterSubscriptionForm,
)
from newsletter.models import SubscriberStatus
from newsletter.selectors import newsletter as selectors

from ..errors import NewsletterLinkInvalid

SUBSCRIBE_LIMITS = EmailLimits(
    group="declaration.newsletter",
    per_network_setting="NEWSLETTER_SUBSCRIBE_RATE_PER_IP",
    per_email_setting="NEWSLETTER_SUBSCRIBE_RATE_PER_EMAIL",
    network_error=(
        "There have been too many requests to subscribe from your network. "
        "Wait an hour, then try again"
    ),
    email_error=(
        "There have been too many requests to subscribe this email address. "
        "Wait an hour, then try again"
    ),
)
MANAGE_LIMITS = EmailLimits(
    group="declaration.newsletter.manage",
    per_network_setting="NEWSLETTER_MANAGE_RATE_PER_IP",
    per_email_setting="NEWSLETTER_MANAGE_RATE_PER_EMAIL",
    network_error=(
        "There have been too many requests for links from your network. "
        "Wait an hour, then try again"
    ),
    email_error=(
        "You have asked for too many links for this email address. Wait an hour, then try again"
    ),
)
SESSION_EMAIL = "declaration.newsletter_email"
SESSION_MANAGE_EMAIL = "declaration.newsletter_manage_email"
# The token of a manage link waits here, as a sign-in link's does, so that it is in no page
# address, history entry or Referer once the link is opened.
SESSION_MANAGE_TOKEN = "declaration.newsletter_manage_token"  # noqa: S105 - a session key
# GET and HEAD show a form; POST sends it.


@never_cache
@require_safe_or_post
def newsletter_subscribe(request: HttpRequest) -> HttpResponse:
    """Ask for an email address (and an organisation), and send a confirmation link.

    The next page is the same whether or not the address was already subscribed.
    """
    form = NewsletterSubscribeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        error = email_limit_error(request, SUBSCRIBE_LIMITS, email)
        if not error:
            services.subscriber_subscribe(
                email=email, organisation=form.cleaned_data["organisation"]
            )
            request.session[SESSION_EMAIL] = email
            return redirect("newsletter:check-email")
        form.add_error("email", error)
        return render(request, "newsletter/subscribe.html", {"form": form}, status=429)
    return render(request, "newsletter/subscribe.html", {"form": form})


@never_cache
@require_safe
def newsletter_check_email(request: HttpRequest) -> HttpResponse:
    """Tell the person to look for the confirmation link."""
    return render(
        request,
        "newsletter/check_email.html",
        {
            "email": request.session.get(SESSION_EMAIL, ""),
            "days": selectors.CONFIRM_LINK_MAX_AGE.days,
        },
    )


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/link_invalid.html")


@never_cache
@require_safe_or_post
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Show a button that confirms the subscription; only pressing it (a POST) confirms.

    Mail scanners open links by themselves, so opening the link changes nothing.
    """
    if request.method == "POST":
        try:
            services.subscriber_confirm(token=token)
        except NewsletterLinkInvalid:
            return _link_invalid(request)
        return redirect("newsletter:confirmed")
    subscriber = selectors.subscriber_from_confirm_token(token=token)
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return _link_invalid(request)
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return redirect("newsletter:confirmed")
    return render(request, "newsletter/confirm.html", {"email": subscriber.email})


@never_cache
@require_safe
def newsletter_confirmed(request: HttpRequest) -> HttpResponse:
    """Say that the subscription is confirmed."""
    return render(request, "newsletter/confirmed.html")


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
        except NewsletterLinkInvalid:
            return _link_invalid(request)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            # A mail client's one-click request: answer it directly, with no redirect.
            return render(request, "newsletter/unsubscribed.html")
        return redirect("newsletter:unsubscribed")
    subscriber = selectors.subscriber_from_unsubscribe_token(token=token)
    if subscriber is None:
        return _link_invalid(request)
    if not subscriber.can_unsubscribe():
        return redirect("newsletter:unsubscribed")
    return render(request, "newsletter/unsubscribe.html", {"email": subscriber.email})


@never_cache
@require_safe
def newsletter_unsubscribed(request: HttpRequest) -> HttpResponse:
    """Say that the subscription has ended, and how to subscribe again."""
    return render(request, "newsletter/unsubscribed.html")


@never_cache
@require_safe_or_post
def newsletter_manage(request: HttpRequest) -> HttpResponse:
    """Ask for an email address, and email it a link to manage its subscription.

    The next page is the same whether or not the address subscribes. Requests are limited
    as requests for sign-in links are: per address, and per network.
    """
    form = NewsletterManageForm(posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        error = email_limit_error(request, MANAGE_LIMITS, email)
        if not error:
            services.subscriber_manage_link_send(email=email)
            request.session[SESSION_MANAGE_EMAIL] = email
            return redirect("newsletter:manage-check-email")
        form.add_error("email", error)
        return render(request, "newsletter/manage.html", {"form": form}, status=429)
    return render(request, "newsletter/manage.html", {"form": form})


@never_cache
@require_safe
def newsletter_manage_check_email(request: HttpRequest) -> HttpResponse:
    """Tell the person to look for the link, the same whether or not the address subscribes."""
    return render(
        request,
        "newsletter/manage_check_email.html",
        {
            "email": request.session.get(SESSION_MANAGE_EMAIL, ""),
            "days": selectors.MANAGE_LINK_MAX_AGE.days,
        },
    )


@never_cache
@require_safe
def newsletter_manage_link(request: HttpRequest, token: str) -> HttpResponse:
    """Keep a manage link's token in the session, and go to the manage page's plain address.

    Opening the link changes nothing, since mail scanners open links by themselves.
    """
    request.session[SESSION_MANAGE_TOKEN] = token
    return redirect("newsletter:subscription")


@never_cache
@require_safe_or_post
def newsletter_subscription(request: HttpRequest) -> HttpResponse:
    """Show the subscription the manage link was for, with a button to unsubscribe or to
    subscribe again; after either, show it again with a success banner."""
    token = request.session.get(SESSION_MANAGE_TOKEN, "")
    subscriber = selectors.subscriber_from_manage_token(token=token)
    if subscriber is None:
        return _manage_link_invalid(request)
    form = NewsletterSubscriptionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == SUBSCRIBE:
                services.subscriber_resubscribe(token=token)
                done = "You are subscribed to the Local Digital newsletter"
            else:
                services.subscriber_manage_unsubscribe(token=token)
                done = "You have unsubscribed from the Local Digital newsletter"
        except NewsletterLinkInvalid:
            return _manage_link_invalid(request)
        messages.success(request, done)
        return redirect("newsletter:subscription")
    return render(
        request,
        "newsletter/subscription.html",
        {"form": form, "subscription": selectors.subscription_for(subscriber=subscriber)},
        status=400 if form.errors else 200,
    )


def _manage_link_invalid(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "newsletter/manage_link_invalid.html",
        {"days": selectors.MANAGE_LINK_MAX_AGE.days},
    )
