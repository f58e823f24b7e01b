"""What every domain's forms share: the crispy-forms helper of a form that a page lays out
inside its own <form>."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout


def form_helper(*fields: Any) -> FormHelper:
    """Return a crispy-forms helper that lays out ``fields`` inside the page's own <form>,
    which holds the CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper
