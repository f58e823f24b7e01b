"""Enrolments on cohorts, offers from the waiting list, attendance, and the records that
make each reminder and notice go once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.fields import acted_by

from .courses import Cohort, CohortSession


class EnrolmentStatus(models.TextChoices):
    """The states of an enrolment; ``Enrolment`` lists the moves."""

    WAITING = "waiting", "On the waiting list"
    OFFERED = "offered", "Offered a place"
    ENROLLED = "enrolled", "Enrolled"
    COMPLETED = "completed", "Completed"
    INCOMPLETE = "incomplete", "Attended some sessions"
    NO_SHOW = "no-show", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Declined the offer"
    LAPSED = "lapsed", "Offer lapsed"
    MOVED = "moved", "Moved to another cohort"
    COHORT_CANCELLED = "cohort-cancelled", "Cohort cancelled"


# Enrolments that hold one of the cohort's places. An offer holds its place until it is
# accepted, declined or lapses, so that nobody else takes it meanwhile.
PLACE_STATUSES = (
    EnrolmentStatus.OFFERED,
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.INCOMPLETE,
    EnrolmentStatus.NO_SHOW,
)
# Enrolments that took their place: enrolled, and what attendance then made of them.
TAKEN_STATUSES = (
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.INCOMPLETE,
    EnrolmentStatus.NO_SHOW,
)
# Enrolments that are still on the cohort, holding a place or waiting for one: a person
# has at most one of these per cohort, and the per-organisation maximum counts them.
LIVE_STATUSES = (EnrolmentStatus.WAITING, *PLACE_STATUSES)
# What a person may still cancel themselves, up to the cohort's start.
CANCELLABLE_STATUSES = (EnrolmentStatus.WAITING, EnrolmentStatus.OFFERED, EnrolmentStatus.ENROLLED)


class Enrolment(models.Model):
    """A person's enrolment on a cohort, for the organisation they work for.

    States and transitions:

    - (new) → enrolled: a place was free for them (reserved or not, ``is_reserved_place``);
    - (new) → waiting: the cohort was full; ``waiting_position`` is their place in the
      queue, 1 first, kept contiguous as people leave it;
    - waiting → offered: a place freed, and they were next; an ``Offer`` holds it for them;
    - offered → enrolled: they accepted; → declined: they declined; → lapsed: it expired;
    - waiting, offered or enrolled → cancelled: they cancelled, up to the cohort's start;
    - waiting, offered or enrolled → cohort-cancelled: staff cancelled the cohort;
    - waiting, offered or enrolled → moved: a training administrator moved them to another
      cohort of the course (``moved_to``, a new enrolment);
    - enrolled ⇄ completed, incomplete, no-show: attendance, once every session is
      recorded for them: every session attended, some, or none. A correction moves it again.

    ``needs`` (accessibility or dietary) is special-category data: only training
    administrators see it, and it is deleted 30 days after the cohort ends
    (``needs_deleted_at``).
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_enrolments"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="training_enrolments"
    )
    job_title = models.CharField(max_length=200)
    line_manager_email = models.EmailField(
        "line manager's email", blank=True, help_text="Told of the place when it is taken."
    )
    needs = models.TextField(
        "accessibility or dietary needs",
        blank=True,
        help_text="Seen only by training administrators; deleted 30 days after the cohort ends.",
    )
    needs_deleted_at = models.DateTimeField(null=True, blank=True)
    consented_at = models.DateTimeField("agreed to the attendance terms", null=True, blank=True)
    status = models.CharField(max_length=20, choices=EnrolmentStatus.choices, db_index=True)
    waiting_position = models.PositiveIntegerField(null=True, blank=True)
    is_priority = models.BooleanField(
        default=False,
        help_text="The organisation led or partnered on a funded project when they joined.",
    )
    is_reserved_place = models.BooleanField(
        "holds a reserved place", default=False, help_text="Only while holding a place."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The training administrator who enrolled them by hand, if one did.",
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(
        null=True, blank=True, help_text="When they cancelled, declined, lapsed or moved."
    )
    left_by = acted_by()
    moved_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="moved_from"
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "created_at", "pk"]
        permissions = [
            ("view_enrolment_needs", "Can see accessibility and dietary needs"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=Q(status__in=LIVE_STATUSES),
                name="training_enrolment_one_live_per_person",
            ),
            # Deferred to the commit, so that closing the gap one person leaves in the
            # queue can renumber those behind them in one UPDATE. Rows not waiting have no
            # position, and NULLs never clash, so this is unique among the waiting.
            models.UniqueConstraint(
                fields=["cohort", "waiting_position"],
                name="training_enrolment_waiting_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                # The NULL test is spelt out: a CHECK passes when it comes out NULL.
                condition=(
                    Q(status=EnrolmentStatus.WAITING)
                    & Q(waiting_position__isnull=False)
                    & Q(waiting_position__gte=1)
                )
                | (~Q(status=EnrolmentStatus.WAITING) & Q(waiting_position__isnull=True)),
                name="training_enrolment_position_only_while_waiting",
            ),
            models.CheckConstraint(
                condition=Q(is_reserved_place=False) | Q(status__in=PLACE_STATUSES),
                name="training_enrolment_reserved_only_with_a_place",
            ),
            models.CheckConstraint(
                condition=Q(is_reserved_place=False) | Q(is_priority=True),
                name="training_enrolment_reserved_only_for_priority",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=TAKEN_STATUSES) | Q(enrolled_at__isnull=False),
                name="training_enrolment_enrolled_at",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.cohort}"

    @property
    def holds_place(self) -> bool:
        return self.status in PLACE_STATUSES


