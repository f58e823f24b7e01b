"""The Local Digital Fund and its rounds: dates, rules, phase caps, criteria, questions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from localdigital.accounts.fields import acted_by

from .reporting_settings import RoundReporting


class Phase(models.TextChoices):
    """The phases of the GOV.UK service lifecycle that the Fund pays for."""

    DISCOVERY = "discovery", "Discovery"
    ALPHA = "alpha", "Alpha"
    BETA = "beta", "Beta"
    LIVE = "live", "Live"


class RoundStatus(models.TextChoices):
    """Where a round is, derived from its dates (``Round.status_at``)."""

    UPCOMING = "upcoming", "Upcoming"
    EOI_OPEN = "eoi_open", "Expressions of interest open"
    EOI_CLOSED = "eoi_closed", "Expressions of interest closed"
    APPLICATIONS_OPEN = "applications_open", "Applications open"
    ASSESSMENT = "assessment", "Assessment"
    DECIDED = "decided", "Decided"


class DatePrecision(models.TextChoices):
    """How precisely a round's date is known, for rounds whose record gives only a week or
    a month: such a date is shown as that week or month, with "approximate" beside it."""

    EXACT = "exact", "Exact"
    WEEK = "week", "Week"
    MONTH = "month", "Month"


# The round's dates, in the order they come; ``Round.date_precision`` may name any of them.
ROUND_DATE_FIELDS = (
    "eoi_opens_at",
    "eoi_closes_at",
    "applications_open_at",
    "applications_close_at",
    "decisions_announced_at",
)


class Fund(models.Model):
    """A fund that runs rounds, such as the Local Digital Fund."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def default_reminder_offsets() -> list[int]:
    return [7, 1]


