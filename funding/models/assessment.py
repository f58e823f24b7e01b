"""Assessment of submitted applications: assessors' scores, moderation and recommendations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from localdigital.accounts.fields import acted_by

from .applications import Application
from .rounds import Criterion


class AssessmentStatus(models.TextChoices):
    """The states of an assessment; ``Assessment`` lists the moves."""

    ASSIGNED = "assigned", "Waiting for a conflict declaration"
    CONFLICTED = "conflicted", "Conflict of interest declared"
    SCORING = "scoring", "Being scored"
    SUBMITTED = "submitted", "Submitted"


class Assessment(models.Model):
    """One assessor's assessment of one submitted application.

    States and transitions:

    - assigned: a fund manager assigned the assessor, with a due date;
    - assigned → conflicted: the assessor declares a conflict of interest; they lose access
      to the application, and the fund manager sees it and can assign someone else;
    - assigned → scoring: the assessor declares no conflict, and may score;
    - scoring → submitted: the assessor submits a score and a justification for every
      criterion; a submitted assessment is locked.

    An assessor sees only the applications of their assessments that are not conflicted.
    ``reminded_at`` and ``overdue_notified_at`` record the one reminder before the due date
    and the one notice to fund managers once it has passed, so each goes once.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.ASSIGNED
    )
    due_on = models.DateField("due")
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = acted_by()
    conflict_declared_at = models.DateTimeField(null=True, blank=True)
    conflict_note = models.TextField(
        "the conflict of interest", blank=True, help_text="What the conflict is."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"], name="funding_assessment_once_per_assessor"
            ),
            models.CheckConstraint(
                condition=~Q(status="conflicted") | ~Q(conflict_note=""),
                name="funding_assessment_conflict_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="funding_assessment_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="funding_assessment_open_idx",
                condition=Q(status__in=["assigned", "scoring"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} by {self.assessor}"

    @property
    def is_open(self) -> bool:
        """Return whether the assessor still has work to do on it."""
        return self.status in (AssessmentStatus.ASSIGNED, AssessmentStatus.SCORING)


class CriterionScore(models.Model):
    """An assessor's score of one criterion, with its justification."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField()
    justification = models.TextField()

    class Meta:
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="funding_score_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ModeratedScore(models.Model):
    """The fund manager's moderated score of one criterion of an application, with a note,
    once its assessments are all in."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="moderated_scores"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="moderated_scores"
    )
    score = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="funding_moderated_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}, {self.criterion}: {self.score}"


class Recommendation(models.TextChoices):
    """What the fund manager recommends for an application, from the ranking."""

    FUND = "fund", "Fund"
    FUND_WITH_CONDITIONS = "conditions", "Fund with conditions"
    DO_NOT_FUND = "do_not_fund", "Do not fund"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Decision(models.Model):
    """Staff's recommendation and decision on one submitted application.

    The recommendation comes from the ranking: fund, fund with conditions, or do not fund,
    with the amount recommended. The decision is approved, with the amount awarded (not more
    than requested, nor than the phase's cap) and any conditions, or rejected, with feedback.
    A decision is a draft until a fund manager approves the round's decisions (the Minister's
    approval); it is told to the applicant, exactly once (``notified_at``), when the round's
    decisions are announced, and never before.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    recommended_amount = models.DecimalField(
        "amount recommended (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    recommendation_note = models.TextField(blank=True)
    recommended_at = models.DateTimeField(null=True, blank=True)
    recommended_by = acted_by()
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices, blank=True)
    award_amount = models.DecimalField(
        "amount awarded (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1))],
    )
    conditions = models.TextField(blank=True)
    feedback = models.TextField(blank=True, help_text="Told to the applicant.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = acted_by()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="approved") | Q(award_amount__isnull=False),
                name="funding_decision_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="rejected") | ~Q(feedback=""),
                name="funding_decision_rejected_has_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_outcome_display() or 'undecided'}"
