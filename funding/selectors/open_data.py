"""Reads for the funded projects' open data: the rows of projects.csv and projects.json, the
grants of 360giving.json, and what identifies the data as it stands (for ETags).

Every read starts from ``awards_public``, so only announced awards that were not declined
are ever in the open data. Rows come through a server-side cursor a chunk at a time, so
memory stays flat however many projects there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, DateTimeField, Max, OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast, Greatest

from declaration import selectors as declaration_selectors
from localdigital.audit.models import AuditEvent

from ..models import PUBLIC_AWARD_STATUSES, Application, ApplicationPartner, Award, Round
from .projects import AWARD_CHANGED_AT, awards_public

OPEN_DATA_FIELDS = (
    "slug",
    "title",
    "summary",
    "application__round__name",
    "application__round__slug",
    "application__phase",
    "amount",
    "awarded_on",
    "status",
    "completed_at",
    "application__lead_organisation__name",
    "application__lead_organisation__slug",
    "partner_names",
    "partner_slugs",
    "planned_start_on",
    "planned_end_on",
    "application__reference",
)

GRANT_FIELDS = (
    "application__reference",
    "slug",
    "title",
    "summary",
    "amount",
    "awarded_on",
    "planned_start_on",
    "planned_end_on",
    "application__round__name",
    "application__round__slug",
    "application__round__is_published",
    "application__lead_organisation_id",
    "application__lead_organisation__name",
    "application__lead_organisation__register_code",
    "application__lead_organisation__gss_code",
    "application__lead_organisation__nation",
    "application__lead_organisation__website",
    "partner_names",
    "partner_gss_codes",
    "last_changed",
)


@dataclass(frozen=True)
class OpenDataVersion:
    """What identifies the projects' open data as it stands: how many public projects
    there are, and when anything in them last changed (None before the first award)."""

    count: int
    last_changed: datetime | None


def _partners_of(field_name: str) -> ArraySubquery:
    """Return, per award, the list of its partners' ``field_name`` ordered by their names."""
    return ArraySubquery(
        ApplicationPartner.objects.filter(application_id=OuterRef("application_id"))
        .order_by("organisation__name", "pk")
        .values(field_name)
    )


def projects_open_data(*, chunk_size: int = 1000) -> Iterator[tuple[Any, ...]]:
    """Yield, for every public project, newest award first, a tuple of
    ``OPEN_DATA_FIELDS``' values (partners' names and slugs as lists)."""
    return (
        awards_public()
        .annotate(
            partner_names=_partners_of("organisation__name"),
            partner_slugs=_partners_of("organisation__slug"),
        )
        .order_by("-awarded_on", "title", "pk")
        .values_list(*OPEN_DATA_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def _latest_partner_change() -> Subquery:
    """Return, per award, when a partner was last added or a partner organisation changed."""
    return Subquery(
        ApplicationPartner.objects.filter(application_id=OuterRef("application_id"))
        .values("application_id")
        .annotate(latest=Max(Greatest("added_at", "organisation__updated_at")))
        .values("latest"),
        output_field=DateTimeField(),
    )


def _latest_admin_change() -> Subquery:
    """Return, per award, when staff last changed it in the admin: the admin's log is the
    only record of an edited title or amount."""
    return Subquery(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Award),
            object_id=Cast(OuterRef("pk"), TextField()),
        )
        .values("object_id")
        .annotate(latest=Max("action_time"))
        .values("latest"),
        output_field=DateTimeField(),
    )


def grants_open_data(*, chunk_size: int = 500) -> Iterator[dict[str, Any]]:
    """Yield, for every public project by grant reference, a dict of ``GRANT_FIELDS``'
    values: what a 360Giving grant says of it.

    ``last_changed`` is when anything the grant says last changed: the award made,
    answered, started, finished or edited by staff; its application, round or lead
    organisation; its partners or their organisations. PostgreSQL's ``GREATEST`` skips the
    moments that have not happened.
    """
    return (
        awards_public()
        .annotate(
            partner_names=_partners_of("organisation__name"),
            partner_gss_codes=_partners_of("organisation__gss_code"),
            last_changed=Greatest(
                *AWARD_CHANGED_AT,
                "application__round__updated_at",
                "application__lead_organisation__updated_at",
                _latest_partner_change(),
                _latest_admin_change(),
            ),
        )
        .order_by("application__reference", "pk")
        .values(*GRANT_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def projects_open_data_version() -> OpenDataVersion:
    """Return how many public projects there are and when the open data last changed.

    Every award counts, public or not, because declining one takes it off the list. The
    changes seen are: an award made, answered, started or finished; its application, its
    round or any organisation changed; any change staff made to an award, application or
    partner in the admin (whose log is the only record of an edited title or amount); and
    anything the services audit of an award, such as its planned dates set or moved by an
    approved change (the audit log is the only record of when).
    """
    figures = Award.objects.aggregate(
        count=Count(
            "pk",
            filter=Q(
                status__in=PUBLIC_AWARD_STATUSES,
                application__round__announced_at__isnull=False,
            ),
        ),
        created=Max("created_at"),
        responded=Max("responded_at"),
        started=Max("started_at"),
        completed=Max("completed_at"),
        application=Max("application__updated_at"),
    )
    if not any(figures[name] for name in ("created", "responded", "started", "completed")):
        return OpenDataVersion(count=figures["count"], last_changed=None)
    content_types = ContentType.objects.get_for_models(Award, Application, ApplicationPartner)
    moments = [
        figures[name]
        for name in ("created", "responded", "started", "completed", "application")
        if figures[name] is not None
    ]
    moments += [
        Round.objects.aggregate(changed=Max("updated_at"))["changed"],
        declaration_selectors.organisations_last_changed(),
        LogEntry.objects.filter(
            content_type__in=[content_type.pk for content_type in content_types.values()]
        ).aggregate(changed=Max("action_time"))["changed"],
        AuditEvent.objects.filter(target_content_type=content_types[Award]).aggregate(
            changed=Max("created_at")
        )["changed"],
    ]
    return OpenDataVersion(
        count=figures["count"],
        last_changed=max((moment for moment in moments if moment is not None), default=None),
    )


def public_project_exists() -> bool:
    return awards_public().exists()
