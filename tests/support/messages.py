"""Reading the messages a request added, as the admin and the pages show them."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages


def messages_of(response: Any) -> list[str]:
    """Return the messages the request added (shown on the page, or after its redirect)."""
    return [str(message) for message in get_messages(response.wsgi_request)]
