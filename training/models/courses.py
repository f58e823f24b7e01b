"""Courses and their cohorts: what is taught, and each run of it with its dated sessions."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from localdigital.accounts.fields import acted_by
from localdigital.formats import time_on_day


class Audience(models.TextChoices):
    """Who a course is for."""

    SENIOR_LEADERS = "senior-leaders", "Senior leaders"
    PRACTITIONERS = "practitioners", "Practitioners"
    EVERYONE = "everyone", "Everyone"


class CourseFormat(models.TextChoices):
    """How a course is taught."""

    IN_PERSON = "in-person", "In person"
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended (in person and online)"


class Course(models.Model):
    """A course the programme offers signatories' staff, such as digital leadership for
    senior managers. It runs as one or more cohorts. ``slug`` is its public address,
    ``/training/<slug>/``; only a published course is shown to the public."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(help_text="One or two sentences for the list of courses.")
    description = models.TextField(help_text="What the course covers and how, in Markdown.")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    course_format = models.CharField("format", max_length=20, choices=CourseFormat.choices)
    duration = models.CharField(
        max_length=100, help_text="How long it takes, such as 2 days or 6 weekly sessions."
    )
    skills = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        help_text="The skills it covers, such as user research or agile delivery.",
    )
    is_published = models.BooleanField("published", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Return the course's public page, which shows while the course is published."""
        return reverse("training:course-detail", kwargs={"slug": self.slug})


class CohortStatus(models.TextChoices):
    """The stored states of a cohort; ``Cohort`` lists the moves. "Full" is not stored."""

    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for enrolment"
    CLOSED = "closed", "Enrolment closed"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


# Cohorts that people can see and hold places on.
COHORT_LIVE_STATUSES = (
    CohortStatus.OPEN,
    CohortStatus.CLOSED,
    CohortStatus.RUNNING,
    CohortStatus.COMPLETED,
)


class Cohort(models.Model):
    """One run of a course: its sessions, places and enrolment window.

    States and transitions:

    - draft: staff prepare it; nobody sees it;
    - draft → open: staff publish it; people enrol between ``enrolment_opens_at`` and
      ``enrolment_closes_at``;
    - open → closed: the status job, once enrolment closes; places freed by cancellation
      are still offered to the waiting list until the first session starts;
    - open or closed → running: the status job, once the first session starts;
    - running → completed: the status job, once the last session ends;
    - any state but completed → cancelled: staff cancel it, and everyone enrolled, offered
      a place or waiting is told once.

    "Full" is shown, not stored: a cohort is full while it is open and every place is
    held. Places are taken and freed by enrolments, cancellations, offers, moves, lapsed
    offers, a change of capacity and the release of reserved places; a stored "full" would
    have to be set and cleared by every one of them, and a missed one would show a full
    cohort with places, or turn people away from places that are free. The count of places
    held, made under the cohort's lock, is the one truth, and "full" is read from it.

    ``reserved_places`` of the ``capacity`` are kept for members of organisations that lead
    or partner on a funded project until ``reserved_release_at``; after it they are open
    to anyone eligible. ``max_per_organisation`` (empty for no limit) caps how many people
    of one organisation may be on the cohort, holding a place or waiting for one.
    """

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(
        max_length=100, blank=True, help_text="Optional, such as Spring 2026 or North West."
    )
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    enrolment_opens_at = models.DateTimeField("enrolment opens")
    enrolment_closes_at = models.DateTimeField("enrolment closes")
    reserved_places = models.PositiveIntegerField(
        default=0,
        help_text="Places kept for organisations that lead or partner on a funded project.",
    )
    reserved_release_at = models.DateTimeField(
        "reserved places released",
        null=True,
        blank=True,
        help_text="When reserved places still free are opened to everyone eligible.",
    )
    reserved_released_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the release job ran."
    )
    max_per_organisation = models.PositiveSmallIntegerField(
        "most places per organisation",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty for no limit. People waiting count towards it.",
    )
    joining_instructions = models.TextField(
        blank=True,
        help_text="Venue details or the online link. Shown to enrolled people only, and sent "
        "7 days before the first session.",
    )
    feedback_survey_url = models.URLField(
        "feedback survey address",
        max_length=500,
        blank=True,
        help_text="Optional: emailed to attendees after the last session.",
    )
    status = models.CharField(
        max_length=10, choices=CohortStatus.choices, default=CohortStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = acted_by()
    cancellation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course", "enrolment_opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_cohort_capacity"),
            models.CheckConstraint(
                condition=Q(reserved_places__lte=F("capacity")),
                name="training_cohort_reserved_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(reserved_places=0) | Q(reserved_release_at__isnull=False),
                name="training_cohort_reserved_needs_release",
            ),
            models.CheckConstraint(
                condition=Q(enrolment_opens_at__lt=F("enrolment_closes_at")),
                name="training_cohort_enrolment_window",
            ),
            models.CheckConstraint(
                condition=Q(max_per_organisation__isnull=True) | Q(max_per_organisation__gte=1),
                name="training_cohort_max_per_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(status=CohortStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="training_cohort_cancelled_at",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.course.title}, {self.name}" if self.name else self.course.title
        return f"{label} (cohort {self.pk})"

    def has_reserved_places_at(self, now) -> bool:
        """Return whether reserved places are still kept for priority organisations."""
        return (
            self.reserved_places > 0
            and self.reserved_release_at is not None
            and now < self.reserved_release_at
        )


class CohortSession(models.Model):
    """One dated session of a cohort, in a place or online."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_online = models.BooleanField("online", default=False)
    location = models.CharField(
        max_length=300, blank=True, help_text="The venue; for an online session, may be empty."
    )

    class Meta:
        ordering = ["cohort", "starts_at", "pk"]
        verbose_name = "session"
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="training_session_times_in_order"
            ),
            models.CheckConstraint(
                condition=Q(is_online=True) | ~Q(location=""),
                name="training_session_location_or_online",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.cohort}: {time_on_day(self.starts_at)}"

    @property
    def place(self) -> str:
        """Return where it happens, as people are told."""
        if self.is_online:
            return f"Online, {self.location}" if self.location else "Online"
        return self.location
