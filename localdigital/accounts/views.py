"""Sign-in by emailed link for council users, staff sign-in pages, and sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe
from two_factor.utils import default_device
from two_factor.views import (
    BackupTokensView,
    LoginView,
    QRGeneratorView,
    SetupCompleteView,
    SetupView,
)
from two_factor.views.utils import IdempotentSessionWizardView

from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from . import selectors, services
from .errors import StaffNotAwaitingSetUp
from .forms import (
    SignInForm,
    StaffAuthenticatorSetupForm,
    StaffBackupCodeForm,
    StaffCodeForm,
    StaffSetPasswordForm,
)
from .ratelimit import EmailLimits, email_limit_error, is_limited

SIGN_IN_LIMITS = EmailLimits(
    group="accounts.sign-in",
    per_network_setting="SIGN_IN_RATE_PER_IP",
    per_email_setting="SIGN_IN_RATE_PER_EMAIL",
    network_error=(
        "There have been too many requests for sign-in links from your network. "
        "Wait an hour, then try again"
    ),
    email_error=(
        "You have asked for too many sign-in links for this email address. "
        "Wait an hour, then try again"
    ),
)
TOO_MANY_STAFF_ATTEMPTS = (
    "There have been too many attempts to sign in. Wait an hour, then try again, "
    "or ask a superuser to reset your password"
)
# The token from a sign-in link waits here between opening the link and pressing Continue,
# so that it is not in the address of the page the person sees (or in its Referer).
SESSION_TOKEN = "accounts.sign_in_token"  # noqa: S105 - a session key
SESSION_NEXT = "accounts.sign_in_next"
# The user and token of a staff set-up link, kept here for the same reason.
SESSION_STAFF_SET_UP = "accounts.staff_set_up"


def _safe_next(candidate: str | None) -> str:
    """Return ``candidate`` if it is a path on this site, else an empty string.

    Only a path will do: not a full address (even this site's), not one relative to the
    current page, and not the sign-in pages themselves.
    """
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None)
        and not candidate.startswith(reverse("accounts:sign-in"))
    ):
        return candidate
    return ""


def _minutes() -> int:
    return settings.SESAME_MAX_AGE // 60


@never_cache
@require_safe_or_post
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for an email address and send a sign-in link to it."""
    form = SignInForm(posted(request), initial={"next": _safe_next(request.GET.get("next"))})
    context = {"form": form, "minutes": _minutes()}
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        error = email_limit_error(request, SIGN_IN_LIMITS, email)
        if not error:
            next_url = _safe_next(form.cleaned_data["next"])
            services.sign_in_link_send(email=email, next_url=next_url)
            request.session["sign_in_email"] = email
            request.session[SESSION_NEXT] = next_url
            return redirect("accounts:check-email")
        form.add_error("email", error)
        return render(request, "accounts/sign_in.html", context, status=429)
    return render(request, "accounts/sign_in.html", context)


@never_cache
@require_safe
def check_email(request: HttpRequest) -> HttpResponse:
    """Tell the person to look for the link, the same whether or not the address is known.

    Asking for a new link keeps where they were going.
    """
    sign_in_url = reverse("accounts:sign-in")
    next_url = _safe_next(request.session.get(SESSION_NEXT, ""))
    if next_url:
        sign_in_url = f"{sign_in_url}?{urlencode({'next': next_url})}"
    return render(
        request,
        "accounts/check_email.html",
        {
            "email": request.session.get("sign_in_email", ""),
            "minutes": _minutes(),
            "sign_in_url": sign_in_url,
        },
    )


@never_cache
@require_safe_or_post
def sign_in_link(request: HttpRequest) -> HttpResponse:
    """Show a Continue button for a sign-in link, and sign in when it is pressed.

    Opening the link (GET) uses nothing up, because mail scanners open links by themselves:
    it keeps the token in the session and redirects to this page's plain address, so the
    token is in no page address, history entry or Referer. Only the POST of Continue uses
    the token up and signs in.
    """
    invalid = render(request, "accounts/sign_in_link_invalid.html", {"minutes": _minutes()})
    if request.method == "POST":
        token = request.session.pop(SESSION_TOKEN, "")
        next_url = _safe_next(request.session.pop(SESSION_NEXT, ""))
        user = services.sign_in_link_use(token=token)
        if user is None:
            return invalid
        if request.user.is_authenticated and request.user != user:
            logout(request)
        login(request, user, backend="sesame.backends.ModelBackend")
        messages.success(request, "You are signed in.")
        return redirect(next_url or reverse("pages:account"))

    token = request.GET.get(settings.SESAME_TOKEN_NAME)
    if token is not None:
        request.session[SESSION_TOKEN] = token
        request.session[SESSION_NEXT] = _safe_next(request.GET.get("next"))
        return redirect("accounts:link", permanent=False)
    kept = request.session.get(SESSION_TOKEN, "")
    if not kept and request.user.is_authenticated:
        # Back, from the page the link led to: it is used up, and the person is signed in.
        return redirect("pages:account")
    if not services.sign_in_link_is_valid(token=kept):
        return invalid
    return render(request, "accounts/sign_in_link.html")


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_safe_or_post
def staff_set_up(request: HttpRequest) -> HttpResponse:
    """A new member of staff's one-time link: choose a password, then set up an authenticator.

    Opening the link keeps its user and token in the session and redirects to this page's
    plain address, as sign-in links do. A valid link shows the password form; once the
    password is set the link works no more, the person is signed in as with a password, and
    is taken to set up their authenticator app, without which no admin page opens.
    """
    opened = request.GET.get("token")
    if opened is not None:
        request.session[SESSION_STAFF_SET_UP] = {
            "user": request.GET.get("user", ""),
            "token": opened,
        }
        return redirect("two_factor:set-up")
    link = request.session.get(SESSION_STAFF_SET_UP) or {}
    token = link.get("token", "")
    user = selectors.staff_set_up_user(uid=link.get("user", ""), token=token)

    def invalid() -> HttpResponse:
        return render(
            request,
            "accounts/staff_set_up_invalid.html",
            {"hours": services.staff_set_up_link_hours()},
        )

    if user is None:
        return invalid()
    form = StaffSetPasswordForm(user, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_password_set(
                user=user, token=token, password=form.cleaned_data["new_password1"]
            )
        except StaffNotAwaitingSetUp:
            return invalid()
        request.session.pop(SESSION_STAFF_SET_UP, None)
        login(request, user, backend=selectors.PASSWORD_BACKEND)
        return redirect("two_factor:setup")
    return render(request, "accounts/staff_set_up.html", {"form": form, "email": user.email})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("pages:home")


class RedirectBetweenStepsMixin(IdempotentSessionWizardView):
    """Post/Redirect/Get for django-two-factor-auth's wizards (staff sign-in and setup).

    The library answers a step's POST with the next step's page, so Back or Refresh asks to
    send the password or the code again. Here a step answered (or a button that moves to
    another step) redirects to this page's address with ``?step=<name>``, which shows the
    step the session is on. Opening the page without it, or at a step the session is not
    on, starts again, as the library does.
    """

    STEP_PARAMETER = "step"

    def _step_address(self, step: str) -> str:
        query = self.request.GET.copy()
        query[self.STEP_PARAMETER] = step
        return f"{self.request.path}?{query.urlencode()}"

    def may_resume(self, step: str) -> bool:
        """Return whether the session may be shown ``step`` again on a GET."""
        return True

    def render_next_step(self, form: Any, **kwargs: Any) -> HttpResponse:
        next_step = self.steps.next
        self.storage.current_step = next_step
        return redirect(self._step_address(next_step))

    def render_goto_step(self, goto_step: str, **kwargs: Any) -> HttpResponse:
        if getattr(self, "show_timeout_error", False):
            # Back to the start with a message that the session timed out: a page to show.
            return super().render_goto_step(goto_step, **kwargs)
        self.storage.current_step = goto_step
        return redirect(self._step_address(goto_step))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = request.GET.get(self.STEP_PARAMETER)
        if (
            step
            and step != self.steps.first
            and step == self.storage.current_step
            and step in self.get_form_list()
            and self.may_resume(step)
        ):
            return self.render(
                self.get_form(
                    data=self.storage.get_step_data(step), files=self.storage.get_step_files(step)
                )
            )
        return super().get(request, *args, **kwargs)


class StaffLoginView(RedirectBetweenStepsMixin, LoginView):
    """Staff sign-in: a password, then a code. Password attempts are limited.

    The code is asked for as "Code from your authenticator app" (or "Backup code"), in the
    project's forms, never the library's "Token".
    """

    def get_form_list(self) -> Any:
        form_list = super().get_form_list()
        staff_forms = {self.TOKEN_STEP: StaffCodeForm, self.BACKUP_STEP: StaffBackupCodeForm}
        for step, form in staff_forms.items():
            if step in form_list:
                form_list[step] = form
        return form_list

    def may_resume(self, step: str) -> bool:
        """A code is asked for only within the time allowed after the right password."""
        return bool(self.storage.authenticated_user) and not self.expired

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        request = self.request
        if self.steps.current == "auth" and request.POST.get("wizard_goto_step") is None:
            email = request.POST.get("auth-username", "").strip().lower()
            if is_limited(
                request,
                group="accounts.staff-sign-in.ip",
                key="ip",
                rate=settings.STAFF_SIGN_IN_RATE_PER_IP,
            ) or is_limited(
                request,
                group="accounts.staff-sign-in.email",
                key=email,
                rate=settings.STAFF_SIGN_IN_RATE_PER_EMAIL,
            ):
                form = self.get_form(data=request.POST, files=request.FILES)
                form.is_valid()
                form.add_error(None, TOO_MANY_STAFF_ATTEMPTS)
                response = self.render(form)
                response.status_code = 429
                return response
        return super().post(*args, **kwargs)


class StaffSetupView(RedirectBetweenStepsMixin, SetupView):
    """Setting up an authenticator app: what it is for, then the QR code and a code from it,
    asked for as "Code from your authenticator app"."""

    def get_form_list(self) -> Any:
        form_list = super().get_form_list()
        if "generator" in form_list:
            form_list["generator"] = StaffAuthenticatorSetupForm
        return form_list

    def may_resume(self, step: str) -> bool:
        """Someone with an app set up already is sent on, as the library's GET does."""
        return default_device(self.request.user) is None


class StaffQRCodeView(QRGeneratorView):
    """The QR code for setting up an authenticator app, naming the service, not the host."""

    http_method_names = ["get", "head"]

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


class StaffBackupTokensView(BackupTokensView):
    """Backup codes, listed by the view rather than queried by the template."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tokens"] = list(context["device"].token_set.values_list("token", flat=True))
        return context
