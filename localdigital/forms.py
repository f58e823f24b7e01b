"""What every domain's forms share: the data a form is bound to (``posted``); the lines of
its error summary (``error_links``); text questions with a limit people may type past; the
crispy-forms helper of a form that a page lays out inside its own <form>, and of a public
list's filters, sent in the address; and the GOV.UK date input."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from crispy_forms_gds.templatetags.crispy_forms_gds import is_checkboxes, is_radios
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict

from localdigital.widgets import Select

DATE_PARTS = ("day", "month", "year")
TEXT_MAX = 200
LONG_TEXT_MAX = 5000
SEARCH_MAX = 100
# The longest email address there can be (RFC 5321).
EMAIL_MAX = 254


def posted(request: HttpRequest) -> QueryDict | None:
    """Return what a form is bound to: the data of a POST, even an empty one, so that it is
    validated and its errors shown (``request.POST or None`` would show an empty POST the
    blank form again); ``None`` for a GET or HEAD, so the form is unbound."""
    return request.POST if request.method == "POST" else None


@dataclass(frozen=True)
class ErrorLink:
    """One line of a GOV.UK error summary: what is wrong, and the link to where it is put
    right (``includes/problem_summary.html`` shows a list of them)."""

    message: str
    url: str


def error_links(form: forms.BaseForm) -> list[ErrorLink]:
    """Return the lines of ``form``'s error summary: its errors about the whole form, linked
    to its first field, then each field's, linked to the field (for radios and checkboxes,
    to the first option, as the Design System asks)."""
    fields = form.visible_fields()
    first = f"#{fields[0].auto_id}" if fields else ""
    links = [ErrorLink(str(error), first) for error in form.non_field_errors()]
    for field in fields:
        options = is_radios(field) or is_checkboxes(field)
        anchor = f"#id_{field.html_name}_1" if options else f"#{field.auto_id}"
        links += [ErrorLink(str(error), anchor) for error in field.errors]
    return links


class TypePastLimitMixin(forms.Field):
    """A field with a limit that people may type past: its input has no ``maxlength``, so
    the browser never cuts off what they typed or pasted where they may not notice; the page
    says how far over they are (the GOV.UK character count) and the error states the limit.
    """

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class LimitedTextField(TypePastLimitMixin, forms.CharField):
    """Text with a limit that people may type past."""


class LimitedURLField(TypePastLimitMixin, forms.URLField):
    """A web address with a limit that people may type past."""


def text_field(
    label: str,
    *,
    name: str,
    required: str = "",
    hint: str = "",
    max_length: int = TEXT_MAX,
    **attrs: str,
) -> forms.CharField:
    """Return a one-line text question; ``required`` is its message when left empty (an
    empty one makes it optional), ``name`` how its errors name it, and ``attrs`` more
    attributes of its input (``autocomplete``, say)."""
    widget = forms.TextInput(attrs={"class": "govuk-input", **attrs})
    return _limited_text(label, name, required, hint, max_length, widget)


def long_text_field(
    label: str,
    *,
    name: str,
    hint: str = "",
    required: str = "",
    rows: int = 8,
    max_length: int = LONG_TEXT_MAX,
) -> forms.CharField:
    """Return a question answered in a paragraph or more, up to ``max_length`` characters."""
    widget = forms.Textarea(attrs={"class": "govuk-textarea", "rows": rows})
    return _limited_text(label, name, required, hint, max_length, widget)


def _limited_text(
    label: str, name: str, required: str, hint: str, max_length: int, widget: forms.Widget
) -> forms.CharField:
    return LimitedTextField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=max_length,
        error_messages={
            "required": required,
            "max_length": f"{name} must be {max_length:,} characters or fewer",
        },
        widget=widget,
    )


def email_field(
    label: str,
    *,
    required: str = "",
    hint: str = "",
    what: str = "an email address",
    name: str = "Email address",
    **attrs: str,
) -> forms.EmailField:
    """Return a question for an email address: ``required`` is its message when left empty
    (an empty one makes it optional); an address it cannot read asks to "Enter ``what`` in
    the correct format", and one too long is named ``name``."""
    return forms.EmailField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=EMAIL_MAX,
        error_messages={
            "required": required,
            "invalid": f"Enter {what} in the correct format, like name@example.gov.uk",
            "max_length": f"{name} must be {EMAIL_MAX} characters or fewer",
        },
        widget=forms.EmailInput(attrs={"class": "govuk-input", "spellcheck": "false", **attrs}),
    )


def search_field(label: str, *, hint: str = "") -> forms.CharField:
    """Return a public list's search box, sent in the address: up to ``SEARCH_MAX``
    characters, typed past and told, and not checked for spelling (names and places)."""
    return LimitedTextField(
        label=label,
        help_text=hint,
        required=False,
        max_length=SEARCH_MAX,
        error_messages={"max_length": f"Search must be {SEARCH_MAX} characters or fewer"},
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


def filter_field(label: str, *, choose: str, choices: Any = ()) -> forms.ChoiceField:
    """Return one of a public list's filters: a select of ``choices`` (or those the form
    sets), whose error for a value not among them asks to "Choose ``choose`` from the
    list"."""
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices,
        error_messages={"invalid_choice": f"Choose {choose} from the list"},
        widget=Select,
    )


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


class DateField(DateInputField):
    """A date as the GOV.UK date input asks for it: day, month and year in three boxes. What
    was typed comes back with the error, and each error names the date (``name``): "The new
    end date must include a month", "… must be a real date"."""

    def __init__(self, *, label: str, name: str, required: str = "", hint: str = "") -> None:
        super().__init__(label=label, help_text=hint, required=bool(required))
        self.name = name
        self.error_messages["required"] = required

    def clean(self, value: Any) -> datetime.date | None:
        parts = [str(part or "").strip() for part in [*(value or []), "", "", ""][:3]]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [part for part, typed in zip(DATE_PARTS, parts, strict=True) if not typed]
        if missing:
            raise ValidationError(
                f"{self.name} must include a {' and a '.join(missing)}", code="incomplete"
            )
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError(year)
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{self.name} must be a real date", code="invalid") from None
