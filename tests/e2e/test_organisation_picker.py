"""The organisation picker in a real browser, on each page that has it: the signing
journey's organisation question and the EOI and application partner pages.

With JavaScript it is an accessible autocomplete: in the GOV.UK font, accessible while
options are showing, and reached from the error summary. Without JavaScript it is a select
grouped by type, with a hint that says so. axe-core checks every page, and the page again
while the options are showing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from declaration.models import OrganisationType
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    OrganisationFactory,
    SigningFactory,
)
from tests.e2e.browser import CheckedPage
from tests.funding.factories import (
    ApplicationFactory,
    EoiFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signs_in(ui: CheckedPage, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    ui.page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def the_register() -> None:
    DeclarationVersionFactory(number=1)
    SignatoryFactory(
        name="Borsetshire County Council",
        slug="borsetshire",
        organisation_type=OrganisationType.COUNTY,
    )
    SignatoryFactory(
        name="Borchester City Council",
        slug="borchester",
        organisation_type=OrganisationType.UNITARY,
    )
    SignatoryFactory(
        name="Felpersham District Council",
        slug="felpersham",
        organisation_type=OrganisationType.DISTRICT,
    )


def signing_page() -> tuple[object, str, str]:
    """A signer's draft: its organisation question."""
    signing = SigningFactory.create(draft=True, organisation=None)
    return (
        signing.signer,
        f"/declaration/sign/{signing.reference}/organisation/",
        "Which organisation are you signing for?",
    )


def eoi_partners_page() -> tuple[object, str, str]:
    eoi = EoiFactory.create(lead_organisation=SignatoryFactory(name="Ambridge Parish"))
    return (
        eoi.created_by,
        f"/funding/expressions-of-interest/{eoi.reference}/partners/",
        "Add a partner organisation",
    )


def application_partners_page() -> tuple[object, str, str]:
    application = ApplicationFactory.create(
        round=RoundFactory(), lead_organisation=SignatoryFactory(name="Ambridge Parish")
    )
    return (
        member_of(application.lead_organisation),
        f"/funding/applications/{application.reference}/partners/",
        "Partner organisation",
    )


PAGES: dict[str, Callable[[], tuple[object, str, str]]] = {
    "signing": signing_page,
    "eoi-partners": eoi_partners_page,
    "application-partners": application_partners_page,
}


@pytest.fixture(params=list(PAGES))
def picker_page(request, live_server) -> tuple[object, str, str]:
    the_register()
    return PAGES[request.param]()


def test_the_options_are_accessible_and_in_the_gov_uk_font_while_typing(
    ui, live_server, picker_page
):
    user, path, label = picker_page
    signs_in(ui, live_server, user)
    ui.goto(path)
    page = ui.page
    hint = page.locator("#id_organisation_hint")
    assert hint.inner_text() == "Start typing its name, then choose it from the list."

    combobox = page.get_by_role("combobox", name=label)
    combobox.fill("Bor")
    option = page.get_by_role("option", name="Borsetshire County Council")
    option.wait_for()
    # axe again, with the options and the completion behind the typed text showing.
    ui.check()

    def font(locator) -> str:
        return locator.evaluate("element => getComputedStyle(element).fontFamily")

    gov_uk_font = font(page.locator("label[for=id_organisation]"))
    assert "GDS Transport" in gov_uk_font
    assert font(option) == gov_uk_font
    assert font(combobox) == gov_uk_font

    option.click()
    assert combobox.input_value() == "Borsetshire County Council"
    assert page.locator("select[name=organisation]").input_value() == "borsetshire"


def test_the_error_summary_leads_to_the_autocomplete_which_says_what_is_wrong(
    ui, live_server, picker_page
):
    user, path, label = picker_page
    signs_in(ui, live_server, user)
    ui.goto(path)
    page = ui.page
    button = page.locator("main form button[type=submit]").first
    ui.follow(button.click)

    summary_link = page.locator(".govuk-error-summary a").first
    message = summary_link.inner_text()
    assert message.startswith("Select ")
    summary_link.click()

    combobox = page.get_by_role("combobox", name=label)
    assert combobox.evaluate("element => element === document.activeElement")
    described_by = combobox.get_attribute("aria-describedby") or ""
    description = " ".join(
        page.locator(f"[id='{element_id}']").text_content() or ""
        for element_id in described_by.split()
    )
    assert message in description
    assert "govuk-input--error" in (combobox.get_attribute("class") or "")


def test_without_javascript_it_is_a_grouped_list_with_an_honest_hint(
    ui_without_js, live_server, picker_page
):
    ui = ui_without_js
    user, path, label = picker_page
    signs_in(ui, live_server, user)
    ui.goto(path)
    page = ui.page

    hint = page.locator("#id_organisation_hint").inner_text()
    assert "Start typing" not in hint
    assert "grouped by type" in hint
    select = page.get_by_label(label)
    groups = select.locator("optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert groups[:3] == ["County councils", "District councils", "Unitary authorities"]
    select.select_option(label="Felpersham District Council")
    assert select.input_value() == "felpersham"


def test_people_signing_without_javascript_choose_from_the_grouped_list(ui_without_js, live_server):
    """The whole choice, submitted: the signing journey goes on to the next question."""
    ui = ui_without_js
    the_register()
    OrganisationFactory(
        name="Loxley Barrett District Council",
        slug="loxley-barrett",
        organisation_type=OrganisationType.DISTRICT,
    )
    user = UserFactory()
    signing = SigningFactory(draft=True, organisation=None, signer=user)
    signs_in(ui, live_server, user)
    ui.goto(f"/declaration/sign/{signing.reference}/organisation/")

    ui.page.get_by_label("Which organisation are you signing for?").select_option(
        label="Loxley Barrett District Council"
    )
    ui.follow(ui.page.get_by_role("button", name="Continue").click)

    assert ui.path().endswith("/role/")
    signing.refresh_from_db()
    assert signing.organisation is not None
    assert signing.organisation.slug == "loxley-barrett"
