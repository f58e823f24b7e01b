"""Form widgets the platform adds to Django's.

``Select`` is Django's select, written in Python rather than through the template engine:
the public lists' filters offer hundreds of organisations, and rendering each option through
a template was most of the time those pages took to render. Its HTML is Django's, byte for
byte (tests/test_widgets.py), so crispy-forms-gds and every test see the same field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


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
    """Django's ``Select``, rendered in Python (see the module's docstring)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(_attributes(widget["attrs"]))
        parts.append(">")
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}"
                    "</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
