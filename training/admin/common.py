"""What the training admin's screens share: who may do what, the page that asks for an
action's input, showing a service's refusal, running a service on each object selected,
and CSV cells no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from io import StringIO
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from localdigital import admin_actions
from localdigital.open_data import csv_cell_safe

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
    """Return the page that asks for an action's input (``admin_actions.action_form_page``)."""
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
    )
