"""Reading the messages a request added, as the admin and the pages show them."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.http import HttpResponse


def messages_of(response: HttpResponse) -> list[str]:
    """Return the messages the request added (shown on the page, or after its redirect)."""
    return [str(message) for message in get_messages(response.wsgi_request)]
