"""Steps that many browser journeys take: reading a link in an email as the person receives
it, signing in by the emailed link or to the admin with two factors, pressing the admin's
buttons, and the council officer's steps through a bid to the Fund."""

from __future__ import annotations

import re
from typing import Literal

from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.support import PASSWORD
from tests.e2e.browser import CheckedPage

# The member of staff most journeys sign in as.
STAFF_EMAIL = "fund.manager@communities.gov.uk"
# The council officer who bids to the Fund.
OFFICER = "officer@borsetshire.gov.uk"


def link_in_last_email(to: str, pattern: str) -> str:
    """Return the path of the first link matching ``pattern`` in the last email to ``to``.

    The outbox keeps no sign-in link once the email is sent, so it comes from the message
    as sent."""
    body = [str(message.body) for message in mail.outbox if message.to == [to]][-1]
    match = re.search(rf"https?://[^/\s]+({pattern}\S*)", body)
    assert match, body
    return match.group(1)


def sign_in_link(email: str) -> str:
    """Return the path of the sign-in link in the last email sent to ``email``."""
    return link_in_last_email(email, r"/account/sign-in/link/\?")


def signs_in_by_email(ui: CheckedPage, email: str) -> None:
    """On the sign-in page: ask for a link, open it from the email, and press Continue."""
    ui.page.get_by_label("Email address").fill(email)
    ui.follow(lambda: ui.page.get_by_role("button", name="Send me a sign-in link").click())
    ui.goto(sign_in_link(email))
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())


def signs_in_to_the_admin(ui: CheckedPage, email: str, device: TOTPDevice) -> None:
    """Sign in to the admin as ``email``, with the password the user factory gives staff and
    a code from ``device``."""
    ui.goto("/admin/")
    ui.page.get_by_label("Email address").fill(email)
    ui.page.get_by_label("Password").fill(PASSWORD)
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    ui.page.get_by_label("Code from your authenticator app").fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    )
    ui.follow(lambda: ui.page.get_by_role("button", name="Sign in").click())
    assert ui.path() == "/admin/"


def click(
    ui: CheckedPage, role: Literal["button", "link"], name: str, *, exact: bool = False
) -> None:
    """Press the button or follow the link named ``name``, and check the page it leads to."""
    ui.follow(lambda: ui.page.get_by_role(role, name=name, exact=exact).click())


def message(ui: CheckedPage) -> str:
    """Return the admin's messages on the page."""
    return ui.page.locator("ul.messagelist").inner_text()


def officer_signs_in(ui: CheckedPage) -> None:
    """The council officer signs in by the emailed link and lands on their account."""
    ui.goto("/account/sign-in/")
    signs_in_by_email(ui, OFFICER)
    assert ui.path() == "/account/"


def save(ui: CheckedPage, button: str = "Save and return to the task list") -> None:
    """Save a section of a bid with ``button``."""
    ui.follow(lambda: ui.page.get_by_role("button", name=button).click())


def completed(ui: CheckedPage) -> None:
    """Mark the section of a bid on the page as completed."""
    ui.page.get_by_label("Yes, I've completed this section").check()
