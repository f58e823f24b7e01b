"""A new member of staff signs in with a password, sets up an authenticator app by its
secret, gets backup codes and reaches the admin, in a real browser."""

from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp

from localdigital.accounts.services import staff_set_up_link, staff_user_create
from tests.accounts.factories import UserFactory
from tests.accounts.support import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_sets_up_two_factors(ui):
    UserFactory(email="officer@communities.gov.uk", staff=True, is_superuser=True)
    ui.goto("/admin/")
    assert ui.path() == "/staff/sign-in/?next=/admin/"
    ui.page.get_by_label("Email address").fill("officer@communities.gov.uk")
    ui.page.get_by_label("Password").fill(PASSWORD)
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


def test_a_set_up_link_leads_to_a_password_then_the_authenticator_app(ui):
    """The link that ``manage.py staff_create`` prints, followed in a browser: a password
    (a wrong one is told beside the field), then the authenticator app, then the admin."""
    user = staff_user_create(
        email="new.manager@communities.gov.uk", groups=["Fund manager"], created_by=None
    )
    link = urlsplit(staff_set_up_link(user=user))
    ui.goto(f"{link.path}?{link.query}")
    assert ui.path() == "/staff/set-up/"
    assert ui.page.get_by_role("heading", name="Create your password").is_visible()

    ui.page.get_by_label("Create a password").fill("short")
    ui.page.get_by_label("Type the password again").fill("short")
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    assert ui.page.get_by_role("heading", name="There is a problem").is_visible()

    ui.page.get_by_label("Create a password").fill("heron lantern copper meadow")
    ui.page.get_by_label("Type the password again").fill("heron lantern copper meadow")
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    assert ui.path() == "/staff/two-factor/setup/"
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    ui.page.get_by_text("I cannot scan the QR code").click()
    secret = ui.page.locator("#totp-secret").inner_text().strip()
    ui.page.get_by_label("Code from your authenticator app").fill(f"{totp(b32decode(secret)):06d}")
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    assert ui.page.get_by_role("heading", name="Your authenticator app is set up").is_visible()

    # The link has been used.
    ui.goto(f"{link.path}?{link.query}")
    assert ui.page.get_by_role(
        "heading", name="This set-up link has expired or has been used"
    ).is_visible()