class OfferStatus(models.TextChoices):
    """The states of an offer of a place; ``Offer`` lists the moves."""

    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Offer(models.Model):
    """A place offered to the person at the head of the waiting list, held until
    ``expires_at`` (48 hours, or the cohort's start if sooner).

    States: pending → accepted (the enrolment is enrolled), declined or expired (it lapses,
    and the place is offered to the next person), or withdrawn (the person cancelled, was
    moved, or the cohort was cancelled). One offer per enrolment, ever: its row is what
    makes each offer go once.
    """

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="offer")
    is_reserved_place = models.BooleanField(default=False)
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING, db_index=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "pk"]
        verbose_name = "offer of a place"
        constraints = [
            models.CheckConstraint(
                condition=Q(offered_at__lt=models.F("expires_at")),
                name="training_offer_expires_after_offered",
            ),
            models.CheckConstraint(
                condition=Q(status=OfferStatus.PENDING) | Q(answered_at__isnull=False),
                name="training_offer_answered_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer to {self.enrolment}"


class Attendance(models.Model):
    """Whether one enrolled person attended one session, as a training administrator
    recorded it."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendances")
    attended = models.BooleanField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = acted_by()

    class Meta:
        ordering = ["session", "enrolment"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="training_attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.user} {'attended' if self.attended else 'missed'} {self.session}"


class ReminderKind(models.TextChoices):
    """The emails sent to each enrolment once at most, on a schedule or on an event."""

    SEVEN_DAYS = "seven-days", "Reminder 7 days before"
    ONE_DAY = "one-day", "Reminder 1 day before"
    JOINING_INSTRUCTIONS = "joining-instructions", "Joining instructions"
    FEEDBACK = "feedback", "Feedback survey"
    COHORT_CANCELLED = "cohort-cancelled", "Cohort cancelled"


class EnrolmentReminder(models.Model):
    """A record that one enrolment was sent one kind of email; unique, so each goes once
    however often the jobs run."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "sent_at"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind"], name="training_reminder_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.enrolment}"


class SessionChange(models.Model):
    """A change to a session's date, time or place, with what it was and became."""

    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="changes")
    before = models.JSONField()
    after = models.JSONField()
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = acted_by()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "session change"

    def __str__(self) -> str:
        return f"Change to {self.session}"


class SessionChangeNotice(models.Model):
    """A record that one enrolment was told of one session change; unique, so once."""

    change = models.ForeignKey(SessionChange, on_delete=models.CASCADE, related_name="notices")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "session change notice"
        constraints = [
            models.UniqueConstraint(
                fields=["change", "enrolment"], name="training_session_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.change} told to {self.enrolment}"
