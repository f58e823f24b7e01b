"""The outbox: every email the service sends is a row here first."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Stream(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactional"
    NEWSLETTER = "newsletter", "Newsletter"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(models.Model):
    """One email, created in the same transaction as the change that caused it.

    States and transitions:

    - queued → sending: a worker claims the row (under ``select_for_update(skip_locked=True)``);
    - sending → sent: the provider accepted the message;
    - sending → queued: a temporary error, to be tried again after a backoff;
    - sending → failed: a permanent error, too many attempts, or a suppressed recipient;
    - failed → queued: staff retry it from the admin.

    ``idempotency_key`` is unique, so queuing the same message twice makes one row; it is
    also the message's ``Message-ID``, so a repeat after a crash can be recognised.
    """

    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    stream = models.CharField(max_length=20, choices=Stream.choices, default=Stream.TRANSACTIONAL)
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outgoing email"
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", "Hard bounce"
    COMPLAINT = "complaint", "Complaint"
    MANUAL = "manual", "Added by staff"


class Suppression(models.Model):
    """An address that bounced hard or complained. Nothing is sent to it."""

    email = models.EmailField(max_length=254)
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="mail_suppression_email_ci_unique")
        ]

    def __str__(self) -> str:
        return self.email
