"""Admin actions that ask for input, then run a service on each object selected, and what
the admin does with a service's refusal.

Every domain's staff screens use these: the Fund's and Training's ``admin/common.py`` bind
them to their own template. A refusal is any domain's ``DomainError``: an action tells staff
of each (``run_each``), and the admin site turns one that no screen caught into a message on
the page (``refusal_response``), never a server error. This module knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from localdigital.errors import DomainError, NotPermitted, TransitionNotAllowed

Obj = TypeVar("Obj", bound=models.Model)


def count_of(count: int, singular: str, plural: str) -> str:
    """Return "1 person", "3 people" or "1,200 people"."""
    return f"{count:,} {singular if count == 1 else plural}"


def confirmed_data(request: HttpRequest) -> Any:
    """Return the action form's data when staff sent it from the action's page, else None
    (the first time the action is chosen, the form starts empty)."""
    return request.POST if "confirm" in request.POST else None


def action_form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    template: str,
    action: str,
    title: str,
    intro: str,
    submit: str,
    form: forms.Form,
    objects: Sequence[tuple[int, str]],
    extra_context: Mapping[str, Any] | None = None,
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
        **(extra_context or {}),
    }
    return TemplateResponse(request, template, context)


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
    refusals: tuple[type[Exception], ...] = (DomainError,),
) -> list[Obj]:
    """Run the service on each object; tell staff what it did (``done``, formatted with a
    description of each object changed: its label, or ``describe(object, result)``) and
    what it refused (``refused``, then each label and the service's reason, for each of
    the ``refusals`` it raised: any domain's, unless told otherwise). Return the objects
    changed."""
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
        modeladmin.message_user(request, done.format(", ".join(described)), messages.SUCCESS)
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
