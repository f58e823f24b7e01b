"""What every domain's forms share: the crispy-forms helper of a form that a page lays out
inside its own <form>, and of a public list's filters, sent in the address."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size


def form_helper(*fields: Any) -> FormHelper:
    """Return a crispy-forms helper that lays out ``fields`` inside the page's own <form>,
    which holds the CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def filter_form_helper(*fields: Any) -> FormHelper:
    """Return the crispy-forms helper of a public list's search and filters: laid out inside
    the page's own <form>, which sends them in the address (GET)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.form_method = "get"
    helper.layout = Layout(*fields)
    return helper


def filter_select(name: str) -> Field:
    """Return the layout of one of a list's filters: a select with a small label."""
    return Field(name, context={"label_size": Size.for_label(Size.SMALL)})
