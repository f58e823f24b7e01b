"""The newsletter: subscribers, issues, and each issue's delivery to each subscriber."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from localdigital.mail.models import OutgoingEmail

from .organisations import Organisation


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


class IssueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"
    SENT = "sent", "Sent"


class NewsletterIssue(models.Model):
    """One issue of the newsletter: a subject and a Markdown body, written by staff.

    States and transitions:

    - draft → scheduled: staff choose a time to come (``scheduled_for``);
    - scheduled → draft: staff unschedule it, to change it;
    - draft or scheduled → sending: staff send it now, or its time comes (the beat job);
    - sending → paused: staff pause it; the fan-out stops, and emails not yet sent are held;
    - paused → sending: staff resume it; the held emails and the fan-out go on;
    - scheduled, sending or paused → cancelled: staff cancel it; nothing more is sent;
    - sending → sent: every delivery is finished (the beat job).

    Only a draft can be edited, or deleted (audited, by ``newsletter_issue_delete``).
    Sending fans out in batches, in order of subscriber: ``fanout_cursor`` is the last
    subscriber given a delivery, so a fan-out cut short (its worker died) carries on where it
    stopped. ``fanout_progressed_at`` is when a batch was last made, and
    ``fanout_completed_at`` when every confirmed subscriber had a delivery.
    ``recipient_count`` is the confirmed subscribers when sending started, and the deliveries
    made once the fan-out is complete.
    """

    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: ## for a heading, - for a list item.")
    status = models.CharField(
        max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT, db_index=True
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    recipient_count = models.PositiveIntegerField(default=0)
    fanout_cursor = models.BigIntegerField(default=0)
    fanout_progressed_at = models.DateTimeField(null=True, blank=True)
    fanout_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "newsletter issue"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_for__isnull=False),
                name="declaration_newsletterissue_scheduled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["sending", "paused", "sent"])
                | Q(started_at__isnull=False),
                name="declaration_newsletterissue_started_has_started_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="declaration_newsletterissue_cancelled_has_cancelled_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="declaration_newsletterissue_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def can_edit(self) -> bool:
        """Return whether the subject and body may still change."""
        return self.status == IssueStatus.DRAFT

    def can_delete(self) -> bool:
        """Return whether the issue may be deleted: only a draft, never sent or scheduled."""
        return self.status == IssueStatus.DRAFT

    def can_schedule(self) -> bool:
        return self.status == IssueStatus.DRAFT

    def can_unschedule(self) -> bool:
        return self.status == IssueStatus.SCHEDULED

    def can_send(self) -> bool:
        """Return whether staff may send it now."""
        return self.status in (IssueStatus.DRAFT, IssueStatus.SCHEDULED)

    def can_pause(self) -> bool:
        return self.status == IssueStatus.SENDING

    def can_resume(self) -> bool:
        return self.status == IssueStatus.PAUSED

    def can_cancel(self) -> bool:
        return self.status in (IssueStatus.SCHEDULED, IssueStatus.SENDING, IssueStatus.PAUSED)

    @property
    def is_fanned_out(self) -> bool:
        """Return whether every confirmed subscriber has been given a delivery."""
        return self.fanout_completed_at is not None


# The most people a test group may hold: a test is for the team, not a mailing list.
TEST_GROUP_MAX_RECIPIENTS = 50


class NewsletterTestGroup(models.Model):
    """A named list of people, such as the comms team, whom staff send an issue to, marked
    as a test, before it goes to every subscriber.

    Communications staff keep the groups in the admin, through audited services. A test
    changes nothing about the issue, so it can be sent as often as staff want.
    """

    name = models.CharField(max_length=100, help_text="For example, Comms team.")
    recipients = ArrayField(
        models.EmailField(max_length=254),
        help_text="The email addresses a test goes to.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "newsletter test group"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="declaration_newslettertestgroup_name_ci_unique",
                violation_error_message="There is already a test group with this name.",
            ),
            models.CheckConstraint(
                condition=Q(recipients__len__gt=0),
                name="declaration_newslettertestgroup_has_recipients",
                violation_error_message="A test group needs at least one email address.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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
        verbose_name = "newsletter delivery"
        verbose_name_plural = "newsletter deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="declaration_newsletter_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} to {self.subscriber}"
