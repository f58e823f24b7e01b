"""Admin actions: the one way for staff to change something through a service from the
admin, whether from the list or from a button on an object's page, and what the admin does
with a service's refusal.

An action is a ``ModelAdmin`` action that calls a service for each object selected
(``run_each``), telling staff what it did and what it refused. One that needs input first
returns the one action page (``action_form_page``, ``admin/action_form.html``), which posts
back with ``confirm`` (``confirmed_data``). A button on an object's change page runs one of
the list's actions on that object alone, through ``ObjectActionsMixin``, and comes back to
the page. A refusal is any domain's ``DomainError``: an action tells staff of each, a form
shows it (``service_error_show``), and the admin site turns one that no screen caught into a
message on the page (``refusal_response``), never a server error. This module knows no
domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import (
    Http404,
    HttpRequest,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from localdigital.admin_pages import ChangePageMixin, admin_button
from localdigital.errors import DomainError, NotPermitted, TransitionNotAllowed
from localdigital.formats import count_of

Obj = TypeVar("Obj", bound=models.Model)

ACTION_FORM_TEMPLATE = "admin/action_form.html"
# Where a button on an object's page posts: ``<object id>/actions/<action name>/``, named
# ``admin:<app>_<model>_object_action``.
OBJECT_ACTION_URL_NAME = "{app_label}_{model_name}_object_action"
# The field a button may send to come back to a page other than the object's own (a
# cluster's page, for a button that acts on one of its expressions of interest).
NEXT_FIELD = "next"


def confirmed_data(request: HttpRequest) -> Any:
    """Return the action form's data when staff sent it from the action's page, else None
    (the first time the action is chosen, the form starts empty)."""
    return request.POST if "confirm" in request.POST else None


def action_form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    action: str,
    title: str | tuple[str, str],
    intro: str | tuple[str, str],
    submit: str,
    form: forms.Form,
    objects: Sequence[tuple[int, str]],
    extra_context: Mapping[str, Any] | None = None,
) -> TemplateResponse:
    """Return the page that asks for an action's input, for the objects selected.

    It posts back to where it was asked from (the list, filters included, or an object's
    action address) with the selection, the action and ``confirm``, so that the action runs
    again with the form filled in; what staff typed is kept when the form has errors. Its
    Cancel goes back there too. A ``title`` or ``intro`` given as (for one, for several) is
    worded for the number of objects: "Reject a signing", "Reject signings".
    """
    title, intro = (
        text if isinstance(text, str) else text[0] if len(objects) == 1 else text[1]
        for text in (title, intro)
    )
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "intro": intro,
        "submit": submit,
        "form": form,
        "objects": objects,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "cancel_url": _back_url(modeladmin, request),
        "next": _next_url(request),
        **(extra_context or {}),
    }
    return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


def run_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Obj],
    run: Callable[[Obj], object],
    *,
    label: Callable[[Obj], str],
    done: str,
    refused: str,
    describe: Callable[[Obj, Any], str] | None = None,
    counted: tuple[str, str] | None = None,
    refusals: tuple[type[Exception], ...] = (DomainError,),
) -> list[Obj]:
    """Run the service on each object; tell staff what it did (``done``, formatted with a
    description of each object changed: its label, or ``describe(object, result)``, or
    with ``counted`` (singular, plural) how many, such as "3 signings") and what it refused
    (``refused``, then each label and the service's reason, for each of the ``refusals`` it
    raised: any domain's, unless told otherwise). Return the objects changed."""
    changed: list[Obj] = []
    described: list[str] = []
    problems: list[str] = []
    for obj in objects:
        try:
            result = run(obj)
        except refusals as error:
            problems.append(f"{label(obj)} ({error})")
        else:
            changed.append(obj)
            described.append(describe(obj, result) if describe else label(obj))
    if changed:
        summary = count_of(len(changed), *counted) if counted else ", ".join(described)
        modeladmin.message_user(request, done.format(summary), messages.SUCCESS)
    if problems:
        modeladmin.message_user(request, f"{refused} " + "; ".join(problems), messages.ERROR)
    return changed


def service_error_show(form: forms.Form, error: DomainError, field: str | None) -> None:
    """Show a service's refusal on the form that asked for it: one about the state of things
    (``TransitionNotAllowed``) or about who may act (``NotPermitted``) above the form, and one
    about what was typed beside ``field`` (above the form too when there is no field)."""
    if field is None or isinstance(error, TransitionNotAllowed | NotPermitted):
        form.add_error(None, str(error))
    else:
        form.add_error(field, str(error))


def refusal_response(request: HttpRequest, error: DomainError) -> HttpResponseRedirect:
    """Return where staff go when a service refused what a staff page asked, and no screen
    caught it: the same page, with the service's reason, or for a page that refused to show
    (a GET, which would refuse again), the admin's home page.

    Staff read "Nothing was changed": the admin saves a form and deletes in one transaction,
    which the refusal rolls back, and an action on several objects catches each refusal
    (``run_each``) or runs in one transaction.
    """
    messages.error(request, f"Nothing was changed. {error}")
    if request.method == "POST":
        return HttpResponseRedirect(request.get_full_path())
    return HttpResponseRedirect(reverse("admin:index"))


def _next_url(request: HttpRequest) -> str:
    """Return the page on this site that a button asked to come back to, or ""."""
    url = request.POST.get(NEXT_FIELD, "") if request.method == "POST" else ""
    is_safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and is_safe else ""


def _object_action_name(opts: Any) -> str:
    return OBJECT_ACTION_URL_NAME.format(app_label=opts.app_label, model_name=opts.model_name)


def _back_url(modeladmin: admin.ModelAdmin, request: HttpRequest) -> str:
    """Return where an action started: the object's page (or the page its button named) for
    a button on it, else the list."""
    opts = modeladmin.opts
    match = request.resolver_match
    if match is not None and match.url_name == _object_action_name(opts):
        return _next_url(request) or reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[match.kwargs["object_id"]]
        )
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def object_action_url(obj: models.Model, action: str) -> str:
    """Return where a button on ``obj``'s page posts to run the admin action ``action`` on
    ``obj`` alone (``ObjectActionsMixin``)."""
    return reverse(f"admin:{_object_action_name(obj._meta)}", args=[quote(obj.pk), action])


