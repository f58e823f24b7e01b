"""Sign-in by emailed link for council users, and sign-out."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from two_factor.views import QRGeneratorView, SetupCompleteView

from . import services
from .forms import SignInForm, SignInLinkForm

TOO_MANY_FOR_EMAIL = (
    "You have asked for too many sign-in links for this email address. Wait an hour, then try again"
)
TOO_MANY_FROM_NETWORK = (
    "There have been too many requests for sign-in links from your network. "
    "Wait an hour, then try again"
)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Return ``candidate`` if it is a path on this site, else an empty string."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _rate_limit_error(request: HttpRequest, email: str) -> str | None:
    """Count this request against the per-address and per-network limits; return any error."""
    if is_ratelimited(
        request,
        group="accounts.sign-in.ip",
        key="ip",
        rate=settings.SIGN_IN_RATE_PER_IP,
        increment=True,
    ):
        return TOO_MANY_FROM_NETWORK
    if is_ratelimited(
        request,
        group="accounts.sign-in.email",
        key=lambda group, request: email.lower(),
        rate=settings.SIGN_IN_RATE_PER_EMAIL,
        increment=True,
    ):
        return TOO_MANY_FOR_EMAIL
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for an email address and send a sign-in link to it."""
    form = SignInForm(
        request.POST or None, initial={"next": _safe_next(request, request.GET.get("next"))}
    )
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        error = _rate_limit_error(request, email)
        if error:
            form.add_error("email", error)
            return render(request, "accounts/sign_in.html", {"form": form}, status=429)
        services.sign_in_link_send(
            email=email, next_url=_safe_next(request, form.cleaned_data["next"])
        )
        request.session["sign_in_email"] = email
        return redirect("accounts:check-email")
    return render(request, "accounts/sign_in.html", {"form": form})


@never_cache
@require_GET
def check_email(request: HttpRequest) -> HttpResponse:
    """Tell the person to look for the link, the same whether or not the address is known."""
    return render(
        request,
        "accounts/check_email.html",
        {
            "email": request.session.get("sign_in_email", ""),
            "minutes": settings.SESAME_MAX_AGE // 60,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest) -> HttpResponse:
    """Show a Continue button for a sign-in link, and sign in when it is pressed.

    Opening the link (GET) changes nothing, because mail scanners open links by themselves;
    only the POST uses the token up.
    """
    if request.method == "POST":
        form = SignInLinkForm(request.POST)
        user = (
            services.sign_in_link_use(token=form.data.get("token", "")) if form.is_valid() else None
        )
        if user is None:
            return render(request, "accounts/sign_in_link_invalid.html")
        if request.user.is_authenticated and request.user != user:
            logout(request)
        login(request, user, backend="sesame.backends.ModelBackend")
        messages.success(request, "You are signed in.")
        return redirect(
            _safe_next(request, form.cleaned_data.get("next")) or reverse("pages:account")
        )

    token = request.GET.get(settings.SESAME_TOKEN_NAME, "")
    if not services.sign_in_link_is_valid(token=token):
        return render(request, "accounts/sign_in_link_invalid.html")
    form = SignInLinkForm(
        initial={"token": token, "next": _safe_next(request, request.GET.get("next"))}
    )
    return render(request, "accounts/sign_in_link.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("pages:home")


class StaffQRCodeView(QRGeneratorView):
    """The QR code for setting up an authenticator app, naming the service, not the host."""

    def get_issuer(self) -> str:
        return settings.OTP_TOTP_ISSUER


class StaffSetupCompleteView(SetupCompleteView):
    """Confirm the authenticator app is set up, and offer backup codes.

    The library's view skips this page when the staff member was on their way somewhere
    (the admin, usually); here they always see it, with a link on to where they were going.
    """

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        context["continue_url"] = request.session.pop("next", None) or reverse("admin:index")
        return self.render_to_response(context)
