"""The declaration app's receivers of other apps' signals. Each hands over to a service."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from localdigital.mail.signals import emails_finished

from . import services as newsletter_services


@receiver(emails_finished, dispatch_uid="declaration.newsletter_emails_finished")
def newsletter_emails_finished(sender: Any, email_ids: list[int], **kwargs: Any) -> None:
    """Mark sent any newsletter issue whose last email these were."""
    newsletter_services.newsletter_issues_finish(email_ids=email_ids)
