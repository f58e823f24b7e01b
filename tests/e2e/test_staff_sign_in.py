"""A new member of staff signs in with a password, sets up an authenticator app by its
secret, gets backup codes and reaches the admin, in a real browser."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_sets_up_two_factors(ui):
    UserFactory(email="officer@communities.gov.uk", staff=True, is_superuser=True)
    ui.goto("/admin/")
    assert ui.path() == "/staff/sign-in/?next=/admin/"
    ui.page.get_by_label("Email address").fill("officer@communities.gov.uk")
    ui.page.get_by_label("Password").fill("correct horse battery")
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())

    # The admin will not open without a device, so setup comes first.
    assert ui.path() == "/staff/two-factor/setup/"
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    qr = ui.page.get_by_role("img", name="QR code to add Local Digital to your authenticator app")
    assert qr.evaluate("image => image.naturalWidth > 0")
    ui.page.get_by_text("I cannot scan the QR code").click()
    secret = ui.page.locator("#totp-secret").inner_text().strip()
    ui.page.get_by_label("Code from your authenticator app").fill(f"{totp(b32decode(secret)):06d}")
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())

    assert ui.page.get_by_role("heading", name="Your authenticator app is set up").is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Create backup codes").click())
    assert ui.page.locator("#backup-codes li").count() == 10
    ui.follow(lambda: ui.page.get_by_role("link", name="Continue to the admin").click())
    assert ui.path() == "/admin/"
    assert ui.page.get_by_role("heading", name="Run the programme").is_visible()
