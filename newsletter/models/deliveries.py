"""Each issue's delivery to each subscriber."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from localdigital.mail.models import OutgoingEmail

from .issues import NewsletterIssue
from .subscribers import Subscriber


class NewsletterDelivery(models.Model):
    """One issue for one subscriber, made once by the fan-out (unique per issue and subscriber).

    It has its outbox email, or none when the address was on the suppression list at the
    fan-out (``is_skipped``).
    """

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.PROTECT, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    email = models.OneToOneField(
        OutgoingEmail,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_delivery",
    )
    is_skipped = models.BooleanField(
        "skipped", default=False, help_text="Not sent: the address is on the suppression list."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "declaration_newsletterdelivery"
        verbose_name = "newsletter delivery"
        verbose_name_plural = "newsletter deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="declaration_newsletter_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} to {self.subscriber}"
