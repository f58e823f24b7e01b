"""Awards: the grants made by approved decisions, their payments, and the funded projects
the public sees, with their progress updates and outputs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from localdigital.accounts.fields import acted_by
from localdigital.formats import calendar_date
from localdigital.updates import Update

from .applications import Application


class AwardStatus(models.TextChoices):
    """The states of an award; ``Award`` lists the moves."""

    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"


# Awards that are funded projects in public: every state but declined.
PUBLIC_AWARD_STATUSES = (
    AwardStatus.OFFERED,
    AwardStatus.ACCEPTED,
    AwardStatus.ACTIVE,
    AwardStatus.COMPLETED,
)


class Award(models.Model):
    """A grant offered by an approved decision: a funded project.

    States and transitions:

    - offered: made when the round's decisions are announced; the project is public;
    - offered → accepted: the lead organisation's admin accepts the grant offer;
    - offered → declined: the lead organisation's admin declines it; the project leaves the
      public lists, open data and 360Giving, and its amount returns to the round;
    - accepted → active: staff record that the work has started (the first instalment paid,
      say);
    - active → completed: staff record that the project has finished;
    - accepted or active → completed: a fund manager accepts the project's final progress
      report.

    Accepting the offer makes the project's progress reports (``ProgressReport``), from the
    round's reporting settings and the planned end date.

    ``slug`` is the project's public address, ``/funding/projects/<slug>/``.
    """

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What the project does, for the public.")
    amount = models.DecimalField(
        "amount awarded (£)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(1))],
    )
    awarded_on = models.DateField("award date")
    status = models.CharField(
        max_length=10, choices=AwardStatus.choices, default=AwardStatus.OFFERED, db_index=True
    )
    planned_start_on = models.DateField("planned start", null=True, blank=True)
    planned_end_on = models.DateField("planned end", null=True, blank=True)
    conditions = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = acted_by()
    decline_reason = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-awarded_on", "title"]
        verbose_name = "award (funded project)"
        verbose_name_plural = "awards (funded projects)"
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True)
                | Q(planned_start_on__isnull=True)
                | Q(planned_start_on__lte=models.F("planned_end_on")),
                name="funding_award_planned_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Return the funded project's public page, which shows while the award is public."""
        return reverse("funding:project-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_AWARD_STATUSES


class Instalment(models.Model):
    """A payment of an award, which staff mark paid (the amount paid, and when).

    An instalment may be tied to one of the project's progress reports (``report``), or to
    the acceptance of the offer (``on_offer_acceptance``): it becomes due for payment only
    when that report is accepted, or the offer is. One tied to neither is due on its date.
    ``due_on`` is the date planned for it.
    """

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField("due")
    amount = models.DecimalField(
        "amount (£)", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(1))]
    )
    report = models.ForeignKey(
        "funding.ProgressReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instalments",
        verbose_name="paid once this report is accepted",
    )
    on_offer_acceptance = models.BooleanField("paid once the offer is accepted", default=False)
    paid_at = models.DateTimeField("recorded as paid", null=True, blank=True)
    paid_by = acted_by()
    paid_on = models.DateField("paid on", null=True, blank=True)
    paid_amount = models.DecimalField(
        "amount paid (£)", max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["award", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_instalment_positive"),
            models.CheckConstraint(
                condition=Q(report__isnull=True) | Q(on_offer_acceptance=False),
                name="funding_instalment_one_condition",
                violation_error_message=(
                    "Tie an instalment to a report or to the offer's acceptance, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True, paid_on__isnull=True, paid_amount__isnull=True)
                | Q(paid_at__isnull=False, paid_on__isnull=False, paid_amount__gt=0),
                name="funding_instalment_paid_in_full",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award}: {self.amount} due {calendar_date(self.due_on)}"

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class ProgressUpdate(Update):
    """An update on a funded project's progress, posted by a member of its team."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="updates")

    class Meta(Update.Meta):
        ordering = ["-posted_at", "-pk"]
        verbose_name = "progress update"


class ProjectOutputType(models.TextChoices):
    """What a funded project's output is, for others who might reuse it."""

    CODE = "code", "Code repository"
    RESEARCH = "research", "Research"
    PATTERN = "pattern", "Pattern or design"
    DATA = "data", "Data or standard"
    GUIDANCE = "guidance", "Guidance"
    OTHER = "other", "Other"


class ProjectOutput(models.Model):
    """Something a funded project made and published for others to reuse: a link."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(max_length=200)
    url = models.URLField("address", max_length=500)
    output_type = models.CharField("type", max_length=10, choices=ProjectOutputType.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["output_type", "title"]
        verbose_name = "project output"

    def __str__(self) -> str:
        return self.title
