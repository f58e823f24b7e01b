"""Reads for the public face of the Declaration: the list of signatories, each signatory's
page, the home page's figures, open data, and the signatories a member may post updates for.

A signatory is an organisation whose signing is published. Only published signings are ever
shown in public; the database allows at most one per organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Count, Expression, F, Func, Max, QuerySet, TextField, Value
from django.db.models.functions import Cast, Greatest
from django.urls import reverse

from declaration.models import (
    Organisation,
    OrganisationType,
    Principle,
    ProjectUpdate,
    Signing,
    SigningStatus,
)
from localdigital.accounts.models import User
from localdigital.pagination import FilterOption

# Names are not prose: the "simple" configuration neither stems nor drops words such as "of",
# so a prefix of any word in a name finds it.
SEARCH_CONFIG = "simple"
# Longer searches are cut to this many words; nobody needs more to find a council.
SEARCH_MAX_WORDS = 10
SEARCH_WORD = re.compile(r"[^\W_]+")
# Straight and curly apostrophes are dropped from names and searches alike, so that "Kings
# Lynn" finds "King's Lynn", with either kind of apostrophe, as one word: "kings".
APOSTROPHES = "'\u2019"
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")


class SignatorySort:
    """The orders the public list can be sorted in, as given in ``?sort=``."""

    NAME = "name"
    DATE = "date"
    CHOICES = ((NAME, "Name (A to Z)"), (DATE, "Date signed (newest first)"))


@dataclass(frozen=True)
class SignatoryFilters:
    """What the public list is narrowed to and sorted by; empty values narrow nothing."""

    query: str = ""
    organisation_type: str = ""
    region: str = ""
    co_publishers_only: bool = False
    sort: str = SignatorySort.NAME


@dataclass(frozen=True)
class SignatoryRow:
    """One row of the public list (and of the home page's latest signatories)."""

    name: str
    url: str
    type_label: str
    region: str
    signed_on: date | None
    co_publisher: bool


@dataclass(frozen=True)
class ProjectUpdateView:
    """A declaration project update as its signatory's page shows it."""

    pk: int
    title: str
    posted_at: datetime
    paragraphs: list[str]


@dataclass(frozen=True)
class SignatoryDetail:
    """Everything a signatory's page shows, ready to render."""

    signing: Signing
    organisation: Organisation
    type_label: str
    project_paragraphs: list[str]
    principles: list[str]
    updates: list[ProjectUpdateView] = field(default_factory=list)


PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def paragraphs(text: str) -> list[str]:
    """Return ``text`` split into paragraphs at blank lines (still to be escaped)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return [part.strip() for part in PARAGRAPH_BREAK.split(text) if part.strip()]


@dataclass(frozen=True)
class SignatoryUpdateLink:
    """A published signatory that a member may post declaration project updates for."""

    name: str
    signatory_url: str
    post_update_url: str


def _organisation_of(signing: Signing) -> Organisation:
    """Return a published signing's organisation, which the database guarantees it has."""
    organisation = signing.organisation
    if organisation is None:
        raise ValueError(f"{signing} is published without an organisation.")
    return organisation


def signatories_published() -> QuerySet[Signing]:
    """Return every published signing, with its organisation."""
    return Signing.objects.filter(status=SigningStatus.PUBLISHED).select_related("organisation")


def signatory_count() -> int:
    """Return how many organisations are on the public list of signatories."""
    return Signing.objects.filter(status=SigningStatus.PUBLISHED).count()


def signatory_search_terms(text: str) -> str:
    """Return ``text`` as a PostgreSQL ``tsquery`` that finds names with a word starting
    with each word typed, or "" when it has no word to search for.

    So "Hackney" and "hack" both find "London Borough of Hackney". Apostrophes are dropped
    first, as they are from the names searched, so "Kings Lynn" and "King's Lynn" are the
    same search. Only letters and digits pass, joined by the query syntax, so no input can
    make the query fail.
    """
    words = SEARCH_WORD.findall(_APOSTROPHE.sub("", text.lower()))[:SEARCH_MAX_WORDS]
    return " & ".join(f"{word}:*" for word in words)


def signatory_search_query(text: str) -> SearchQuery | None:
    """Return the full-text query for a search of names, or None for nothing to search."""
    terms = signatory_search_terms(text)
    if not terms:
        return None
    return SearchQuery(terms, search_type="raw", config=SEARCH_CONFIG)


def _without_apostrophes(expression: Expression | F) -> Func:
    """Return ``expression`` as text with every straight and curly apostrophe taken out."""
    return Func(
        Cast(expression, TextField()),
        Value(f"[{APOSTROPHES}]"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def signatory_search_vector() -> SearchVector:
    """Return the full-text document of a signatory: its organisation's name and alternative
    names, without apostrophes (see ``signatory_search_terms``)."""
    return SearchVector(
        _without_apostrophes(F("organisation__name")),
        _without_apostrophes(F("organisation__alternative_names")),
        config=SEARCH_CONFIG,
    )


def signatories_search(*, filters: SignatoryFilters) -> QuerySet[Signing]:
    """Return the published signings that match ``filters``, in the order they ask for.

    The search covers each organisation's name and its alternative names.
    """
    signings = signatories_published().only(
        "organisation__name",
        "organisation__slug",
        "organisation__organisation_type",
        "organisation__region",
        "signed_on",
        "co_publisher",
    )
    search = signatory_search_query(filters.query)
    if search is not None:
        signings = signings.annotate(search=signatory_search_vector()).filter(search=search)
    if filters.organisation_type:
        signings = signings.filter(organisation__organisation_type=filters.organisation_type)
    if filters.region:
        signings = signings.filter(organisation__region=filters.region)
    if filters.co_publishers_only:
        signings = signings.filter(co_publisher=True)
    if filters.sort == SignatorySort.DATE:
        return signings.order_by("-signed_on", "organisation__name", "pk")
    return signings.order_by("organisation__name", "pk")


def signatory_rows(signings: Iterable[Signing]) -> list[SignatoryRow]:
    """Return rows for the public list from signings fetched with their organisations."""
    labels = dict(OrganisationType.choices)
    rows = []
    for signing in signings:
        organisation = _organisation_of(signing)
        rows.append(
            SignatoryRow(
                name=organisation.name,
                url=organisation.get_absolute_url(),
                type_label=labels.get(organisation.organisation_type, ""),
                region=organisation.region,
                signed_on=signing.signed_on,
                co_publisher=signing.co_publisher,
            )
        )
    return rows


def signatory_type_options() -> list[FilterOption]:
    """Return the types of organisation that have signed, with how many of each, by label."""
    labels = dict(OrganisationType.choices)
    rows = (
        Signing.objects.filter(status=SigningStatus.PUBLISHED)
        .values("organisation__organisation_type")
        .annotate(count=Count("pk"))
        .order_by()
    )
    options = [
        FilterOption(
            value=row["organisation__organisation_type"],
            label=labels.get(row["organisation__organisation_type"], "Other"),
            count=row["count"],
        )
        for row in rows
    ]
    return sorted(options, key=lambda option: option.label)


def signatory_region_options() -> list[FilterOption]:
    """Return the regions that signatories are in, with how many in each, by name."""
    rows = (
        Signing.objects.filter(status=SigningStatus.PUBLISHED)
        .exclude(organisation__region="")
        .values("organisation__region")
        .annotate(count=Count("pk"))
        .order_by("organisation__region")
    )
    return [
        FilterOption(
            value=row["organisation__region"],
            label=row["organisation__region"],
            count=row["count"],
        )
        for row in rows
    ]


def signatories_latest(*, limit: int = 5) -> list[SignatoryRow]:
    """Return the ``limit`` organisations that signed most recently, newest first."""
    signings = signatories_published().order_by("-signed_on", "-published_at", "-pk")[:limit]
    return signatory_rows(list(signings))


def signatories_with_last_change() -> QuerySet[Signing]:
    """Return every published signing, by organisation name, with ``last_changed``: when
    its signatory page last changed (the signing, its organisation or its latest project
    update)."""
    return (
        signatories_published()
        .annotate(
            last_changed=Greatest(
                "updated_at", "organisation__updated_at", Max("updates__posted_at")
            )
        )
        .order_by("organisation__name", "pk")
    )


def signatories_newest(*, limit: int) -> QuerySet[Signing]:
    """Return the ``limit`` signings published most recently, newest first, with their
    organisations: the newest signatories."""
    return signatories_published().order_by("-published_at", "-pk")[:limit]


def signatory_get(*, slug: str) -> SignatoryDetail | None:
    """Return the signatory page for the organisation with ``slug``, or None.

    None unless the organisation's signing is published: a pending, withdrawn or
    unpublished signing is not public. Its project updates come newest first.
    """
    signing = signatories_published().filter(organisation__slug=slug).first()
    if signing is None:
        return None
    labels = dict(Principle.choices)
    organisation = _organisation_of(signing)
    return SignatoryDetail(
        signing=signing,
        organisation=organisation,
        type_label=organisation.get_organisation_type_display(),
        project_paragraphs=paragraphs(signing.project_description),
        principles=[labels[value] for value in signing.project_principles if value in labels],
        updates=[
            ProjectUpdateView(
                pk=update.pk,
                title=update.title,
                posted_at=update.posted_at,
                paragraphs=paragraphs(update.body),
            )
            for update in ProjectUpdate.objects.filter(signing=signing)
            .only("title", "body", "posted_at")
            .order_by("-posted_at", "-pk")
        ],
    )


def _signatories_of_member(*, user: User) -> QuerySet[Signing]:
    return signatories_published().filter(
        organisation__memberships__user=user,
        organisation__memberships__approved_at__isnull=False,
    )


def signatory_for_member(*, user: User, slug: str) -> Signing | None:
    """Return the published signing of the organisation ``slug`` if ``user`` is an approved
    member of it, else None: only they may post its declaration project updates."""
    return _signatories_of_member(user=user).filter(organisation__slug=slug).first()


def signatory_update_links(*, user: User) -> list[SignatoryUpdateLink]:
    """Return the published signatories ``user`` is an approved member of, by name, with the
    addresses of their public page and of the form to post an update."""
    signings = _signatories_of_member(user=user).order_by("organisation__name")
    links = []
    for signing in signings:
        organisation = _organisation_of(signing)
        links.append(
            SignatoryUpdateLink(
                name=organisation.name,
                signatory_url=organisation.get_absolute_url(),
                post_update_url=reverse(
                    "declaration:update-new", kwargs={"slug": organisation.slug}
                ),
            )
        )
    return links
