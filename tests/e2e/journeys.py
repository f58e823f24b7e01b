"""Steps that many browser journeys take: reading a link in an email as the person receives
it, and signing in by the emailed link."""

from __future__ import annotations

import re

from django.core import mail


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


def signs_in_by_email(ui, email: str) -> None:
    """On the sign-in page: ask for a link, open it from the email, and press Continue."""
    ui.page.get_by_label("Email address").fill(email)
    ui.follow(lambda: ui.page.get_by_role("button", name="Send me a sign-in link").click())
    ui.goto(sign_in_link(email))
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
