"""The admin's own training pages: one form a page, with what the change is about above
it, an error summary at the top and each error beside its field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

FORM_PAGE_TEMPLATE = "admin/training/form_page.html"


def form_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    title: str,
    form: forms.Form | None,
    submit: str,
    back_url: str,
    crumbs: Sequence[tuple[str, str]] = (),
    summary: Sequence[tuple[str, Any]] = (),
    intro: str = "",
    refusal: str = "",
    template: str = FORM_PAGE_TEMPLATE,
    **extra: Any,
) -> TemplateResponse:
    """Return a page asking for one change. ``crumbs`` are (address, label) pairs after the
    model's list; ``summary`` (label, value) rows say what the change is about; a
    ``refusal`` says why the change cannot be made now, in place of the form."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "form": form if not refusal else None,
        "submit": submit,
        "back_url": back_url,
        "crumbs": crumbs,
        "summary": summary,
        "intro": intro,
        "refusal": refusal,
        "media": (modeladmin.media + form.media) if form is not None else modeladmin.media,
        **extra,
    }
    return TemplateResponse(request, template, context)
