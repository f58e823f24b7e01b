"""Expressions of interest (EOIs), their partners, and the clusters staff group them in."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.fields import acted_by
from localdigital.references import new_reference

from .bids import Bid, BidChange, BidPartner
from .rounds import Phase, Round


def new_eoi_reference() -> str:
    """Return a reference such as ``EOI-7K3Q9M`` for applicants and staff to quote."""
    return new_reference("EOI")


class EoiStatus(models.TextChoices):
    """The states of an expression of interest; ``ExpressionOfInterest`` lists the moves."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    INVITED = "invited", "Invited to apply"
    DECLINED = "declined", "Not taken forward"
    WITHDRAWN = "withdrawn", "Withdrawn"


# States in which an EOI counts towards its lead organisation's limit in the round.
EOI_COUNTED_STATUSES = (EoiStatus.DRAFT, EoiStatus.SUBMITTED, EoiStatus.INVITED)


class EoiCluster(models.Model):
    """A named group of a round's EOIs about the same problem, made by staff.

    Staff introduce a cluster's leads to each other (``ClusterMessage``) and may invite the
    whole cluster to one joint application.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="For staff only.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = acted_by()

    class Meta:
        ordering = ["round", "name"]
        verbose_name = "cluster of expressions of interest"
        verbose_name_plural = "clusters of expressions of interest"
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="funding_cluster_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ExpressionOfInterest(Bid):
    """A short bid to a round with an EOI stage, from a lead organisation and its partners.

    States and transitions:

    - draft → submitted: a member of the lead organisation submits it while the EOI window is
      open and it meets the round's rules;
    - draft or submitted → withdrawn: a member of the lead organisation takes it back, before
      the EOI window closes;
    - draft → (deleted): a member of the lead organisation deletes a draft that was never
      submitted, before the EOI window closes; only the audit log keeps it;
    - submitted → invited: staff invite it (alone, or with its cluster) to full application,
      which creates the application (``application``);
    - submitted → declined: staff decline it, with feedback for the applicant.

    Members of the lead organisation write and change the draft; members of the partner
    organisations may read it. ``cluster`` is the group staff put it in, if any.
    """

    reference = models.CharField(max_length=12, unique=True, default=new_eoi_reference)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="eois")
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_eois"
    )
    status = models.CharField(max_length=10, choices=EoiStatus.choices, default=EoiStatus.DRAFT)

    title = models.CharField(max_length=200, blank=True)
    problem = models.TextField("the problem, and who has it", blank=True)
    phase = models.CharField("proposed phase", max_length=10, choices=Phase.choices, blank=True)
    estimated_cost = models.DecimalField(
        "estimated cost (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )

    cluster = models.ForeignKey(
        EoiCluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="eois"
    )
    application = models.ForeignKey(
        "funding.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="eois",
        help_text="The application it was invited to.",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="eois"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = acted_by()
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = acted_by()
    decline_feedback = models.TextField(blank=True)

    class Meta(Bid.Meta):
        verbose_name = "expression of interest"
        verbose_name_plural = "expressions of interest"
        indexes = [
            models.Index(fields=["round", "status"], name="funding_eoi_round_status_idx"),
            # The reminder scan: a round's drafts, without reading every EOI.
            models.Index(
                fields=["round"], name="funding_eoi_drafts_idx", condition=Q(status="draft")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False) | Q(status="withdrawn"),
                name="funding_eoi_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_feedback=""),
                name="funding_eoi_declined_has_feedback",
            ),
            models.CheckConstraint(
                condition=~Q(status="invited") | Q(application__isnull=False),
                name="funding_eoi_invited_has_application",
            ),
        ]


class EoiPartner(BidPartner):
    """An organisation taking part in an EOI beside its lead."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="eoi_partnerships"
    )

    class Meta(BidPartner.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["eoi", "organisation"], name="funding_eoi_partner_unique"
            )
        ]


class EoiChange(BidChange):
    """Who saved an EOI draft and when: its history, and who is reminded of its deadline."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="changes")

    class Meta(BidChange.Meta):
        indexes = [models.Index(fields=["eoi", "changed_by"])]


class ClusterMessage(models.Model):
    """A message staff sent to the leads of a cluster's EOIs, introducing them."""

    cluster = models.ForeignKey(EoiCluster, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.subject
