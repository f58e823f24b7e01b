"""Full applications to a round: their sections, partners, budget and history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from declaration.models import Organisation
from localdigital.accounts.fields import acted_by
from localdigital.references import new_reference

from .bids import Bid, BidChange, BidPartner
from .rounds import Phase, Round


def new_application_reference() -> str:
    """Return a reference such as ``LDF-7K3Q9M`` for applicants and staff to quote."""
    return new_reference("LDF")


class ApplicationStatus(models.TextChoices):
    """The applicant's side of an application; ``Application`` lists the moves."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


# States in which an application counts towards its lead organisation's limit in the round.
APPLICATION_COUNTED_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)


class Section(models.TextChoices):
    """The sections of an application, each saved on its own, in task-list order."""

    PROBLEM = "problem", "The problem and the evidence for it"
    USERS = "users", "Users and their needs"
    APPROACH = "approach", "Approach and phase"
    OUTPUTS = "outputs", "Outputs and reuse"
    TEAM = "team", "The team and the partners' roles"
    BUDGET = "budget", "Budget"
    STAKEHOLDER = "stakeholder", "Senior stakeholder"


# The fields of the application each section saves.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    Section.PROBLEM: ("title", "problem", "evidence"),
    Section.USERS: ("users_and_needs",),
    Section.APPROACH: ("approach", "phase"),
    Section.OUTPUTS: ("outputs", "output_types", "reuse"),
    Section.TEAM: ("team",),
    Section.BUDGET: ("requested_amount",),
    Section.STAKEHOLDER: ("stakeholder_name", "stakeholder_job_title", "stakeholder_email"),
}


class OutputType(models.TextChoices):
    """Kinds of output a project shares for other councils to reuse."""

    CODE = "code", "Open source code"
    RESEARCH = "research", "User research and findings"
    PATTERNS = "patterns", "Service patterns and designs"
    DATA = "data", "Data standards and APIs"
    GUIDANCE = "guidance", "Guidance and playbooks"


class Application(Bid):
    """A full application to a round, led by one organisation with its partners.

    States and transitions (the applicant's side; assessment comes after submission):

    - draft → submitted: a member of the lead or a partner organisation submits it before
      the round's close (to the second), with every section complete, every partner
      confirmed and every rule of the round met;
    - draft or submitted → withdrawn: a member of the lead organisation withdraws it before
      the close;
    - draft → (deleted): a member of the lead organisation deletes a draft that was never
      submitted, before the close, unless staff made it by inviting an EOI; only the audit
      log keeps it.

    In a round with an EOI stage an application starts when staff invite an EOI, or a
    cluster of them, and is filled in from it; otherwise any member of a published
    signatory starts one while applications are open, with the answers to its first
    section (no empty draft is made). Members of the lead and the partner
    organisations edit the draft together; each section carries a version, so that two
    saves of one section at once never silently lose an edit. After the close a draft can
    no longer change.
    """

    reference = models.CharField(max_length=12, unique=True, default=new_application_reference)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_applications"
    )
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )

    # The problem and the evidence for it.
    title = models.CharField("project title", max_length=200, blank=True)
    problem = models.TextField("the problem", blank=True)
    evidence = models.TextField("evidence for the problem", blank=True)
    # Users and their needs.
    users_and_needs = models.TextField("users and their needs", blank=True)
    # Approach and phase.
    approach = models.TextField(blank=True)
    phase = models.CharField(max_length=10, choices=Phase.choices, blank=True)
    # Outputs and how others will reuse them.
    outputs = models.TextField(blank=True)
    output_types = ArrayField(
        models.CharField(max_length=10, choices=OutputType.choices), default=list, blank=True
    )
    reuse = models.TextField("how others will reuse the outputs", blank=True)
    # The team and the partners' roles (each partner's role is on its ``ApplicationPartner``).
    team = models.TextField(blank=True)
    # The budget: lines (``BudgetLine``) that sum to the amount requested.
    requested_amount = models.DecimalField(
        "amount requested (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    # The senior stakeholder.
    stakeholder_name = models.CharField("senior stakeholder's name", max_length=200, blank=True)
    stakeholder_job_title = models.CharField(
        "senior stakeholder's job title", max_length=200, blank=True
    )
    stakeholder_email = models.EmailField("senior stakeholder's email", blank=True)

    follow_on_award = models.ForeignKey(
        "funding.Award",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_on_applications",
        verbose_name="the project it follows on from",
        help_text="In a round only for projects funded in an earlier round: which project.",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="applications"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta(Bid.Meta):
        indexes = [
            models.Index(fields=["round", "status"], name="funding_app_round_status_idx"),
            # The reminder scan: a round's drafts, without reading every application.
            models.Index(
                fields=["round"], name="funding_app_drafts_idx", condition=Q(status="draft")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="funding_application_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="funding_application_withdrawn_has_time",
            ),
        ]


class ApplicationSection(models.Model):
    """Where one section of an application stands: completed or not, and its version.

    ``version`` goes up by one at every save of the section. A save names the version its
    form was opened at; if the section has moved on since, someone else saved it meanwhile,
    and the save is refused with a conflict rather than overwriting their edit.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=12, choices=Section.choices)
    is_completed = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = acted_by()

    class Meta:
        ordering = ["application", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "section"], name="funding_application_section_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_section_display()}"


class ApplicationChange(BidChange):
    """One save of an application by a collaborator: the visible history of the draft.

    ``section`` is empty for a change outside the sections (a partner added, say).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="changes")
    section = models.CharField(max_length=12, choices=Section.choices, blank=True)
    fields = ArrayField(models.CharField(max_length=40), default=list, blank=True)

    class Meta(BidChange.Meta):
        indexes = [models.Index(fields=["application", "changed_by"])]


class ApplicationPartner(BidPartner):
    """An organisation taking part in an application beside its lead.

    Its named contact confirms its participation through an emailed link: a random token
    whose SHA-256 digest is kept here (``confirmation_token_hash``); changing the contact
    takes any confirmation back, and submission needs every partner confirmed.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="application_partnerships"
    )
    role = models.TextField("role in the project", blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    confirmation_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta(BidPartner.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"], name="funding_application_partner_unique"
            )
        ]

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class BudgetLine(models.Model):
    """One line of an application's budget; the lines sum to the amount requested."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    description = models.CharField(max_length=200)
    amount = models.DecimalField(
        "amount (£)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_budget_line_amount")
        ]

    def __str__(self) -> str:
        return self.description
