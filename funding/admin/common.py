"""What the Fund's staff screens share: read-only inlines, and the shared admin actions
(``localdigital.admin_actions``) bound to the Fund's template."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from localdigital import admin_actions
from localdigital.admin_actions import count_of

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
    """Return the page that asks for an action's input (``admin_actions.action_form_page``),
    keeping where staff came from so that the action returns them there."""
    return admin_actions.action_form_page(
        modeladmin,
        request,
        template=ACTION_FORM_TEMPLATE,
        action=action,
        title=title,
        intro=intro,
        submit=submit,
        form=form,
        objects=objects,
        extra_context={"return_to": request.POST.get(RETURN_FIELD, "")},
    )


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
