"""Reads of the funded projects for the public: the list with its search and filters, each
project's page, and the projects an organisation leads or partners on.

A funded project is an award that is public: its round's decisions have been announced and
its offer was not declined (``awards_public``). Nothing else about a decision is ever read
here, so nothing of one can reach a public page before its announcement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

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
    ProgressReport,
    ProgressUpdate,
    ProjectOutput,
    ReportStatus,
)

# Summaries and titles are prose: the "english" configuration stems words and drops common
# ones, so "planning" finds "plan" and "the" finds nothing on its own.
SEARCH_CONFIG = "english"
SUMMARY_WORDS = 40
PHASE_ORDER = {phase.value: position for position, phase in enumerate(Phase)}

# GOV.UK tag colours for each public status.
STATUS_TAG_CLASSES = {
    AwardStatus.OFFERED: "govuk-tag--blue",
    AwardStatus.ACCEPTED: "govuk-tag--turquoise",
    AwardStatus.ACTIVE: "govuk-tag--green",
    AwardStatus.COMPLETED: "govuk-tag--grey",
}
# How the public pages name each status.
STATUS_LABELS = {
    AwardStatus.OFFERED: "Grant offered",
    AwardStatus.ACCEPTED: "Grant accepted",
    AwardStatus.ACTIVE: "In progress",
    AwardStatus.COMPLETED: "Completed",
}


@dataclass(frozen=True)
class ProjectFilters:
    """What the list of funded projects is narrowed to; empty values narrow nothing."""

    query: str = ""
    round: str = ""
    phase: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class FilterOption:
    """One choice in a filter: its value in the address, its label and how many it finds."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class ProjectRow:
    """One funded project in the public list."""

    title: str
    url: str
    summary: str
    lead_name: str
    round_name: str
    phase_label: str
    amount: str
    status_label: str
    status_tag_class: str


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
    return STATUS_LABELS.get(AwardStatus(status), AwardStatus(status).label)


def phase_label(phase: str) -> str:
    return Phase(phase).label if phase in Phase.values else "Not given"


def project_search_query(text: str) -> SearchQuery | None:
    """Return the full-text query for a search of projects, or None for nothing to search.

    ``websearch_to_tsquery`` reads what people type (quotes for phrases, ``-`` to exclude)
    and never fails on any input.
    """
    text = text.strip()
    if not re.search(r"\w", text):
        return None
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def project_search_vector() -> CombinedExpression:
    """Return a project's full-text document: its title, weighted above its summary."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "summary", weight="B", config=SEARCH_CONFIG
    )


def _involving(slug: str) -> Q:
    """Return the condition for projects the organisation ``slug`` leads or partners on."""
    partners = ApplicationPartner.objects.filter(
        application_id=OuterRef("application_id"), organisation__slug=slug
    )
    return Q(application__lead_organisation__slug=slug) | Q(Exists(partners))


def projects_search(*, filters: ProjectFilters) -> QuerySet[Award]:
    """Return the public projects that match ``filters``: the best matches first when
    searching, else the newest awards first."""
    awards = awards_public().select_related("application__round", "application__lead_organisation")
    if filters.round:
        awards = awards.filter(application__round__slug=filters.round)
    if filters.phase:
        awards = awards.filter(application__phase=filters.phase)
    if filters.organisation:
        awards = awards.filter(_involving(filters.organisation))
    search = project_search_query(filters.query)
    if search is None:
        return awards.order_by("-awarded_on", "title", "pk")
    vector = project_search_vector()
    return (
        awards.annotate(search=vector, rank=SearchRank(vector, search))
        .filter(search=search)
        .order_by("-rank", "-awarded_on", "title", "pk")
    )


def _summary_first_words(summary: str) -> str:
    first = (paragraphs(summary) or [""])[0]
    words = first.split()
    if len(words) <= SUMMARY_WORDS:
        return " ".join(words)
    return " ".join(words[:SUMMARY_WORDS]) + "…"


def project_rows(awards: QuerySet[Award] | list[Award]) -> list[ProjectRow]:
    """Return list rows for awards fetched with their rounds and lead organisations."""
    return [
        ProjectRow(
            title=award.title,
            url=project_url(award.slug),
            summary=_summary_first_words(award.summary),
            lead_name=award.application.lead_organisation.name,
            round_name=award.application.round.name,
            phase_label=phase_label(award.application.phase),
            amount=formats.money(award.amount),
            status_label=status_label(award.status),
            status_tag_class=STATUS_TAG_CLASSES.get(AwardStatus(award.status), ""),
        )
        for award in awards
    ]


def project_count() -> int:
    """Return how many funded projects are public."""
    return awards_public().count()


def project_round_options() -> list[FilterOption]:
    """Return the rounds with public projects, newest first, with how many each funded."""
    rows = (
        awards_public()
        .values("application__round__slug", "application__round__name")
        .annotate(count=Count("pk"))
        .order_by("-application__round__number", "application__round__slug")
    )
    return [
        FilterOption(
            value=row["application__round__slug"],
            label=row["application__round__name"],
            count=row["count"],
        )
        for row in rows
    ]


def project_phase_options() -> list[FilterOption]:
    """Return the phases of the public projects, in lifecycle order, with their counts."""
    rows = (
        awards_public()
        .exclude(application__phase="")
        .values("application__phase")
        .annotate(count=Count("pk"))
        .order_by()
    )
    options = [
        FilterOption(
            value=row["application__phase"],
            label=phase_label(row["application__phase"]),
            count=row["count"],
        )
        for row in rows
        if row["application__phase"] in PHASE_ORDER
    ]
    return sorted(options, key=lambda option: PHASE_ORDER[option.value])


def project_organisation_options() -> list[FilterOption]:
    """Return the organisations leading or partnering on public projects, by name, with how
    many projects each takes part in (two queries)."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    led = (
        awards_public()
        .values("application__lead_organisation__slug", "application__lead_organisation__name")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in led:
        slug = row["application__lead_organisation__slug"]
        names[slug] = row["application__lead_organisation__name"]
        counts[slug] = counts.get(slug, 0) + row["count"]
    partnered = (
        ApplicationPartner.objects.filter(application__award__in=awards_public())
        .values("organisation__slug", "organisation__name")
        .annotate(count=Count("application", distinct=True))
        .order_by()
    )
    for partner in partnered:
        slug = partner["organisation__slug"]
        names[slug] = partner["organisation__name"]
        counts[slug] = counts.get(slug, 0) + partner["count"]
    options = [FilterOption(value=slug, label=names[slug], count=counts[slug]) for slug in names]
    return sorted(options, key=lambda option: (option.label.lower(), option.value))


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
