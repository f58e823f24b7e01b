"""The admin site for MHCLG staff: a password and a confirmed TOTP device, or no admin at all.

Its home page shows what other apps give it (``add_index_context``), such as the staff work
queue that ``localdigital.pages`` composes from every domain: the platform knows none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from two_factor.admin import AdminSiteOTPRequired

from localdigital.admin_actions import refusal_response
from localdigital.errors import DomainError

from . import selectors


class StaffAdminSite(AdminSiteOTPRequired):
    """Admin for staff who have signed in with a password and their authenticator app.

    A staff member without a confirmed device is sent to set one up; every other visitor
    without a verified session is sent to the staff sign-in page. A service's refusal that no
    screen caught ends in a message on the page, never a server error.
    """

    site_header = "Local Digital administration"
    site_title = "Local Digital admin"
    index_title = "Run the programme"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._index_context: list[Callable[[HttpRequest], dict[str, Any]]] = []

    def add_index_context(self, provider: Callable[[HttpRequest], dict[str, Any]]) -> None:
        """Have the home page show what ``provider`` returns for each request, in its
        context, unless it is added already."""
        if provider not in self._index_context:
            self._index_context.append(provider)

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        context: dict[str, Any] = {}
        for provider in self._index_context:
            context.update(provider(request))
        return super().index(request, {**context, **(extra_context or {})})

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff, verified by their second factor, in a session begun with their password."""
        return super().has_permission(request) and selectors.session_is_password_sign_in(
            request=request
        )

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Any:
        """Wrap every admin page, the models' own and each custom one, so that any domain's
        refusal becomes a message for staff (``admin_actions.refusal_response``)."""

        @functools.wraps(view)
        def refusals_told(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                return refusal_response(request, error)

        return super().admin_view(refusals_told, cacheable)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        redirect_to = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        if not redirect_to or not url_has_allowed_host_and_scheme(
            redirect_to, allowed_hosts={request.get_host()}
        ):
            redirect_to = reverse("admin:index", current_app=self.name)
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not selectors.user_has_confirmed_device(user=user)
        ):
            return redirect("two_factor:setup")
        return redirect_to_login(redirect_to, login_url=reverse("two_factor:login"))
