"""The text questions every domain's forms use (localdigital/forms.py)."""

from __future__ import annotations

import pytest
from django import forms

from localdigital.forms import (
    LimitedURLField,
    email_field,
    error_links,
    filter_field,
    long_text_field,
    posted,
    search_field,
    text_field,
)


class UpdateForm(forms.Form):
    title = text_field("Title", name="Title", required="Enter a title", max_length=10)
    body = long_text_field("Your update", name="Your update", max_length=2_000)


def test_the_browser_does_not_cut_off_what_people_type_past_the_limit():
    form = UpdateForm()

    assert "maxlength" not in str(form["title"])
    assert "maxlength" not in str(form["body"])
    assert 'class="govuk-input"' in str(form["title"])
    assert 'class="govuk-textarea"' in str(form["body"])


def test_what_is_typed_past_the_limit_is_kept_and_the_error_states_the_limit():
    form = UpdateForm({"title": "x" * 11, "body": "y" * 2_001})

    assert not form.is_valid()
    assert form.errors == {
        "title": ["Title must be 10 characters or fewer"],
        "body": ["Your update must be 2,000 characters or fewer"],
    }
    assert form["title"].value() == "x" * 11


def test_an_empty_required_question_says_what_to_enter_and_an_optional_one_may_be_empty():
    form = UpdateForm({"title": "", "body": ""})

    assert form.errors == {"title": ["Enter a title"]}


class ListFilterForm(forms.Form):
    q = search_field("Search")
    region = filter_field("Region", choose="a region", choices=[("", "All"), ("north", "North")])


def test_a_search_box_takes_what_is_typed_past_its_limit_and_says_so():
    form = ListFilterForm({"q": "x" * 101})

    assert "maxlength" not in str(form["q"])
    assert 'type="search"' in str(form["q"])
    assert form.errors == {"q": ["Search must be 100 characters or fewer"]}


def test_a_filter_asks_for_a_choice_from_the_list():
    form = ListFilterForm({"region": "atlantis"})

    assert form.errors == {"region": ["Choose a region from the list"]}
    assert ListFilterForm({"region": "north"}).is_valid()


class ManagerForm(forms.Form):
    email = email_field(
        "Your line manager's email address",
        required="Enter your line manager's email address",
        what="your line manager's email address",
        name="Your line manager's email address",
    )


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter your line manager's email address"),
        (
            "not an address",
            "Enter your line manager's email address in the correct format, like "
            "name@example.gov.uk",
        ),
        (
            "a" * 250 + "@example.gov.uk",
            "Your line manager's email address must be 254 characters or fewer",
        ),
    ],
)
def test_an_email_address_question_says_what_is_wrong_in_its_own_words(typed, error):
    form = ManagerForm({"email": typed})

    assert form.errors == {"email": [error]}


class LinkForm(forms.Form):
    url = LimitedURLField(
        label="Web address",
        max_length=30,
        assume_scheme="https",
        error_messages={"max_length": "The address must be 30 characters or fewer"},
    )


def test_a_web_address_takes_what_is_pasted_past_its_limit_and_says_so():
    form = LinkForm({"url": "https://github.com/borsetshire/missed-bins"})

    assert "maxlength" not in str(form["url"])
    assert form.errors == {"url": ["The address must be 30 characters or fewer"]}


@pytest.mark.parametrize(
    ("method", "bound"), [("get", False), ("head", False), ("post", True)], ids=str
)
def test_a_form_is_bound_to_a_post_even_an_empty_one_and_never_to_a_get(rf, method, bound):
    request = getattr(rf, method)("/")

    form = forms.Form(posted(request))

    assert form.is_bound is bound


class Choices(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("red", "Red")], widget=forms.RadioSelect)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def test_an_error_summary_links_each_error_to_its_field_and_a_radio_to_its_first_option():
    form = Choices({})

    assert [(link.message, link.url) for link in error_links(form)] == [
        ("Something about the whole form", "#id_name"),
        ("This field is required.", "#id_name"),
        ("This field is required.", "#id_colour_1"),
    ]
