"""A council user signs in by the emailed link, and signs out, in a real browser."""

import pytest

from localdigital.mail.models import SENSITIVE_BODY_REMOVED, OutgoingEmail
from tests.e2e.journeys import sign_in_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("browser_page", ["ui", "ui_without_js"])
def test_signs_in_by_email_link_and_signs_out(browser_page, request):
    ui = request.getfixturevalue(browser_page)
    ui.goto("/")
    ui.follow(lambda: ui.page.get_by_role("link", name="Sign in").click())
    ui.page.get_by_label("Email address").fill("clerk@stockport.gov.uk")
    ui.follow(lambda: ui.page.get_by_role("button", name="Send me a sign-in link").click())
    assert ui.page.get_by_role("heading", name="Check your email").is_visible()

    ui.goto(sign_in_link("clerk@stockport.gov.uk"))
    outbox_row = OutgoingEmail.objects.get(recipient="clerk@stockport.gov.uk")
    assert outbox_row.body_text == SENSITIVE_BODY_REMOVED
    assert ui.page.get_by_role("heading", name="Continue signing in").is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    assert ui.path() == "/account/"
    assert ui.page.get_by_text("clerk@stockport.gov.uk").first.is_visible()

    ui.follow(lambda: ui.page.get_by_role("button", name="Sign out").click())
    assert ui.path() == "/"
    assert ui.page.get_by_text("You have signed out").is_visible()
    assert ui.page.get_by_role("link", name="Sign in").is_visible()


def test_shows_errors_in_gov_uk_style(ui):
    ui.goto("/account/sign-in/")
    ui.page.get_by_label("Email address").fill("not an email")
    ui.follow(lambda: ui.page.get_by_role("button", name="Send me a sign-in link").click())
    summary = ui.page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter an email address in the correct format" in summary.inner_text()
    assert ui.page.get_by_label("Email address").input_value() == "not an email"
