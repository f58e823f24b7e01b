"""What the training admin's screens share: who may do what, the page that asks for an
action's input, showing a service's refusal, running a service on each object selected,
and CSV cells no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from io import StringIO
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from localdigital.open_data import csv_cell_safe

from ..errors import NotPermitted, TrainingError, TransitionNotAllowed

Obj = TypeVar("Obj", bound=models.Model)

ACTION_FORM_TEMPLATE = "admin/training/action_form.html"
NEEDS_PERMISSION = "training.view_enrolment_needs"


def can_run_training(request: HttpRequest) -> bool:
    """Return whether the person may change training data: a training administrator or a
    superuser, who hold the permissions migration training 0002 grants."""
    return request.user.has_perm("training.change_cohort") and request.user.has_perm(
        "training.change_enrolment"
    )


def can_see_needs(request: HttpRequest) -> bool:
    """Return whether the person may see accessibility and dietary needs, which are
    special-category data."""
    return request.user.has_perm(NEEDS_PERMISSION)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return the rows as CSV under ``headers``, every cell made safe."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_cell_safe(cell) for cell in row])
    return out.getvalue()


def csv_response(text: str, *, name: str) -> HttpResponse:
    """Return CSV as a download called ``<name>-<today>.csv``."""
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


def service_error_show(form: forms.Form, error: TrainingError, field: str | None) -> None:
    """Show a service's refusal on the form: about the state of things above the form, and
    about what was typed beside ``field``."""
    if field is None or isinstance(error, TransitionNotAllowed | NotPermitted):
        form.add_error(None, str(error))
    else:
        form.add_error(field, str(error))


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
    ``confirm``, so that the action runs again with the form filled in.
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
) -> list[Obj]:
    """Run the service on each object; tell staff which it changed (``done``, formatted
    with their labels) and which it refused (``refused``, then each label and the
    service's reason). Return the objects changed."""
    changed: list[Obj] = []
    problems: list[str] = []
    for obj in objects:
        try:
            run(obj)
        except TrainingError as error:
            problems.append(f"{label(obj)} ({error})")
        else:
            changed.append(obj)
    if changed:
        modeladmin.message_user(
            request, done.format(", ".join(label(obj) for obj in changed)), messages.SUCCESS
        )
    if problems:
        modeladmin.message_user(request, f"{refused} " + "; ".join(problems), messages.ERROR)
    return changed


def count_of(count: int, singular: str, plural: str) -> str:
    """Return "1 person" or "3 people"."""
    return f"{count} {singular if count == 1 else plural}"
