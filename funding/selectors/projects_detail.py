"""A funded project's public page, and the funded projects an organisation took part in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from declaration.selectors.public import paragraphs
from funding.selectors.projects import (
    STATUS_TAG_CLASSES,
    awards_public,
    phase_label,
    project_url,
    status_label,
)

from .. import formats
from ..models import (
    ApplicationPartner,
    AwardStatus,
    ProgressReport,
    ProgressUpdate,
    ProjectOutput,
    ReportStatus,
)


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
    completed_on: date | None = None
    # From the final report, once the Fund has accepted it: nothing else a report says.
    reuse_paragraphs: list[str] = field(default_factory=list)
    lessons_paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FundedProjectLink:
    """A funded project an organisation takes part in, for its signatory page."""

    title: str
    url: str
    role: str


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

    final = (
        ProgressReport.objects.filter(award=award, is_final=True, status=ReportStatus.ACCEPTED)
        .values("reuse", "lessons")
        .first()
        if award.status == AwardStatus.COMPLETED
        else None
    ) or {"reuse": "", "lessons": ""}

    def link(organisation: Organisation) -> OrganisationLink:
        return OrganisationLink(
            name=organisation.name,
            url=organisation.get_absolute_url() if organisation.pk in signatories else "",
        )

    return ProjectDetail(
        slug=award.slug,
        title=award.title,
        summary_paragraphs=paragraphs(award.summary),
        lead=link(lead),
        partners=[link(organisation) for organisation in partners],
        round_name=round.name,
        round_url=round.get_absolute_url() if round.is_published else "",
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
        completed_on=timezone.localdate(award.completed_at) if award.completed_at else None,
        reuse_paragraphs=paragraphs(final["reuse"]),
        lessons_paragraphs=paragraphs(final["lessons"]),
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