class Round(RoundReporting):
    """One round of a fund, configured by staff rather than coded.

    Its status is derived from its dates (``status_at``): upcoming → expressions of interest
    open → expressions of interest closed → applications open → assessment → decided. A round
    with no expression of interest (EOI) stage leaves both EOI dates empty and goes from
    upcoming straight to applications open. Every time is timezone-aware and shown in
    Europe/London; a deadline is the instant of its close: a submission a second before it
    is accepted, one at it is not.

    Its rules: the fewest organisations taking part in a bid (the lead counts) and whether
    they must all be published signatories; the most applications (drafts and submitted, not
    withdrawn) one organisation may lead, and likewise expressions of interest; optionally,
    only projects funded in an earlier round may apply (part 2 of the Fund enforces it, once
    awards exist); the phases it funds, each with its cap (``PhaseCap``); its assessment
    criteria (``Criterion``), whose weights sum to 100; how many assessors score each
    application; the days before each close on which reminders go; and how the projects it
    funds report on their progress (``RoundReporting``).

    Only a published round (``is_published``) is shown to the public and takes bids.

    After the close come assessment and decisions. A fund manager records the Minister's
    approval of the round's decisions (``decisions_approved_at``), which locks them and the
    announcement time; at that time the announcement job tells applicants and publishes the
    funded projects (``announced_at``). Nothing about a decision is public before then.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True, help_text="What the round is for, in Markdown.")
    budget = models.DecimalField(
        "budget (£)", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Shown on the public pages, and open for bids."
    )

    eoi_opens_at = models.DateTimeField(
        "expressions of interest open", null=True, blank=True, help_text="Empty for no EOI stage."
    )
    eoi_closes_at = models.DateTimeField(
        "expressions of interest close", null=True, blank=True, help_text="Empty for no EOI stage."
    )
    applications_open_at = models.DateTimeField("applications open")
    applications_close_at = models.DateTimeField("applications close")
    decisions_announced_at = models.DateTimeField(
        "decisions announced", null=True, blank=True, help_text="The announcement time."
    )
    date_precision = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Dates known only to the week or month, such as "
            '{"decisions_announced_at": "week"}. They are shown with "approximate" beside them.'
        ),
    )

    min_participants = models.PositiveSmallIntegerField(
        "fewest organisations taking part",
        default=2,
        validators=[MinValueValidator(1)],
        help_text="The lead organisation counts.",
    )
    participants_must_be_signatories = models.BooleanField(
        "all must be signatories",
        default=True,
        help_text="Every organisation taking part, the lead included, has signed the Declaration.",
    )
    max_led_applications = models.PositiveSmallIntegerField(
        "most bids one organisation may lead",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Drafts and submitted bids count, withdrawn ones do not. Empty for no limit.",
    )
    restricted_to_round = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_on_rounds",
        verbose_name="only for projects funded in",
    )
    assessors_per_application = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)]
    )
    reminder_offsets_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1)]),
        default=default_reminder_offsets,
        blank=True,
        help_text="Days before each close on which unsubmitted bids are reminded, such as 7,1.",
    )

    decisions_approved_at = models.DateTimeField(
        "decisions approved",
        null=True,
        blank=True,
        help_text="When the Minister's approval of the round's decisions was recorded.",
    )
    decisions_approved_by = acted_by()
    announced_at = models.DateTimeField(
        null=True, blank=True, help_text="When the announcement job told applicants."
    )
    approval_alert_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When fund managers were told the announcement time came without approval.",
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fund", "number"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="funding_round_number_unique"),
            models.CheckConstraint(
                condition=(
                    Q(eoi_opens_at__isnull=True, eoi_closes_at__isnull=True)
                    | Q(
                        eoi_opens_at__isnull=False,
                        eoi_closes_at__isnull=False,
                        eoi_opens_at__lt=F("eoi_closes_at"),
                        eoi_closes_at__lte=F("applications_open_at"),
                    )
                ),
                name="funding_round_eoi_dates_in_order",
                violation_error_message=(
                    "Give both expression of interest dates, or neither; they open before they "
                    "close, and close before applications open."
                ),
            ),
            models.CheckConstraint(
                condition=Q(applications_open_at__lt=F("applications_close_at")),
                name="funding_round_application_dates_in_order",
                violation_error_message="Applications must open before they close.",
            ),
            models.CheckConstraint(
                condition=Q(decisions_announced_at__isnull=True)
                | Q(decisions_announced_at__gte=F("applications_close_at")),
                name="funding_round_decisions_after_close",
                violation_error_message="Decisions are announced after applications close.",
            ),
            models.CheckConstraint(
                condition=Q(first_report_after__gte=1),
                name="funding_round_first_report_after_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """Return the round's public page, which shows while the round is published."""
        return reverse("funding:round-detail", kwargs={"slug": self.slug})

    @property
    def is_announced(self) -> bool:
        """Return whether the round's decisions have been announced: only then are they
        shown to anyone outside staff."""
        return self.announced_at is not None

    @property
    def has_eoi_stage(self) -> bool:
        return self.eoi_opens_at is not None

    def status_at(self, now: datetime) -> RoundStatus:
        """Return where the round is at ``now``, from its dates."""
        if self.eoi_opens_at is not None and self.eoi_closes_at is not None:
            if now < self.eoi_opens_at:
                return RoundStatus.UPCOMING
            if now < self.eoi_closes_at:
                return RoundStatus.EOI_OPEN
            if now < self.applications_open_at:
                return RoundStatus.EOI_CLOSED
        elif now < self.applications_open_at:
            return RoundStatus.UPCOMING
        if now < self.applications_close_at:
            return RoundStatus.APPLICATIONS_OPEN
        if self.decisions_announced_at is None or now < self.decisions_announced_at:
            return RoundStatus.ASSESSMENT
        return RoundStatus.DECIDED

    def is_eoi_open_at(self, now: datetime) -> bool:
        return self.status_at(now) == RoundStatus.EOI_OPEN

    def is_applications_open_at(self, now: datetime) -> bool:
        return self.status_at(now) == RoundStatus.APPLICATIONS_OPEN

    def precision_of(self, field_name: str) -> DatePrecision:
        """Return how precisely the date in ``field_name`` is known."""
        try:
            return DatePrecision(self.date_precision.get(field_name, DatePrecision.EXACT))
        except ValueError:
            return DatePrecision.EXACT


class PhaseCap(models.Model):
    """A phase the round funds, with the most one project may be awarded for it.

    A round that lists no phases funds any; one that lists some funds only those. An empty
    ``max_award`` sets no cap of its own (the round's budget still bounds it).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="phase_caps")
    phase = models.CharField(max_length=10, choices=Phase.choices)
    max_award = models.DecimalField(
        "most awarded (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1))],
    )

    class Meta:
        ordering = ["round", "phase"]
        verbose_name = "phase and cap"
        verbose_name_plural = "phases and caps"
        constraints = [
            models.UniqueConstraint(fields=["round", "phase"], name="funding_phase_cap_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} in {self.round}"


class Criterion(models.Model):
    """A criterion applications in the round are assessed against.

    Each is scored from 0 to ``scale_max`` with a justification; its weight is its share of
    100 (the round's weights sum to 100, which the admin checks), so an assessment's weighted
    score is the sum of weight * score / ``scale_max``, out of 100.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="What assessors look for, in Markdown.")
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    scale_max = models.PositiveSmallIntegerField(
        "highest score", default=4, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="funding_criterion_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gte=1), name="funding_criterion_scale_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoundQuestion(models.Model):
    """A question asked about the round, with staff's answer; public once published."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField()
    answer = models.TextField(blank=True, help_text="In Markdown.")
    is_published = models.BooleanField("published", default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = "question and answer"
        verbose_name_plural = "questions and answers"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | ~Q(answer=""),
                name="funding_round_question_published_has_answer",
                violation_error_message="A question needs an answer before it is published.",
            )
        ]

    def __str__(self) -> str:
        return self.question[:80]
