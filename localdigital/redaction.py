"""Keeping personal data out of what leaves the service for operators: log lines and error
reports.

Email addresses are the personal data this service holds most, and sign-in links carry a
token that signs someone in; either may turn up in an exception's message, a task's log
line or a local variable. ``redact`` replaces both wherever they appear in a piece of text.
"""

from __future__ import annotations

import re

EMAIL_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
# A query parameter whose name ends in "token" (sign-in links, unsubscribe links) keeps its
# name and loses its value.
TOKEN_PARAMETER = re.compile(r"(?i)([?&;][A-Za-z0-9_]*token=)[^&#\s'\"\\]+")

REDACTED_EMAIL = "[email]"
REDACTED_TOKEN = "[token]"  # noqa: S105 - what replaces a token, not a secret


def redact(text: str) -> str:
    """Return ``text`` with every email address and every token in a link replaced."""
    text = EMAIL_ADDRESS.sub(REDACTED_EMAIL, text)
    return TOKEN_PARAMETER.sub(rf"\1{REDACTED_TOKEN}", text)
