"""Reads of the funded projects for the public that the list (``project_list``), each
project's page (``projects_detail``) and the open data share.

A funded project is an award that is public: its round's decisions have been announced and
its offer was not declined (``awards_public``). Nothing else about a decision is ever read
here, so nothing of one can reach a public page before its announcement.
"""

from __future__ import annotations

from django.db.models import Max, QuerySet
from django.db.models.functions import Greatest
from django.urls import reverse

from ..models import (
    PUBLIC_AWARD_STATUSES,
    Award,
    AwardStatus,
    Phase,
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


# When an award itself last changed: made, answered, started, finished, or its application
# edited. PostgreSQL's GREATEST skips those that have not happened.
AWARD_CHANGED_AT = (
    "created_at",
    "responded_at",
    "started_at",
    "completed_at",
    "application__updated_at",
)


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
                *AWARD_CHANGED_AT,
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
