"""Newsletter issues, and the test groups a test of one goes to."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from localdigital.accounts.fields import acted_by


class IssueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"
    SENT = "sent", "Sent"


def issue_content_hash(*, subject: str, body: str) -> str:
    """Return the SHA-256 of an issue's subject and body: what an approval is of."""
    content = json.dumps([subject, body], ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


class NewsletterIssue(models.Model):
    """One issue of the newsletter: a subject and a Markdown body, written by staff.

    States and transitions:

    - draft → waiting for approval: staff ask for approval (``approval_requested_by``);
    - waiting for approval → approved: another member of staff approves it, never whoever
      last changed it (``edited_by``) or asked; the approval is of its exact subject and
      body (``approved_content_hash``);
    - waiting for approval → draft: that other member of staff returns it, with a comment
      (``return_comment``) on what to change;
    - waiting for approval or approved → draft: staff change its subject or body, which
      needs approval again;
    - approved → scheduled: staff choose a time to come (``scheduled_for``);
    - scheduled → approved: staff unschedule it, to change it or send it now;
    - approved or scheduled → sending: staff send it now, or its time comes (the beat job),
      as long as its content is still what was approved;
    - scheduled → draft: its time comes but its content is not what was approved (the beat
      job; nothing else can change a scheduled issue);
    - sending → paused: staff pause it; the fan-out stops, and emails not yet sent are held;
    - paused → sending: staff resume it; the held emails and the fan-out go on;
    - scheduled, sending or paused → cancelled: staff cancel it; nothing more is sent;
    - sending → sent: every delivery is finished (the beat job).

    A draft, or an issue waiting for approval or approved, can be edited or deleted
    (audited, by ``newsletter_issue_delete``): nothing of it has gone to subscribers.
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
        max_length=20, choices=IssueStatus.choices, default=IssueStatus.DRAFT, db_index=True
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = acted_by()
    updated_at = models.DateTimeField(auto_now=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="last changed by",
        help_text="Who wrote or last changed the subject or body.",
    )
    approval_requested_at = models.DateTimeField("approval asked for at", null=True, blank=True)
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="approval asked for by",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = acted_by()
    approved_content_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="The SHA-256 of the subject and body approved; sending checks it still is.",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = acted_by()
    return_comment = models.TextField(
        blank=True, help_text="What the member of staff who returned it asked to change."
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = acted_by()
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = acted_by()
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = acted_by()
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = acted_by()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = acted_by()
    sent_at = models.DateTimeField(null=True, blank=True)

    recipient_count = models.PositiveIntegerField(default=0)
    fanout_cursor = models.BigIntegerField(default=0)
    fanout_progressed_at = models.DateTimeField(null=True, blank=True)
    fanout_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "declaration_newsletterissue"
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
            models.CheckConstraint(
                condition=~Q(status="awaiting_approval") | Q(approval_requested_at__isnull=False),
                name="declaration_newsletterissue_awaiting_has_requested_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "scheduled"])
                | (Q(approved_at__isnull=False) & ~Q(approved_content_hash="")),
                name="declaration_newsletterissue_approved_has_approval",
            ),
            # Four eyes: whoever approves is neither who last changed it nor who asked.
            # (A comparison with a user since deleted is unknown, which the check allows.)
            models.CheckConstraint(
                condition=~Q(approved_by=F("edited_by"))
                & ~Q(approved_by=F("approval_requested_by")),
                name="declaration_newsletterissue_approved_by_another",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def can_edit(self) -> bool:
        """Return whether the subject and body may still change: until it is scheduled. A
        change to an issue waiting for approval or approved takes it back to a draft."""
        return self.status in NOT_YET_SCHEDULED

    def can_delete(self) -> bool:
        """Return whether the issue may be deleted: never once scheduled or sent."""
        return self.status in NOT_YET_SCHEDULED

    def can_ask_for_approval(self) -> bool:
        return self.status == IssueStatus.DRAFT

    def can_approve(self) -> bool:
        """Return whether the issue waits for approval (or to be returned)."""
        return self.status == IssueStatus.AWAITING_APPROVAL

    def is_reviewer(self, user: object) -> bool:
        """Return whether ``user`` may approve or return it, as far as the four eyes go:
        they neither last changed it nor asked for its approval."""
        user_id = getattr(user, "pk", None)
        return user_id not in (self.edited_by_id, self.approval_requested_by_id)

    def get_content_hash(self) -> str:
        """Return the hash of the subject and body as they are now."""
        return issue_content_hash(subject=self.subject, body=self.body)

    def is_content_approved(self) -> bool:
        """Return whether an approval is recorded of exactly the subject and body now."""
        return bool(self.approved_content_hash) and (
            self.approved_content_hash == self.get_content_hash()
        )

    def can_schedule(self) -> bool:
        return self.status == IssueStatus.APPROVED

    def can_unschedule(self) -> bool:
        return self.status == IssueStatus.SCHEDULED

    def can_send(self) -> bool:
        """Return whether staff may send it now: approved, or scheduled."""
        return self.status in (IssueStatus.APPROVED, IssueStatus.SCHEDULED)

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


# The states in which an issue has gone nowhere and may still change.
NOT_YET_SCHEDULED = (IssueStatus.DRAFT, IssueStatus.AWAITING_APPROVAL, IssueStatus.APPROVED)


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
    created_by = acted_by()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "declaration_newslettertestgroup"
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
