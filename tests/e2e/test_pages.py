"""Every public page opens, passes axe-core, and works with JavaScript off."""

import pytest

from tests.declaration.factories import OrganisationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    ("/", "Local Digital"),
    ("/declaration/", "The Local Digital Declaration"),
    ("/accessibility/", "Accessibility statement for Local Digital"),
    ("/privacy/", "Privacy notice"),
    ("/cookies/", "Cookies"),
    ("/account/sign-in/", "Sign in to Local Digital"),
    ("/account/sign-in/check-your-email/", "Check your email"),
    ("/account/sign-in/link/?token=expired", "This link has expired or has been used"),
    ("/staff/sign-in/", "Staff sign in"),
    ("/no-such-page/", "Page not found"),
]


@pytest.mark.parametrize("browser_page", ["ui", "ui_without_js"])
def test_public_pages_pass_axe(browser_page, request):
    OrganisationFactory.create_batch(3)
    ui = request.getfixturevalue(browser_page)
    for path, heading in PUBLIC_PAGES:
        ui.goto(path)
        assert ui.page.get_by_role("heading", level=1).first.inner_text() == heading, path


def test_the_skip_link_and_navigation_work_by_keyboard(ui):
    ui.goto("/")
    ui.page.keyboard.press("Tab")
    skip = ui.page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    ui.page.keyboard.press("Enter")
    # GOV.UK Frontend's skip link moves focus to the main content (the hash may follow).
    ui.page.wait_for_function(
        "() => document.activeElement.id === 'main-content' || location.hash === '#main-content'"
    )
    assert ui.path() == "/"
    ui.follow(lambda: ui.page.get_by_role("link", name="The Declaration", exact=True).click())
    assert ui.path() == "/declaration/"


def test_the_footer_links_to_the_service_pages(ui_without_js):
    ui_without_js.goto("/")
    footer = ui_without_js.page.locator("footer")
    for name, path in [
        ("Accessibility statement", "/accessibility/"),
        ("Privacy notice", "/privacy/"),
        ("Cookies", "/cookies/"),
    ]:
        assert footer.get_by_role("link", name=name).get_attribute("href") == path
