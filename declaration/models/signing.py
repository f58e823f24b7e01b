"""The Declaration's text, and organisations signing it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from localdigital.accounts.fields import acted_by
from localdigital.references import new_reference
from localdigital.updates import Update

from .organisations import Organisation, OrganisationType


def new_signing_reference() -> str:
    """Return a reference such as ``LDD-7K3Q9M`` for a signer to quote."""
    return new_reference("LDD")


class DeclarationVersion(models.Model):
    """One version of the Declaration's text, in Markdown.

    A version with no ``published_on`` is a draft. The current version is the published one
    with the highest number whose date has come. Each signing records the version signed.
    """

    number = models.PositiveIntegerField(unique=True)
    text = models.TextField(help_text="The Declaration in Markdown.")
    published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = acted_by()

    class Meta:
        ordering = ["-number"]
        verbose_name = "Declaration version"

    def __str__(self) -> str:
        return f"Version {self.number}"


class Principle(models.TextChoices):
    """The Declaration's five principles, which a declaration project serves."""

    SERVICES = "services", "Redesign services around the needs of the people using them"
    PLUMBING = "plumbing", "“Fix our plumbing”: modular components and open standards"
    INFORMATION = "information", "Design safe, secure and useful ways of sharing information"
    LEADERSHIP = "leadership", "Demonstrate digital leadership"
    OPEN = "open", "Embed an open culture that works in the open, shares and reuses"


class SigningStatus(models.TextChoices):
    """The states of a signing; ``Signing`` lists the transitions between them.

    - draft: the signer is still answering the journey's questions; nobody else sees it;
    - submitted ("pending"): waiting for staff to check it;
    - published: on the public list of signatories;
    - rejected: staff refused it, with a reason shown to the signer (final);
    - withdrawn: the signer took it back before publication, or the organisation admin took
      the organisation out of the Declaration after it (final);
    - unpublished: staff took it off the public list, with a reason (final).

    Only submitted and published signings are "live": an organisation has at most one.
    """

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for checks"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNPUBLISHED = "unpublished", "Unpublished"


class Signing(models.Model):
    """An organisation's signing of the Declaration.

    States and transitions:

    - draft → submitted: the signer checks their answers and submits;
    - submitted → published: staff check it; the organisation joins the public list and the
      signer becomes its organisation admin;
    - submitted → rejected: staff refuse it, with a reason shown to the signer;
    - submitted → withdrawn: the signer takes it back before it is published;
    - published → unpublished: staff take it off the public list, with a reason;
    - published → withdrawn: the organisation admin leaves the Declaration, with a reason.

    "Pending" means submitted. An organisation has at most one pending or published signing
    (a database constraint). A signing is for an organisation in the register, or, when the
    signer's organisation is not listed, for the organisation they describe
    (``proposed_*``), which staff create when they publish it.

    ``signed_on`` is the London date it was submitted, or the date an imported signatory
    signed. ``published_at`` is when staff published it; for an imported signing, which has
    no signer, it is the start of ``signed_on`` in London, so that its anniversaries and its
    place in the order of publication are those of the day it signed (``created_at`` says
    when it was imported).
    """

    reference = models.CharField(max_length=12, unique=True, default=new_signing_reference)
    status = models.CharField(
        max_length=12, choices=SigningStatus.choices, default=SigningStatus.DRAFT, db_index=True
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="signings"
    )
    proposed_name = models.CharField("organisation name", max_length=200, blank=True)
    proposed_type = models.CharField(
        "organisation type", max_length=12, choices=OrganisationType.choices, blank=True
    )
    proposed_website = models.URLField("organisation website", blank=True)
    proposed_region = models.CharField("organisation region", max_length=100, blank=True)

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="signings",
    )
    signer_role = models.CharField("signer's role", max_length=200, blank=True)
    senior_leader_name = models.CharField(max_length=200, blank=True)
    senior_leader_job_title = models.CharField(max_length=200, blank=True)
    elected_member_name = models.CharField(max_length=200, blank=True)
    elected_member_role = models.CharField(max_length=200, blank=True)
    digital_lead_name = models.CharField(max_length=200, blank=True)
    digital_lead_job_title = models.CharField(max_length=200, blank=True)
    digital_lead_email = models.EmailField(max_length=254, blank=True)

    project_title = models.CharField("declaration project title", max_length=200, blank=True)
    project_description = models.TextField("declaration project description", blank=True)
    project_principles = ArrayField(
        models.CharField(max_length=20, choices=Principle.choices), default=list, blank=True
    )

    version = models.ForeignKey(
        DeclarationVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(null=True, blank=True, db_index=True)
    co_publisher = models.BooleanField(
        default=False, help_text="One of the 45 organisations that published it on 4 July 2018."
    )

    # Flags for staff, set when the signing is submitted.
    domain_mismatch = models.BooleanField(
        default=False, help_text="The signer's email domain is not one of the organisation's."
    )
    possible_duplicate = models.BooleanField(
        default=False,
        help_text=(
            "The organisation is not in the register, and its name is like that of an "
            "organisation that is, or of another unlisted organisation waiting for checks."
        ),
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = acted_by()
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = acted_by()
    rejection_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = acted_by()
    withdrawal_reason = models.TextField(blank=True)
    unpublished_at = models.DateTimeField(null=True, blank=True)
    unpublished_by = acted_by()
    unpublish_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["submitted", "published"]),
                name="declaration_signing_one_live_per_organisation",
                violation_error_message="This organisation has already signed, or is waiting.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(organisation__isnull=False) | ~Q(proposed_name=""),
                name="declaration_signing_names_an_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(organisation__isnull=False),
                name="declaration_signing_published_has_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="declaration_signing_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="unpublished") | ~Q(unpublish_reason=""),
                name="declaration_signing_unpublished_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_on__isnull=False),
                name="declaration_signing_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.organisation_name}"

    def get_absolute_url(self) -> str:
        """Return the address of the signatory page, which is public once published."""
        if self.organisation is None:
            raise ValueError(f"{self} has no organisation, so no signatory page.")
        return self.organisation.get_absolute_url()

    @property
    def organisation_name(self) -> str:
        """Return the organisation's name, or the one the signer proposed."""
        return self.organisation.name if self.organisation else self.proposed_name

    @property
    def is_organisation_unlisted(self) -> bool:
        """Return whether the signer described an organisation the register does not have."""
        return self.organisation_id is None and bool(self.proposed_name)

    @property
    def is_live(self) -> bool:
        """Return whether the signing is pending or published."""
        return self.status in (SigningStatus.SUBMITTED, SigningStatus.PUBLISHED)


class ProjectUpdate(Update):
    """An update on a signatory's declaration project, posted by one of its members.

    It is public on the signatory's page. Staff may remove one, with a reason, through
    ``project_update_remove``: it is deleted, and the audit event keeps what it said.
    """

    signing = models.ForeignKey(Signing, on_delete=models.CASCADE, related_name="updates")

    class Meta(Update.Meta):
        ordering = ["-posted_at"]


class AnniversaryReminder(models.Model):
    """A record that the reminder for one anniversary of a signing was sent.

    Its unique constraint is what makes the reminder go once, however often the job runs.
    """

    signing = models.ForeignKey(
        Signing, on_delete=models.CASCADE, related_name="anniversary_reminders"
    )
    anniversary = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["signing", "anniversary"], name="declaration_anniversary_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signing} on {self.anniversary}"
