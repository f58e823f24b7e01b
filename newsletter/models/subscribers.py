"""The newsletter's subscribers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from declaration.models import Organisation


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class Subscriber(models.Model):
    """Someone who asked for the newsletter, by email address (unique whatever its case).

    States and transitions:

    - pending → confirmed: they press "Confirm" on the page their confirmation link opens,
      within 7 days of asking (double opt-in); only confirmed subscribers get issues;
    - pending → pending: they ask again; a new link is sent, and the old one stops working;
    - pending or confirmed → unsubscribed: one click from any newsletter email, no sign-in,
      or from their manage page;
    - unsubscribed → pending: they subscribe again, and confirm again;
    - pending or unsubscribed → confirmed: they subscribe from their manage page, whose
      link was emailed to the address (so it is proved, as a confirmation link proves it).

    Asking again while confirmed changes nothing. ``subscribed_at`` is when they last asked;
    the confirmation link is tied to it.
    """

    email = models.EmailField(max_length=254)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscribers",
    )
    status = models.CharField(
        max_length=12,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    subscribed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "declaration_subscriber"
        ordering = ["email"]
        verbose_name = "newsletter subscriber"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="declaration_subscriber_email_ci_unique",
                violation_error_message="This address has already subscribed.",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="declaration_subscriber_confirmed_has_confirmed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="unsubscribed") | Q(unsubscribed_at__isnull=False),
                name="declaration_subscriber_unsubscribed_has_unsubscribed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def can_confirm(self) -> bool:
        """Return whether a confirmation link may confirm this subscription."""
        return self.status == SubscriberStatus.PENDING

    def can_unsubscribe(self) -> bool:
        """Return whether unsubscribing changes anything."""
        return self.status != SubscriberStatus.UNSUBSCRIBED

    def can_resubscribe(self) -> bool:
        """Return whether subscribing from the manage page changes anything."""
        return self.status != SubscriberStatus.CONFIRMED
