"""What the training admin's screens share: who may do what, the page that asks for an
action's input, showing a service's refusal, running a service on each object selected,
and CSV cells no spreadsheet runs as formulas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse

from localdigital import admin_actions

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
