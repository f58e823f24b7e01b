"""The organisation picker: one field for the signing journey's organisation question and
the EOI and application partner pages.

Without JavaScript it is a select grouped by type of organisation, with a hint that says
so; JavaScript (static/js/organisation-autocomplete.js) turns it into an autocomplete and
gives it the hint in ``data-autocomplete-hint``.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django import forms
from django.template import Context, Template

from declaration.forms.organisation_picker import (
    HINT_WITH_JAVASCRIPT,
    HINT_WITHOUT_JAVASCRIPT,
    OrganisationPickerField,
)
from declaration.models import OrganisationType
from tests.declaration.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Every form that asks for an organisation from the register.
PICKER_FORMS = [
    "declaration.forms.signing.OrganisationForm",
    "funding.forms.eois.PartnerForm",
    "funding.forms.applications.ApplicationPartnerForm",
]


def form_class(path: str) -> type[forms.Form]:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def rendered(form: forms.Form) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


@pytest.fixture
def register() -> None:
    OrganisationFactory(
        name="Borsetshire County Council",
        slug="borsetshire",
        organisation_type=OrganisationType.COUNTY,
    )
    OrganisationFactory(
        name="Felpersham District Council",
        slug="felpersham",
        organisation_type=OrganisationType.DISTRICT,
    )
    OrganisationFactory(
        name="Ambridge District Council",
        slug="ambridge",
        organisation_type=OrganisationType.DISTRICT,
    )
    OrganisationFactory(
        name="Old Borsetshire District Council",
        slug="old-borsetshire",
        organisation_type=OrganisationType.DISTRICT,
        closed=True,
    )


@pytest.mark.parametrize("path", PICKER_FORMS)
class TestEveryFormUsesThePicker:
    def test_the_organisation_is_asked_with_the_one_picker(self, path):
        field = form_class(path)().fields["organisation"]

        assert type(field) is OrganisationPickerField

    def test_groups_open_organisations_by_type_in_the_registers_order_then_a_to_z(
        self, path, register
    ):
        html = rendered(form_class(path)())

        groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
        assert [label for label, _ in groups] == ["County councils", "District councils"]
        districts = re.findall(r"<option [^>]*>([^<]+)</option>", groups[1][1])
        assert districts == ["Ambridge District Council", "Felpersham District Council"]
        assert "Old Borsetshire" not in html

    def test_hints_honestly_without_javascript_and_gives_the_script_its_own_hint(
        self, path, register
    ):
        html = rendered(form_class(path)())

        hint = re.search(r'<div id="id_organisation_hint" class="govuk-hint">(.*?)</div>', html)
        assert hint is not None
        assert hint.group(1).strip() == HINT_WITHOUT_JAVASCRIPT
        assert "Start typing" not in HINT_WITHOUT_JAVASCRIPT
        assert "grouped by type" in HINT_WITHOUT_JAVASCRIPT
        assert f'data-autocomplete-hint="{HINT_WITH_JAVASCRIPT}"' in html
        assert HINT_WITH_JAVASCRIPT.startswith("Start typing")
        assert "data-organisation-autocomplete" in html

    def test_accepts_an_organisation_in_any_group(self, path, register):
        form = form_class(path)({"organisation": "felpersham"})

        form.is_valid()

        assert "organisation" not in form.errors
        assert form.cleaned_data["organisation"].slug == "felpersham"

    def test_refuses_a_closed_organisation(self, path, register):
        form = form_class(path)({"organisation": "old-borsetshire"})

        assert not form.is_valid()
        assert "from the list" in form.errors["organisation"][0]


def test_keeps_the_choice_selected_inside_its_group(register):
    form = form_class(PICKER_FORMS[0])(initial={"organisation": "felpersham"})

    html = rendered(form)

    assert '<option value="felpersham" selected>Felpersham District Council</option>' in html


def test_every_type_of_organisation_has_a_group_heading():
    assert set(OrganisationPickerField.group_labels) == set(OrganisationType)


def test_lists_the_register_in_one_query(register, django_assert_num_queries):
    form = form_class(PICKER_FORMS[0])()

    with django_assert_num_queries(1):
        rendered(form)
