import re
from urllib.parse import parse_qs, urlsplit

import pytest

from localdigital.mail.models import OutgoingEmail


def link_in(email: OutgoingEmail) -> str:
    """Return the sign-in link (path and query) in an outbox email."""
    match = re.search(r"https?://\S+/account/sign-in/link/\?\S+", email.body_text)
    assert match, f"no sign-in link in: {email.body_text}"
    url = urlsplit(match.group(0))
    return f"{url.path}?{url.query}"


def token_in(email: OutgoingEmail) -> str:
    return parse_qs(urlsplit(link_in(email)).query)["token"][0]


@pytest.fixture
def request_link(client, django_capture_on_commit_callbacks):
    """Ask for a sign-in link as a visitor would, returning the response."""

    def request(email: str, **extra: str):
        with django_capture_on_commit_callbacks(execute=False):
            return client.post("/account/sign-in/", {"email": email, **extra}, **{})

    return request
