"""Change requests: a funded project's team (members of the lead organisation) asks to
change its end date, move money between the lines of its budget, or change a milestone; a
fund manager approves it, which makes the change, or rejects it, each with a note to the
team. Every step is audited; a change never raises the total awarded.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from .. import formats
from ..errors import FundingError, MoveExceedsLine, TransitionNotAllowed
from ..models import (
    Award,
    AwardStatus,
    BudgetLine,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    ProjectMilestone,
)
from .assessment import _require_fund_manager
from .common import require_member
from .reporting import award_schedule_recompute

# Projects whose team may ask for a change.
CHANGEABLE = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE)


def _check_open(award: Award) -> None:
    if award.status not in CHANGEABLE:
        raise TransitionNotAllowed(
            f"{award.title} is {award.get_status_display().lower()}, so it takes no change "
            "requests."
        )


def _check_end_date(award: Award, new_end_on: date | None) -> None:
    if new_end_on is None:
        raise FundingError("Enter the new end date")
    if award.planned_start_on is not None and new_end_on < award.planned_start_on:
        raise FundingError(
            f"The new end date must be on or after the project's start, "
            f"{formats.day(award.planned_start_on)}"
        )
    if new_end_on == award.planned_end_on:
        raise FundingError("The new end date is the end date the project already has")


def _check_move(award: Award, from_line: BudgetLine, to_line: BudgetLine, amount: Decimal) -> None:
    application_id = award.application_id
    if from_line.application_id != application_id or to_line.application_id != application_id:
        raise FundingError("Choose lines of the project's own budget")
    if from_line.pk == to_line.pk:
        raise FundingError("Choose two different budget lines")
    if amount <= 0:
        raise FundingError("The amount to move must be more than £0")
    if amount > from_line.amount:
        left = formats.money(from_line.amount)
        raise MoveExceedsLine(
            f"{from_line.description} only has {left} to move: enter {left} or less"
        )


def change_request_make(
    *,
    award: Award,
    kind: str,
    reason: str,
    requested_by: User,
    new_end_on: date | None = None,
    from_line: BudgetLine | None = None,
    to_line: BudgetLine | None = None,
    amount: Decimal | None = None,
    milestone: ProjectMilestone | None = None,
    milestone_title: str = "",
    milestone_planned_on: date | None = None,
    now: datetime | None = None,
) -> ChangeRequest:
    """Ask the Fund for a change to the project (a member of the lead organisation), with a
    reason; return the request, waiting for a fund manager's decision."""
    now = now or timezone.now()
    require_member(
        user=requested_by,
        organisation_ids=[award.application.lead_organisation_id],
        action=f"ask for changes to {award.title}",
    )
    _check_open(award)
    if not reason.strip():
        raise FundingError("Say why the change is needed")
    change = ChangeRequest(
        award=award, kind=kind, reason=reason.strip(), requested_by=requested_by, requested_at=now
    )
    if kind == ChangeKind.END_DATE:
        _check_end_date(award, new_end_on)
        change.new_end_on = new_end_on
    elif kind == ChangeKind.BUDGET:
        if from_line is None or to_line is None or amount is None:
            raise FundingError("Choose the lines and the amount to move")
        _check_move(award, from_line, to_line, amount)
        change.from_line, change.to_line, change.amount = from_line, to_line, amount
    elif kind == ChangeKind.MILESTONE:
        if milestone is None or milestone.award_id != award.pk:
            raise FundingError("Choose one of the project's milestones")
        title = milestone_title.strip()
        if not title and milestone_planned_on is None:
            raise FundingError("Enter the milestone's new title, its new date, or both")
        change.milestone, change.milestone_title = milestone, title
        change.milestone_planned_on = milestone_planned_on
    else:
        raise FundingError("Choose what to change")
    change.save()
    audit_record(
        actor=requested_by,
        verb="funding.change.requested",
        target=award,
        data={"change": change.pk, "kind": kind, "reason": change.reason},
    )
    return change


def _lock(change: ChangeRequest) -> ChangeRequest:
    change = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("award__application")
        .get(pk=change.pk)
    )
    if not change.is_pending:
        raise TransitionNotAllowed(
            f"This change request is already {change.get_status_display().lower()}."
        )
    return change


def _apply(change: ChangeRequest, decided_by: User, now: datetime) -> dict[str, object]:
    award = change.award
    if change.kind == ChangeKind.END_DATE:
        assert change.new_end_on is not None
        old_end = award.planned_end_on
        schedule = award_schedule_recompute(
            award=award, ends_on=change.new_end_on, changed_by=decided_by, now=now
        )
        return {"old_end_on": old_end, "new_end_on": change.new_end_on, **schedule.__dict__}
    if change.kind == ChangeKind.BUDGET:
        lines = {
            line.pk: line
            for line in BudgetLine.objects.select_for_update().filter(
                pk__in=[change.from_line_id, change.to_line_id]
            )
        }
        assert change.from_line_id and change.to_line_id and change.amount is not None
        from_line, to_line = lines[change.from_line_id], lines[change.to_line_id]
        _check_move(award, from_line, to_line, change.amount)
        from_line.amount -= change.amount
        to_line.amount += change.amount
        from_line.save(update_fields=["amount"])
        to_line.save(update_fields=["amount"])
        return {"from": from_line.description, "to": to_line.description, "amount": change.amount}
    assert change.milestone_id is not None
    milestone = ProjectMilestone.objects.select_for_update().get(pk=change.milestone_id)
    old = {"title": milestone.title, "planned_on": milestone.planned_on}
    if change.milestone_title:
        milestone.title = change.milestone_title
    if change.milestone_planned_on is not None:
        milestone.planned_on = change.milestone_planned_on
    milestone.save(update_fields=["title", "planned_on"])
    return {"old": old, "title": milestone.title, "planned_on": milestone.planned_on}


def change_request_approve(
    *, change: ChangeRequest, decided_by: User, note: str = "", now: datetime | None = None
) -> ChangeRequest:
    """Approve a pending change (a fund manager) and make it: a new end date fits the
    reports not yet submitted to it, money moves between the lines, a milestone changes."""
    now = now or timezone.now()
    _require_fund_manager(decided_by, "decide change requests")
    with transaction.atomic():
        change = _lock(change)
        _check_open(change.award)
        made = _apply(change, decided_by, now)
        change.status = ChangeStatus.APPROVED
        change.decided_by, change.decided_at, change.decision_note = decided_by, now, note.strip()
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        content_changed("funding")
        audit_record(
            actor=decided_by,
            verb="funding.change.approved",
            target=change.award,
            data={"change": change.pk, "kind": change.kind, "note": note.strip(), **made},
        )
    return change


def change_request_reject(
    *, change: ChangeRequest, decided_by: User, note: str, now: datetime | None = None
) -> ChangeRequest:
    """Reject a pending change (a fund manager), saying why in ``note``."""
    now = now or timezone.now()
    _require_fund_manager(decided_by, "decide change requests")
    if not note.strip():
        raise FundingError("Write a note saying why the change is rejected")
    with transaction.atomic():
        change = _lock(change)
        change.status = ChangeStatus.REJECTED
        change.decided_by, change.decided_at, change.decision_note = decided_by, now, note.strip()
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=decided_by,
            verb="funding.change.rejected",
            target=change.award,
            data={"change": change.pk, "kind": change.kind, "note": note.strip()},
        )
    return change
