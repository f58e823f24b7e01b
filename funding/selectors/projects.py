"""Reads of the funded projects for the public: each project's page, the projects an
organisation leads or partners on, and what the list and the open data share (the list
itself is ``project_list``).

A funded project is an award that is public: its round's decisions have been announced and
its offer was not declined (``awards_public``). Nothing else about a decision is ever read
here, so nothing of one can reach a public page before its announcement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from django.urls import reverse

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from declaration.selectors.public import paragraphs

from .. import formats
from ..models import (
    PUBLIC_AWARD_STATUSES,
    ApplicationPartner,
    Award,
    AwardStatus,
    Phase,
    ProgressUpdate,
    ProjectOutput,
)

# GOV.UK tag colours for each public status.
STATUS_TAG_CLASSES: dict[str, str] = {
    AwardStatus.OFFERED: "govuk-tag--blue",
    AwardStatus.ACCEPTED: "govuk-tag--turquoise",
    AwardStatus.ACTIVE: "govuk-tag--green",
    AwardStatus.COMPLETED: "govuk-tag--grey",
}
# How the public pages name each status.
STATUS_LABELS: dict[str, str] = {
    AwardStatus.OFFERED: "Grant offered",
    AwardStatus.ACCEPTED: "Grant accepted",
    AwardStatus.ACTIVE: "In progress",
    AwardStatus.COMPLETED: "Completed",
}
# Looked up for every row of the list: a dict, not the enum's own lookup, which is slow.
PHASE_LABELS: dict[str, str] = dict(Phase.choices)


@dataclass(frozen=True)
class OrganisationLink:
    """An organisation taking part in a project, with its signatory page when it has one."""

    name: str
    url: str


@dataclass(frozen=True)
class ProgressUpdateView:
    pk: int
    title: str
    posted_at: datetime
    paragraphs: list[str]


@dataclass(frozen=True)
class OutputView:
    title: str
    url: str
    type_label: str


@dataclass(frozen=True)
class ProjectDetail:
    """Everything a funded project's public page shows, ready to render."""

    slug: str
    title: str
    summary_paragraphs: list[str]
    lead: OrganisationLink
    partners: list[OrganisationLink]
    round_name: str
    round_url: str
    phase_label: str
    amount: str
    awarded_on: date
    planned_start_on: date | None
    planned_end_on: date | None
    status_label: str
    status_tag_class: str
    updates: list[ProgressUpdateView] = field(default_factory=list)
    outputs: list[OutputView] = field(default_factory=list)


@dataclass(frozen=True)
class FundedProjectLink:
    """A funded project an organisation takes part in, for its signatory page."""

    title: str
    url: str
    role: str


def awards_public() -> QuerySet[Award]:
    """Return every funded project the public may see: announced, and not declined.

    Awards are made only when a round is announced, but the round's announcement is checked
    here too, so that no award made any other way can break the embargo.
    """
    return Award.objects.filter(
        status__in=PUBLIC_AWARD_STATUSES, application__round__announced_at__isnull=False
    )


def projects_with_last_change() -> QuerySet[Award]:
    """Return every public project, newest award first, with ``last_changed``: when its
    page last changed (the award made, answered, started or finished; its application; its
    latest progress update or output). PostgreSQL's ``GREATEST`` skips what has not
    happened."""
    return (
        awards_public()
        .select_related("application__lead_organisation", "application__round")
        .annotate(
            last_changed=Greatest(
                "created_at",
                "responded_at",
                "started_at",
                "completed_at",
                "application__updated_at",
                Max("updates__posted_at"),
                Max("outputs__added_at"),
            )
        )
        .order_by("-awarded_on", "-created_at", "-pk")
    )


def project_url(slug: str) -> str:
    return reverse("funding:project-detail", args=[slug])


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return label if label is not None else AwardStatus(status).label


def phase_label(phase: str) -> str:
    return PHASE_LABELS.get(phase, "Not given")


def project_get_public(*, slug: str) -> ProjectDetail | None:
    """Return the public project ``slug`` with everything its page shows, or None (when it
    does not exist, was declined, or its round is not announced)."""
    award = (
        awards_public()
        .filter(slug=slug)
        .select_related("application__round", "application__lead_organisation")
        .prefetch_related(
            Prefetch(
                "application__partners",
                queryset=ApplicationPartner.objects.select_related("organisation").order_by(
                    "organisation__name", "pk"
                ),
            ),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.only(
                    "award_id", "title", "body", "posted_at"
                ).order_by("-posted_at", "-pk"),
            ),
            Prefetch(
                "outputs",
                queryset=ProjectOutput.objects.only(
                    "award_id", "title", "url", "output_type"
                ).order_by("output_type", "title", "pk"),
            ),
        )
        .first()
    )
    if award is None:
        return None
    application = award.application
    round = application.round
    lead = application.lead_organisation
    partners = [partner.organisation for partner in application.partners.all()]
    signatories = declaration_selectors.signatory_organisation_ids(
        organisation_ids=[lead.pk, *(organisation.pk for organisation in partners)]
    )

    def link(organisation: Organisation) -> OrganisationLink:
        return OrganisationLink(
            name=organisation.name,
            url=reverse("declaration:signatory", kwargs={"slug": organisation.slug})
            if organisation.pk in signatories
            else "",
        )

    return ProjectDetail(
        slug=award.slug,
        title=award.title,
        summary_paragraphs=paragraphs(award.summary),
        lead=link(lead),
        partners=[link(organisation) for organisation in partners],
        round_name=round.name,
        round_url=reverse("funding:round-detail", args=[round.slug]) if round.is_published else "",
        phase_label=phase_label(application.phase),
        amount=formats.money(award.amount),
        awarded_on=award.awarded_on,
        planned_start_on=award.planned_start_on,
        planned_end_on=award.planned_end_on,
        status_label=status_label(award.status),
        status_tag_class=STATUS_TAG_CLASSES.get(AwardStatus(award.status), ""),
        updates=[
            ProgressUpdateView(
                pk=update.pk,
                title=update.title,
                posted_at=update.posted_at,
                paragraphs=paragraphs(update.body),
            )
            for update in award.updates.all()
        ],
        outputs=[
            OutputView(
                title=output.title, url=output.url, type_label=output.get_output_type_display()
            )
            for output in award.outputs.all()
        ],
    )


def funded_projects_for_organisation(*, organisation_id: int) -> list[FundedProjectLink]:
    """Return the public projects the organisation leads or partners on, newest first, each
    with its role ("Lead" or "Partner"), in one query."""
    partners = ApplicationPartner.objects.filter(
        application_id=OuterRef("application_id"), organisation_id=organisation_id
    )
    rows = (
        awards_public()
        .filter(Q(application__lead_organisation_id=organisation_id) | Q(Exists(partners)))
        .order_by("-awarded_on", "title", "pk")
        .values_list("title", "slug", "application__lead_organisation_id")
    )
    return [
        FundedProjectLink(
            title=title,
            url=project_url(slug),
            role="Lead" if lead_id == organisation_id else "Partner",
        )
        for title, slug, lead_id in rows
    ]
