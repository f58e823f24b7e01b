"""After the award: a funded project's milestones, its progress reports with what each says,
every version submitted with its review, and the reminders sent about them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from localdigital.accounts.fields import acted_by

from .applications import BudgetLine
from .awards import Award, ProjectOutput, ProjectOutputType


class ReportStatus(models.TextChoices):
    """The states of a progress report; ``ProgressReport`` lists the moves."""

    DRAFT = "draft", "Not submitted"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    RESUBMITTED = "resubmitted", "Resubmitted"
    ACCEPTED = "accepted", "Accepted"


# Reports waiting for a fund manager's review.
REPORT_IN_REVIEW = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED)
# Reports the project team may change.
REPORT_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class RagStatus(models.TextChoices):
    """A project's overall status in a report: green, amber or red."""

    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: at risk"
    RED = "red", "Red: in trouble"


class MilestoneStatus(models.TextChoices):
    """Where one of the project's milestones stands, as a report says."""

    DONE = "done", "Done"
    ON_TRACK = "on_track", "On track"
    LATE = "late", "Late"
    DROPPED = "dropped", "Dropped"


class ReportSection(models.TextChoices):
    """The sections of a progress report, each saved on its own, in task-list order; the
    final report adds ``FINAL``."""

    MILESTONES = "milestones", "Progress against the milestones"
    SPEND = "spend", "Spend against the budget"
    STATUS = "status", "Overall status"
    RISKS = "risks", "Risks and issues"
    LINKS = "links", "Published in the open"
    FINAL = "final", "What the project delivered"


class ProjectMilestone(models.Model):
    """One milestone of a funded project's plan, as agreed with the Fund.

    Fund managers keep them on the award's page, from the plan in the application; each
    progress report says where every milestone stands.
    """

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    planned_on = models.DateField("planned for", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["award", "position", "planned_on", "pk"]
        verbose_name = "milestone"

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A progress report of a funded project, due at 5pm (UK time) on its due date.

    Accepting the offer makes the schedule: reports numbered 1, 2, … one per reporting
    period, and the final report (``is_final``, with no number) due at the end date.

    States and transitions:

    - draft: written by members of the lead organisation, section by section; partners
      read it;
    - draft → submitted: a member of the lead submits it with every section answered; a
      ``ReportVersion`` keeps what was submitted;
    - submitted or resubmitted → returned: a fund manager returns it with comments, which
      the team reads;
    - returned → resubmitted: the team changes it and submits it again: another version;
    - submitted or resubmitted → accepted: a fund manager accepts it. Instalments tied to
      it become due for payment, its links become the project's outputs, and accepting the
      final report completes the project.

    ``section_versions`` counts the saves of each section, so that two people saving one
    section at once never silently lose an edit.
    """

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    is_final = models.BooleanField("final report", default=False)
    period_start = models.DateField("period from")
    period_end = models.DateField("period to")
    due_at = models.DateTimeField("due", db_index=True)
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )

    overall_status = models.CharField(
        "overall status", max_length=5, choices=RagStatus.choices, blank=True
    )
    status_reason = models.TextField("why the project is amber or red", blank=True)
    delivered = models.TextField("what the project delivered", blank=True)
    reuse = models.TextField("what other councils can reuse, and how", blank=True)
    lessons = models.TextField("lessons learned", blank=True)

    section_versions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = acted_by()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = acted_by()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = acted_by()

    class Meta:
        ordering = ["award", "due_at", "pk"]
        verbose_name = "progress report"
        indexes = [
            # The reminders' scan: reports not yet submitted, by when they are due.
            models.Index(
                fields=["due_at"], name="funding_report_unsent_idx", condition=Q(status="draft")
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "number"], name="funding_report_number_unique"
            ),
            models.UniqueConstraint(
                fields=["award"], condition=Q(is_final=True), name="funding_report_one_final"
            ),
            models.CheckConstraint(
                condition=Q(is_final=True, number__isnull=True)
                | Q(is_final=False, number__isnull=False),
                name="funding_report_numbered_unless_final",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="funding_report_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="funding_report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False),
                name="funding_report_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award}: {self.name}"

    @property
    def name(self) -> str:
        """Return how pages name the report: "Report 2" or "Final report"."""
        return "Final report" if self.is_final else f"Report {self.number}"

    @property
    def name_in_text(self) -> str:
        """Return how a sentence names the report after its first word: "Report 2" or
        "the final report"."""
        return "the final report" if self.is_final else self.name

    @property
    def key(self) -> str:
        """Return the report's part of its address: its number, or "final"."""
        return "final" if self.is_final else str(self.number)

    @property
    def is_editable(self) -> bool:
        return self.status in REPORT_EDITABLE

    @property
    def is_in_review(self) -> bool:
        return self.status in REPORT_IN_REVIEW

    @property
    def was_submitted(self) -> bool:
        return self.submitted_at is not None


class ReportMilestone(models.Model):
    """Where one milestone stands, as one report says."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="milestone_progress"
    )
    milestone = models.ForeignKey(ProjectMilestone, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=MilestoneStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "milestone__position", "milestone__planned_on", "milestone__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "milestone"], name="funding_report_milestone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.get_status_display()}"


class ReportSpend(models.Model):
    """What a report says was spent on one line of the application's budget."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="spend")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    spent_in_period = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    spent_to_date = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        ordering = ["report", "budget_line__position", "budget_line__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "budget_line"], name="funding_report_spend_unique"
            ),
            models.CheckConstraint(
                condition=Q(spent_in_period__gte=0, spent_to_date__gte=F("spent_in_period")),
                name="funding_report_spend_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.spent_to_date} to date"


class ReportRisk(models.Model):
    """A risk or issue a report names, with what is being done about it."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField()
    mitigation = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class ReportLink(models.Model):
    """Something the project published in the open during the period: a link, which becomes
    one of the project's public outputs (``output``) once the report is accepted."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=200)
    url = models.URLField("address", max_length=500)
    output_type = models.CharField("type", max_length=10, choices=ProjectOutputType.choices)
    position = models.PositiveSmallIntegerField(default=0)
    output = models.ForeignKey(
        ProjectOutput, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ReviewOutcome(models.TextChoices):
    """What a fund manager decided about a version of a report."""

    RETURNED = "returned", "Returned for changes"
    ACCEPTED = "accepted", "Accepted"


class ReportVersion(models.Model):
    """What a report said when it was submitted (``content``), and its review.

    One is kept for every submission, numbered from 1, so a report returned and
    resubmitted keeps each version and the comments made on it.
    """

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    comment = models.TextField("comments for the project team", blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = acted_by()

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = "version of a progress report"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="funding_report_version_unique"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="returned") | ~Q(comment=""),
                name="funding_report_returned_has_comment",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(reviewed_at__isnull=False),
                name="funding_report_reviewed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}, version {self.number}"


class ReportReminderKind(models.TextChoices):
    """The reminders about a report not yet submitted."""

    DUE_IN_14_DAYS = "due_14", "14 days before it is due"
    DUE_IN_3_DAYS = "due_3", "3 days before it is due"
    OVERDUE = "overdue", "The day after it was due"


class ReportReminder(models.Model):
    """A record that a reminder about a report was sent, for the due date it had.

    Unique per report, kind and due date: the job may run any number of times and sends
    each reminder once; a report whose due date moves is reminded again of the new one.
    """

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=ReportReminderKind.choices)
    due_at = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "due_at"], name="funding_report_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_kind_display()}"
