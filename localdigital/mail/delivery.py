"""Handing an outbox row to the provider: building the message, and reading its errors.

Nothing here changes a row; ``services`` decides what each outcome does to it.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import HTTPError as NotifyHTTPError

from .models import OutgoingEmail

NOTIFY_BACKEND = "localdigital.mail.backends.NotifyEmailBackend"


@dataclass(frozen=True)
class SendError:
    """A failed hand-over: ``temporary`` ones are tried again later, others fail the row."""

    temporary: bool
    description: str


def get_provider_connection() -> BaseEmailBackend:
    """Return the connection every email goes through: GOV.UK Notify when it has a key."""
    if settings.GOVUK_NOTIFY_API_KEY:
        return get_connection(NOTIFY_BACKEND)
    return get_connection()


def email_message_build(*, email: OutgoingEmail) -> EmailMultiAlternatives:
    """Return the message for an outbox row, with the row's own Message-ID on every send."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={**email.headers, "Message-ID": email.message_id},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def email_deliver(*, email: OutgoingEmail) -> str:
    """Hand one email to the provider and return the provider's reference for it, if any.

    Raises whatever the provider raised; ``send_error_read`` says what it means.
    """
    message = email_message_build(email=email)
    connection = get_provider_connection()
    message.connection = connection
    message.send()
    return getattr(message, "provider_reference", "")


def send_error_read(error: Exception) -> SendError:
    """Return whether a send error is temporary, and a description for the row.

    SMTP: a 5xx refusal of the recipient or of the message is permanent; 4xx replies, lost
    connections and server-wide refusals (login, sender) are temporary, since they concern
    every message and clear once the server or its settings are fixed. GOV.UK Notify: 429 and
    5xx (and failed connections, which its client reports as 503) are temporary, and other
    4xx, such as 400 (a bad address) and 403 (a bad key), permanent.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        temporary = any(code < 500 for code, _ in replies)
        detail = "; ".join(f"{code} {_decode(text)}" for code, text in replies)
        return SendError(temporary, f"SMTP recipient refused: {detail}")
    if isinstance(error, smtplib.SMTPResponseException):
        permanent = isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
        return SendError(
            not permanent,
            f"SMTP {error.smtp_code} {_decode(error.smtp_error)} ({type(error).__name__})",
        )
    if isinstance(error, smtplib.SMTPException | OSError):
        return SendError(True, f"Connection failed: {type(error).__name__}: {error}")
    if isinstance(error, NotifyHTTPError):
        temporary = error.status_code == 429 or error.status_code >= 500
        return SendError(temporary, f"GOV.UK Notify {error.status_code}: {error.message}")
    if isinstance(error, BadHeaderError):
        return SendError(False, f"The message cannot be sent: {error}")
    return SendError(True, f"Unexpected error: {type(error).__name__}: {error}")


def _decode(text: bytes | str) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)
