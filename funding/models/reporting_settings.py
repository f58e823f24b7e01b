"""A round's settings for the progress reports of the projects it funds.

They live on ``Round`` (which takes them from ``RoundReporting``), and fund managers set them
on the round's page in the admin: how often projects report, when the first report is due
after the offer is accepted, and whether a final report is due at the project's end date.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class ReportingFrequency(models.TextChoices):
    """How often a funded project reports on its progress."""

    MONTHLY = "monthly", "Monthly"
    TWO_MONTHLY = "two_monthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"

    @property
    def months(self) -> int:
        """Return the length of a reporting period, in months."""
        return {"monthly": 1, "two_monthly": 2, "quarterly": 3}[self.value]


class FirstReportUnit(models.TextChoices):
    """The unit of the time from the offer's acceptance to the first report."""

    DAYS = "days", "Days"
    MONTHS = "months", "Months"


# The round's reporting settings, in the order its page shows them.
REPORTING_FIELDS = (
    "reporting_frequency",
    "first_report_after",
    "first_report_unit",
    "final_report_at_end",
)


class RoundReporting(models.Model):
    """The reporting settings of a round (``Round`` inherits them).

    Accepting an offer in the round makes the project's reports: the first due
    ``first_report_after`` days or months after the acceptance, then one every period of
    ``reporting_frequency`` before the project's planned end, and, with
    ``final_report_at_end``, a final report due on the end date. Each is due at 5pm, UK
    time.
    """

    reporting_frequency = models.CharField(
        "how often funded projects report",
        max_length=12,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTERLY,
    )
    first_report_after = models.PositiveSmallIntegerField(
        "first report due after",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How long after the offer is accepted the first report is due.",
    )
    first_report_unit = models.CharField(
        "in",
        max_length=6,
        choices=FirstReportUnit.choices,
        default=FirstReportUnit.MONTHS,
    )
    final_report_at_end = models.BooleanField(
        "final report due at the end date",
        default=True,
        help_text=(
            "A final report, with what was delivered, what others can reuse and the lessons "
            "learned, due on the project's planned end date. Accepting it completes the project."
        ),
    )

    class Meta:
        abstract = True
