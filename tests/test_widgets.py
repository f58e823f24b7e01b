"""The project's own widget templates write exactly what Django's would."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

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


def test_the_platforms_select_writes_what_django_writes_for_every_kind_of_choice():
    """Empty and missing values, numbers, a group without a name, a repeated value (only
    the first is selected), lazy, safe and unsafe labels: each as Django writes it."""
    choices = [
        (None, "Any"),
        (1, "One"),
        ("2", gettext_lazy("Two & more")),
        ("", [("x", "Ungrouped x"), (None, "Ungrouped none")]),
        ("Safe <b>", [("safe", mark_safe("<b>Bold</b>")), ("1", "One again")]),
        ("<script>", "<script>alert(1)</script>"),
    ]
    for attrs in ({}, {"class": "govuk-select", "id": "id_n", "aria-invalid": "true"}):
        ours = Select(choices=choices, attrs=attrs)
        theirs = forms.Select(choices=choices, attrs=attrs)
        for value in (None, "", 1, "1", "2", "x", "None", "safe", "<script>", ["1"]):
            assert ours.render("n", value) == theirs.render(
                "n", value, renderer=DjangoTemplates()
            ), value
        assert ours.render("n", "1", attrs={"required": True}) == theirs.render(
            "n", "1", attrs={"required": True}, renderer=DjangoTemplates()
        )
