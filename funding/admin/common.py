"""What the Fund's staff screens share: read-only inlines, the page that asks for an
action's input, and running a service on each selected object."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ..errors import FundingError

Obj = TypeVar("Obj", bound=models.Model)

ACTION_FORM_TEMPLATE = "admin/funding/action_form.html"
# Where an action returns to: the object's own page ("detail", for one object), or a
# cluster's page ("cluster:<id>", from the buttons on a cluster's page).
RETURN_FIELD = "_return"
RETURN_DETAIL = "detail"
RETURN_CLUSTER = "cluster:"


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on their parent's page, for reading only.

    They are whoever may view the parent's to read: the applicant's partners, budget and
    history are the applicant's, and are changed only through the services.
    """

    extra = 0
    can_delete = False
    # Related rows each row shows, read in the same query.
    related: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related(*self.related)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def count_of(count: int, singular: str, plural: str) -> str:
    """Return "1 expression of interest" or "3 expressions of interest"."""
    return f"{count} {singular if count == 1 else plural}"


def eois_named(count: int) -> str:
    """Return "1 expression of interest" or "3 expressions of interest"."""
    return count_of(count, "expression of interest", "expressions of interest")


def action_form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    action: str,
    title: str,
    intro: str,
    submit: str,
    form: forms.Form,
    objects: Sequence[tuple[int, str]],
) -> TemplateResponse:
    """Return the page that asks for an action's input, for the objects selected.

    It posts back to the same list (filters included), with the selection, the action and
    ``confirm``, so that the action runs again with the form filled in; what staff typed is
    kept when the form has errors.
    """
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
        "return_to": request.POST.get(RETURN_FIELD, ""),
    }
    return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


def confirmed_data(request: HttpRequest) -> Any:
    """Return the action form's data when staff sent it from the action's page, else None
    (the first time the action is chosen, the form starts empty)."""
    return request.POST if "confirm" in request.POST else None


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
) -> list[Obj]:
    """Run the service on each object; tell staff what it did (``done``, formatted with a
    description of each object changed: its label, or ``describe(object, result)``) and
    what it refused (``refused``, then each label and the service's reason). Return the
    objects changed."""
    changed: list[Obj] = []
    described: list[str] = []
    problems: list[str] = []
    for obj in objects:
        try:
            result = run(obj)
        except FundingError as error:
            problems.append(f"{label(obj)} ({error})")
        else:
            changed.append(obj)
            described.append(describe(obj, result) if describe else label(obj))
    if changed:
        modeladmin.message_user(request, done.format(", ".join(described)), messages.SUCCESS)
    if problems:
        modeladmin.message_user(request, f"{refused} " + "; ".join(problems), messages.ERROR)
    return changed


def return_response(
    request: HttpRequest, objects: Sequence[models.Model], *, detail_url_name: str
) -> HttpResponse | None:
    """Return staff to the page the action was started from: the object's own page, or a
    cluster's page; None goes back to the list."""
    to = request.POST.get(RETURN_FIELD, "")
    if to == RETURN_DETAIL and len(objects) == 1:
        return HttpResponseRedirect(reverse(detail_url_name, args=[objects[0].pk]))
    if to.startswith(RETURN_CLUSTER) and to.removeprefix(RETURN_CLUSTER).isdigit():
        return HttpResponseRedirect(
            reverse("admin:funding_eoicluster_change", args=[int(to.removeprefix(RETURN_CLUSTER))])
        )
    return None
