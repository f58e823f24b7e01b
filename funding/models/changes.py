"""Change requests: a funded project's team asks to change its end date, move money between
the lines of its budget, or change a milestone, with a reason; a fund manager approves or
rejects it with a note, and an approved change is made to the project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from localdigital.accounts.fields import acted_by

from .applications import BudgetLine
from .awards import Award
from .reporting import ProjectMilestone


class ChangeKind(models.TextChoices):
    END_DATE = "end_date", "Change the end date"
    BUDGET = "budget", "Move money between budget lines"
    MILESTONE = "milestone", "Change a milestone"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ChangeRequest(models.Model):
    """What the team asks to change, and the Fund's decision on it."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    reason = models.TextField("why the change is needed")
    # A new end date.
    new_end_on = models.DateField("new end date", null=True, blank=True)
    # Money moved from one budget line to another.
    from_line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        "amount moved (£)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # A milestone's new title and date.
    milestone = models.ForeignKey(
        ProjectMilestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    milestone_title = models.CharField("new title", max_length=200, blank=True)
    milestone_planned_on = models.DateField("new planned date", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = acted_by()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("note to the team", blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="funding_change_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.award}"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING
