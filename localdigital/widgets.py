"""Form widgets the platform adds to Django's.

``Select`` is Django's select, written in Python rather than through the template engine:
the public lists' filters offer hundreds of organisations, and rendering each option through
a template was most of the time those pages took to render. Its HTML is Django's, byte for
byte (tests/test_widgets.py), so crispy-forms-gds and every test see the same field.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _escape(text: Any) -> str:
    """Escape ``text`` as the template engine does (``conditional_escape``), quickly for the
    plain strings that nearly every option is."""
    if type(text) is str:
        return html.escape(text)
    return str(conditional_escape(text))


def _attributes(attrs: dict[str, Any]) -> str:
    """Write ``attrs`` as django/forms/widgets/attrs.html does."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            written.append(f" {conditional_escape(name)}")
        else:
            written.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(written)


class Select(forms.Select):
    """Django's ``Select``, rendered in Python (see the module's docstring).

    The options are written straight from ``choices``, as Django's ``optgroups`` and the
    option template would write them, without building a context for each option.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        values = self.format_value(value)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        parts = [f'<select name="{_escape(name)}"', _attributes(final_attrs), ">"]
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, options = option_value, option_label
            else:
                group_name, options = "", [(option_value, option_label)]
            if group_name:
                parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
            for subvalue, sublabel in options:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_escape(str(subvalue))}"'
                    f"{' selected' if selected else ''}>{_escape(sublabel)}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
