"""Records of deadline reminders sent, one per object, offset and recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .applications import Application
from .eois import ExpressionOfInterest


class DeadlineReminder(models.Model):
    """A record that one person was reminded of one bid's deadline, at one offset.

    The bid is an EOI or an application (exactly one). The unique constraints are what make
    each reminder go once, however often the job runs, and however many beats run it.
    """

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    offset_days = models.PositiveSmallIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(eoi__isnull=True, application__isnull=False)
                | Q(eoi__isnull=False, application__isnull=True),
                name="funding_reminder_one_bid",
            ),
            models.UniqueConstraint(
                fields=["eoi", "offset_days", "recipient"],
                condition=Q(eoi__isnull=False),
                name="funding_reminder_eoi_once",
            ),
            models.UniqueConstraint(
                fields=["application", "offset_days", "recipient"],
                condition=Q(application__isnull=False),
                name="funding_reminder_application_once",
            ),
        ]

    def __str__(self) -> str:
        bid = self.eoi or self.application
        return f"{bid}, {self.offset_days} days before, to {self.recipient}"
