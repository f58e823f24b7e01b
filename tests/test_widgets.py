"""The project's own widget templates write exactly what Django's would."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from localdigital.widgets import Select

CHOICES = [
    ("", "All organisations"),
    ("hackney", "Hackney Council (3)"),
    ("camden", 'Camden & "Partners" <Council>'),
    ("Counties", [("kent", "Kent County Council"), ("essex", "Essex County Council")]),
]


def test_a_select_is_written_as_djangos_own_with_its_choice_selected():
    """templates/django/forms/widgets/select.html writes each option itself, for speed."""
    widget = forms.Select(choices=CHOICES, attrs={"class": "govuk-select", "id": "id_org"})

    ours = widget.render("organisation", "camden", renderer=get_default_renderer())
    djangos = widget.render("organisation", "camden", renderer=DjangoTemplates())

    assert ours == djangos
    assert '<option value="camden" selected>Camden &amp; &quot;Partners&quot;' in ours
    assert '<optgroup label="Counties">' in ours


def test_a_multiple_select_is_written_as_djangos_own():
    widget = forms.SelectMultiple(choices=CHOICES[:3])

    ours = widget.render("organisations", ["hackney", "camden"], renderer=get_default_renderer())
    djangos = widget.render("organisations", ["hackney", "camden"], renderer=DjangoTemplates())

    assert ours == djangos


def test_the_platforms_select_writes_what_django_writes():
    """localdigital.widgets.Select is written in Python, for the public lists' filters."""
    ours = Select(choices=CHOICES, attrs={"class": "govuk-select", "id": "id_org"})
    theirs = forms.Select(choices=CHOICES, attrs={"class": "govuk-select", "id": "id_org"})

    for value in ("camden", "", "kent", "not-a-choice"):
        assert ours.render("organisation", value) == theirs.render(
            "organisation", value, renderer=DjangoTemplates()
        )
