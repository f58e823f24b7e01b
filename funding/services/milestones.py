"""Writes to a funded project's milestones, as fund managers keep them on the award's page
(added, changed or removed together, as the page saves them), with one audit event naming
what changed.

A milestone that a progress report says where it stands, or that the team asked to change,
stays: deleting it would delete what the report said, or the request with its decision.
Changing a milestone through an approved change request is ``changes.change_approve``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from localdigital.accounts.models import User
from localdigital.audit.changes import differences, values_of
from localdigital.audit.services import audit_record

from ..errors import FundingError, TransitionNotAllowed
from ..models import Award, ChangeRequest, ProjectMilestone, ReportMilestone
from .assessment import _require_fund_manager
from .awards import _lock

# What staff keep of a milestone.
MILESTONE_FIELDS = ("title", "planned_on", "position")
VERB = "funding.award.milestones_changed"


def _kept(milestone: ProjectMilestone) -> dict[str, Any]:
    """Return what is kept of ``milestone``, its date as written in ISO 8601."""
    return values_of(milestone, MILESTONE_FIELDS)


def _stored(
    award: Award, given: ProjectMilestone, current: dict[int, ProjectMilestone]
) -> ProjectMilestone:
    """Return the milestone of ``award`` that ``given`` is, as it is saved now."""
    stored = current.get(given.pk)
    if stored is None:
        raise TransitionNotAllowed(
            f"A milestone of {award.title} was removed since the page opened, so nothing was "
            "saved. Open the award again to keep its milestones."
        )
    return stored


def _removal_refused(milestones: list[ProjectMilestone]) -> None:
    """Refuse to remove a milestone that a report or a change request refers to."""
    ids = [milestone.pk for milestone in milestones]
    reported = set(
        ReportMilestone.objects.filter(milestone_id__in=ids).values_list("milestone_id", flat=True)
    )
    asked = set(
        ChangeRequest.objects.filter(milestone_id__in=ids).values_list("milestone_id", flat=True)
    )
    for milestone in milestones:
        if milestone.pk in reported:
            raise FundingError(
                f"A progress report says where “{milestone.title}” stands, so it cannot be "
                "removed: that would remove what the report said."
            )
        if milestone.pk in asked:
            raise FundingError(
                f"The project team asked to change “{milestone.title}”, so it cannot be "
                "removed: that would remove the request and its decision."
            )


def milestones_save(
    *,
    award: Award,
    saved: Sequence[ProjectMilestone],
    deleted: Sequence[ProjectMilestone],
    by: User,
) -> None:
    """Save the project's milestones as a fund manager kept them: the ``saved`` milestones
    (new, or changed) and without the ``deleted`` ones.

    A milestone that a progress report or a change request refers to is not removed
    (``FundingError``), and one removed since the page opened is neither changed nor removed
    again (``TransitionNotAllowed``): refused, nothing is saved. One audit event
    (``funding.award.milestones_changed``) names each milestone added (what it is), changed
    (each value, old and new) or removed (what it was); milestones saved as they were record
    nothing. The award is locked, so that two pages saved at once never interleave.
    """
    _require_fund_manager(by, "keep a project's milestones")
    if not saved and not deleted:
        return
    with transaction.atomic():
        award = _lock(award)
        current = {
            milestone.pk: milestone
            for milestone in ProjectMilestone.objects.select_for_update().filter(award=award)
        }
        added: list[ProjectMilestone] = []
        changed: list[tuple[ProjectMilestone, list[dict[str, Any]]]] = []
        for milestone in saved:
            if milestone.pk is None:
                added.append(milestone)
                continue
            stored = _stored(award, milestone, current)
            fields = differences(stored, milestone, MILESTONE_FIELDS)
            if fields:
                changed.append((milestone, fields))
        removed = [_stored(award, milestone, current) for milestone in deleted]
        _removal_refused(removed)
        if not (added or changed or removed):
            return
        for milestone, _fields in changed:
            milestone.save(update_fields=list(MILESTONE_FIELDS))
        changes: list[dict[str, Any]] = []
        for milestone in removed:
            changes.append({"change": "removed", "milestone": milestone.pk, **_kept(milestone)})
            milestone.delete()
        for milestone in added:
            milestone.award = award
            milestone.save()
        changes = [
            *({"change": "added", "milestone": m.pk, **_kept(m)} for m in added),
            *({"change": "changed", "milestone": m.pk, "fields": f} for m, f in changed),
            *changes,
        ]
        audit_record(actor=by, verb=VERB, target=award, data={"changes": changes})
