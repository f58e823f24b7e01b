"""The outbox: every email the service sends is a row here first."""

from __future__ import annotations

import hashlib
import re
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

# Characters allowed in the left part of an RFC 5322 msg-id (``atext``), except "=", which
# message_id_for() uses to escape every other character.
_MSG_ID_SAFE = re.compile(r"[A-Za-z0-9!#$%&'*+\-/?^_`{|}~]")
# Escaped keys longer than this are hashed, so a Message-ID stays well within a header line.
_MSG_ID_MAX_LEFT = 200


def message_id_for(idempotency_key: str) -> str:
    """Return the RFC 5322 Message-ID for an idempotency key, such as ``<key@domain>``.

    Characters that a msg-id may not hold, and "=", are written as "=XX" for each UTF-8 byte,
    as are dots that would start or end the id or follow another dot. Decoding is unambiguous,
    so two keys never share a Message-ID. Very long results are replaced by a hash, marked
    "=sha256." (no escape starts "=s").
    """
    parts: list[str] = []
    for position, char in enumerate(idempotency_key):
        dot_inside_an_atom = (
            char == "."
            and 0 < position < len(idempotency_key) - 1
            and idempotency_key[position - 1] != "."
        )
        if dot_inside_an_atom or _MSG_ID_SAFE.fullmatch(char):
            parts.append(char)
        else:
            parts.append("".join(f"={byte:02X}" for byte in char.encode()))
    left = "".join(parts)
    if len(left) > _MSG_ID_MAX_LEFT:
        left = "=sha256." + hashlib.sha256(idempotency_key.encode()).hexdigest()
    return f"<{left}@{message_id_domain()}>"


def message_id_domain() -> str:
    """Return the domain of the service's sending address, which every Message-ID ends with."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2].strip().lower()
    return domain or "localdigital.gov.uk"


# What a failed email records when its recipient was on the suppression list.
SUPPRESSED_ERROR = "Suppressed: the address is on the suppression list, so nothing was sent."
# What a sensitive email's body becomes once it is sent, and what the admin shows instead of it.
SENSITIVE_BODY_REMOVED = "Removed after sending because it contained a secret."
SENSITIVE_BODY_HIDDEN = "Hidden: this email contains a sign-in link or other secret."


class Stream(models.TextChoices):
    """The kind of mail: transactional (caused by someone's action) or a newsletter."""

    TRANSACTIONAL = "transactional", "Transactional"
    NEWSLETTER = "newsletter", "Newsletter"


class EmailStatus(models.TextChoices):
    """Where an email is in the outbox; ``OutgoingEmail`` lists the transitions."""

    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class DeliveryStatus(models.TextChoices):
    """What the provider later reported about a sent email (GOV.UK Notify's own words)."""

    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Permanent failure (hard bounce)"
    TEMPORARY_FAILURE = "temporary-failure", "Temporary failure"
    TECHNICAL_FAILURE = "technical-failure", "Technical failure"


class OutgoingEmail(models.Model):
    """One email, created in the same transaction as the change that caused it.

    States and transitions:

    - queued → sending: a worker claims the row (under ``select_for_update(skip_locked=True)``);
    - sending → sent: the provider accepted the message;
    - sending → queued: a temporary error, to be tried again at ``next_attempt_at``; or the
      sweep found the row left in sending by a worker that died;
    - queued → failed: the recipient is suppressed, or the attempts are used up;
    - sending → failed: a permanent error, or a temporary one on the last attempt;
    - failed → queued: staff retry it from the admin;
    - queued → held: its sender paused the batch it belongs to (a newsletter issue);
    - held → queued: the batch was resumed;
    - queued or held → cancelled: the batch was cancelled, so it is never sent.

    Only queued rows are ever claimed, so a held or cancelled row is not sent, and the sweep
    leaves both alone.

    ``idempotency_key`` is unique, so queuing the same message twice makes one row. The
    ``message_id`` is derived from it and set on every send, so a repeat after a crash can be
    recognised. ``delivery_status`` is what the provider reported later, after "sent".

    An ``is_sensitive`` email holds a secret, such as a sign-in link. The admin never shows
    its body, and once it is sent its body is replaced by ``SENSITIVE_BODY_REMOVED``, so the
    secret does not outlive the send. Until then (queued, sending or failed) the body is kept,
    so that the email can still be sent.
    """

    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    stream = models.CharField(max_length=20, choices=Stream.choices, default=Stream.TRANSACTIONAL)
    is_sensitive = models.BooleanField(
        "sensitive",
        default=False,
        help_text="It contains a sign-in link or other secret: its body is never shown, and is "
        "removed once it is sent.",
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    message_id = models.CharField("Message-ID", max_length=500, unique=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    queued_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus.choices, blank=True)
    delivery_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outgoing email"
        indexes = [
            models.Index(
                fields=["queued_at"],
                name="mail_email_pending_idx",
                condition=Q(status__in=["queued", "sending"]),
            ),
            # For the sweep's question "has the newsletter stream claimed anything lately?".
            models.Index(
                fields=["sending_started_at"],
                name="mail_newsletter_claimed_idx",
                condition=Q(stream="newsletter"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(sending_started_at__isnull=False),
                name="mail_email_sending_has_started_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="mail_email_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | Q(failed_at__isnull=False),
                name="mail_email_failed_has_failed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"

    def can_retry(self) -> bool:
        """Return whether staff may queue this email again."""
        return self.status == EmailStatus.FAILED


class SuppressionReason(models.TextChoices):
    """Why nothing may be sent to an address."""

    HARD_BOUNCE = "hard_bounce", "Hard bounce"
    COMPLAINT = "complaint", "Complaint"
    MANUAL = "manual", "Added by staff"


class Suppression(models.Model):
    """An address that bounced hard or complained. Nothing is sent to it.

    Addresses are kept in lower case, and are unique whatever their case.
    """

    email = models.EmailField(max_length=254)
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="mail_suppression_email_ci_unique",
                violation_error_message="This address is already on the suppression list.",
            )
        ]

    def __str__(self) -> str:
        return self.email


class StreamThrottle(models.Model):
    """The token bucket that paces one stream of email, shared by every worker.

    ``tokens`` is what was left at ``refilled_at``; it refills at the stream's rate, up to one
    second's worth, and each send takes one. It may go below zero: a send that takes a token
    not yet there waits until the bucket has refilled to it. The row is taken under
    ``select_for_update``, so the rate holds however many workers send.
    """

    stream = models.CharField(max_length=20, choices=Stream.choices, unique=True)
    tokens = models.FloatField()
    refilled_at = models.DateTimeField()

    class Meta:
        verbose_name = "stream throttle"

    def __str__(self) -> str:
        return f"{self.get_stream_display()} throttle"
