"""Reads for the public list of funded projects: its search, its filters with their counts,
and its rows.

The list is the Fund's busiest page when a round is announced, and every new search or page
number is rendered afresh, so its reads are narrow: the rows are fetched as the columns they
show, and every filter's options are counted in one query (kept by the view for each version
of the content, see ``localdigital.public_cache.kept_for_versions``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import CombinedExpression

from declaration.models import Organisation
from declaration.selectors.public import paragraphs
from localdigital.pagination import FilterOption

from .. import formats
from ..models import ApplicationPartner, Phase, Round
from .projects import STATUS_TAG_CLASSES, awards_public, phase_label, project_url, status_label

# Summaries and titles are prose: the "english" configuration stems words and drops common
# ones, so "planning" finds "plan" and "the" finds nothing on its own.
SEARCH_CONFIG = "english"
SUMMARY_WORDS = 40
PHASE_ORDER = {phase.value: position for position, phase in enumerate(Phase)}
# What a row of the list reads, in the order ``project_rows`` takes it.
ROW_FIELDS = (
    "title",
    "slug",
    "summary",
    "amount",
    "status",
    "application__phase",
    "application__round__name",
    "application__lead_organisation__name",
)


@dataclass(frozen=True)
class ProjectFilters:
    """What the list of funded projects is narrowed to; empty values narrow nothing."""

    query: str = ""
    round: str = ""
    phase: str = ""
    organisation: str = ""

    @property
    def is_narrowing(self) -> bool:
        """Return whether any filter or search is asked for."""
        return bool(self.query or self.round or self.phase or self.organisation)


@dataclass(frozen=True)
class ProjectFilterOptions:
    """Every filter's options with their counts, and how many projects are public."""

    rounds: list[FilterOption]
    phases: list[FilterOption]
    organisations: list[FilterOption]
    project_count: int


class ProjectRow(TypedDict):
    """One funded project in the public list.

    A dictionary rather than a dataclass: the template engine looks ``row.title`` up as
    ``row["title"]`` first, and on a dataclass that raises and is caught for every value
    of every row shown.
    """

    title: str
    url: str
    summary: str
    lead_name: str
    round_name: str
    phase_label: str
    amount: str
    status_label: str
    status_tag_class: str


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


def projects_search(*, filters: ProjectFilters) -> QuerySet[Any]:
    """Return the public projects that match ``filters``, as rows of ``ROW_FIELDS`` for
    ``project_rows``: the best matches first when searching, else the newest awards first."""
    awards = awards_public()
    if filters.round:
        awards = awards.filter(application__round__slug=filters.round)
    if filters.phase:
        awards = awards.filter(application__phase=filters.phase)
    if filters.organisation:
        awards = awards.filter(_involving(filters.organisation))
    search = project_search_query(filters.query)
    if search is None:
        return awards.order_by("-awarded_on", "title", "pk").values_list(*ROW_FIELDS)
    vector = project_search_vector()
    return (
        awards.annotate(search=vector, rank=SearchRank(vector, search))
        .filter(search=search)
        .order_by("-rank", "-awarded_on", "title", "pk")
        .values_list(*ROW_FIELDS)
    )


def _summary_first_words(summary: str) -> str:
    first = (paragraphs(summary) or [""])[0]
    words = first.split()
    if len(words) <= SUMMARY_WORDS:
        return " ".join(words)
    return " ".join(words[:SUMMARY_WORDS]) + "…"


def project_rows(rows: Iterable[tuple[Any, ...]]) -> list[ProjectRow]:
    """Return list rows for rows of ``projects_search``."""
    return [
        {
            "title": title,
            "url": project_url(slug),
            "summary": _summary_first_words(summary),
            "lead_name": lead_name,
            "round_name": round_name,
            "phase_label": phase_label(phase),
            "amount": formats.money(amount),
            "status_label": status_label(status),
            "status_tag_class": STATUS_TAG_CLASSES.get(status, ""),
        }
        for title, slug, summary, amount, status, phase, round_name, lead_name in rows
    ]


# Every option of every filter, in one pass over the public projects: their rounds, their
# phases, and the organisations leading or partnering on them. An organisation partners on
# an application at most once (a unique constraint), so counting its rows counts projects.
_OPTIONS_SQL = """
WITH public (application_id, round_id, phase, lead_organisation_id) AS MATERIALIZED ({public})
SELECT 'round', rounds.slug, rounds.name, rounds.number, COUNT(*)
FROM public JOIN {round} AS rounds ON rounds.id = public.round_id
GROUP BY rounds.id
UNION ALL
SELECT 'phase', public.phase, '', 0, COUNT(*) FROM public GROUP BY public.phase
UNION ALL
SELECT 'organisation', organisations.slug, organisations.name, 0, taking_part.count
FROM (
    SELECT organisation_id, COUNT(*) AS count FROM (
        SELECT lead_organisation_id AS organisation_id FROM public
        UNION ALL
        SELECT partners.organisation_id
        FROM {partner} AS partners JOIN public USING (application_id)
    ) AS participations
    GROUP BY organisation_id
) AS taking_part
JOIN {organisation} AS organisations ON organisations.id = taking_part.organisation_id
"""


def project_filter_options() -> ProjectFilterOptions:
    """Return the options of the list's filters, in one query: the rounds with public
    projects, newest first; their phases, in lifecycle order; the organisations leading or
    partnering on them, by name; each with how many projects it finds."""
    public, params = (
        awards_public()
        .order_by()
        .values_list(
            "application_id",
            "application__round_id",
            "application__phase",
            "application__lead_organisation_id",
        )
        .query.sql_with_params()
    )
    sql = _OPTIONS_SQL.format(
        public=public,
        round=connection.ops.quote_name(Round._meta.db_table),
        partner=connection.ops.quote_name(ApplicationPartner._meta.db_table),
        organisation=connection.ops.quote_name(Organisation._meta.db_table),
    )
    rounds: list[tuple[int, FilterOption]] = []
    phases: list[FilterOption] = []
    organisations: list[FilterOption] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, value, label, number, count in cursor.fetchall():
            if kind == "round":
                rounds.append((number, FilterOption(value=value, label=label, count=count)))
            elif kind == "phase":
                if value in PHASE_ORDER:
                    phases.append(FilterOption(value=value, label=phase_label(value), count=count))
            else:
                organisations.append(FilterOption(value=value, label=label, count=count))
    rounds.sort(key=lambda pair: (-pair[0], pair[1].value))
    phases.sort(key=lambda option: PHASE_ORDER[option.value])
    organisations.sort(key=lambda option: (option.label.lower(), option.value))
    return ProjectFilterOptions(
        rounds=[option for _, option in rounds],
        phases=phases,
        organisations=organisations,
        project_count=sum(option.count for _, option in rounds),
    )