class ObjectAction(NamedTuple):
    """A button on an object's change page: the admin action it runs, its words, where it
    posts."""

    name: str
    label: str
    url: str


class ObjectActionsMixin(ChangePageMixin):
    """Buttons on an object's change page that run one of the list's actions on that object
    alone, then come back to the page.

    Each button posts to the object's action address (``object_action_url``), which runs the
    ``ModelAdmin`` action of that name, with the same permissions as from the list, on a
    queryset of the one object. An action that asks for input returns its page, which posts
    back to the same address; once it is done, staff are back on the object's page (or the
    page on this site that the button named in ``next``). So an action is written once, for
    the list, and a button costs one line in ``object_action_choices``, which names the
    actions that the object's state allows. The page shows those that the person may use,
    under ``object_actions_heading``, when its template extends
    ``admin/object_actions_change_form.html``.
    """

    object_actions_heading = "Work on this"

    def object_action_choices(self, request: HttpRequest, obj: Any) -> list[tuple[str, str]]:
        """Return the actions (name, button's words) that ``obj``'s state allows."""
        return []

    def _page_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {
            **super()._page_context(request, obj),
            "object_actions": self.object_actions(
                request, obj, self.object_action_choices(request, obj)
            ),
            "object_actions_heading": self.object_actions_heading,
        }

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_button(
                self,
                "<path:object_id>/actions/<str:action>/",
                self.object_action_view,
                _object_action_name(self.opts),
            ),
            *super().get_urls(),
        ]

    def object_actions(
        self, request: HttpRequest, obj: models.Model, choices: Iterable[tuple[str, str]]
    ) -> list[ObjectAction]:
        """Return the buttons for ``choices`` (action name, words) that the person may use
        on ``obj``'s page."""
        allowed = self.get_actions(request)
        return [
            ObjectAction(name, label, object_action_url(obj, name))
            for name, label in choices
            if name in allowed
        ]

    def object_action_view(
        self, request: HttpRequest, object_id: str, action: str
    ) -> HttpResponseBase:
        """Run the action ``action`` on the one object, as the list would, and go back."""
        chosen = self.get_actions(request).get(action)
        if chosen is None:
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        run = chosen[0]
        response = run(self, request, self.get_queryset(request).filter(pk=obj.pk))
        if isinstance(response, HttpResponseBase):
            return response
        return HttpResponseRedirect(
            _next_url(request)
            or reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(obj.pk)],
            )
        )
