"""A Django email backend that sends through GOV.UK Notify."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient

_HTTPS_URL_IN_ANGLES = re.compile(r"<(https://[^>\s]+)>")


class NotifyEmailBackend(BaseEmailBackend):
    """Send each message as a GOV.UK Notify email, through one generic template.

    The template (``GOVUK_NOTIFY_TEMPLATE_ID``) has the subject ``((subject))`` and the body
    ``((body))``; Notify has no HTML emails, so only the text body is sent. Each recipient is
    one notification, whose ``reference`` is the message's Message-ID, so a delivery receipt
    or a repeat can be matched to its outbox row. An https link in ``List-Unsubscribe`` is
    given to Notify as the one-click unsubscribe URL. After a send, the message's
    ``provider_reference`` is Notify's notification id.

    ``api_key``, ``template_id``, ``base_url`` and ``timeout`` default to the settings.
    """

    def __init__(
        self,
        fail_silently: bool = False,
        *,
        api_key: str | None = None,
        template_id: str | None = None,
        base_url: str | None = None,
        timeout: int | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(fail_silently=fail_silently)
        self.api_key = api_key or settings.GOVUK_NOTIFY_API_KEY
        self.template_id = template_id or settings.GOVUK_NOTIFY_TEMPLATE_ID
        self.base_url = base_url or settings.GOVUK_NOTIFY_BASE_URL
        self.timeout = timeout or settings.EMAIL_TIMEOUT
        if not self.api_key or not self.template_id:
            raise ImproperlyConfigured(
                "GOV.UK Notify needs GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_TEMPLATE_ID."
            )
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        """Create the API client; return whether this call created it."""
        if self.client is not None:
            return False
        self.client = NotificationsAPIClient(
            self.api_key, base_url=self.base_url, timeout=self.timeout
        )
        return True

    def close(self) -> None:
        """Close the client's HTTP connections."""
        if self.client is not None:
            self.client.request_session.close()
            self.client = None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        """Send the messages and return how many went; raise on errors unless silent."""
        if not email_messages:
            return 0
        created = self.open()
        sent = 0
        try:
            for message in email_messages:
                try:
                    self._send(message)
                except Exception:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if created:
                self.close()
        return sent

    def _send(self, message: EmailMessage) -> None:
        assert self.client is not None
        headers = {name.lower(): value for name, value in message.extra_headers.items()}
        unsubscribe = _HTTPS_URL_IN_ANGLES.search(headers.get("list-unsubscribe", ""))
        for recipient in message.recipients():
            response = self.client.send_email_notification(
                email_address=recipient,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.body},
                reference=headers.get("message-id") or None,
                one_click_unsubscribe_url=unsubscribe.group(1) if unsubscribe else None,
            )
            message.provider_reference = response["id"]  # type: ignore[attr-defined]
