"""What a funded project's team reads about its change requests: each request, what it asks
and the Fund's decision, and the budget lines and milestones a new request may name."""

from __future__ import annotations

from dataclasses import dataclass

from localdigital.accounts.models import User

from .. import formats
from ..models import BudgetLine, ChangeKind, ChangeRequest, ChangeStatus, ProjectMilestone
from .awards import ProjectTeamAccess, project_for_team_get
from .reporting import _is_lead_member


@dataclass(frozen=True)
class ChangeRow:
    kind: str
    asked: str
    reason: str
    requested: str
    status: str
    tag_class: str
    note: str


@dataclass(frozen=True)
class ProjectChanges:
    team: ProjectTeamAccess
    is_lead_member: bool
    is_open: bool
    changes: list[ChangeRow]
    budget_lines: list[BudgetLine]
    milestones: list[ProjectMilestone]


TAGS = {
    ChangeStatus.PENDING: "govuk-tag--blue",
    ChangeStatus.APPROVED: "govuk-tag--green",
    ChangeStatus.REJECTED: "govuk-tag--red",
}


def change_asked(change: ChangeRequest) -> str:
    """Say in words what a change request asks for."""
    if change.kind == ChangeKind.END_DATE and change.new_end_on is not None:
        return f"End on {formats.day(change.new_end_on)}"
    if change.kind == ChangeKind.BUDGET and change.amount is not None:
        return f"Move {formats.money(change.amount)} from {change.from_line} to {change.to_line}"
    if change.kind == ChangeKind.MILESTONE and change.milestone is not None:
        parts = []
        if change.milestone_title:
            parts.append(f"call it “{change.milestone_title}”")
        if change.milestone_planned_on is not None:
            parts.append(f"plan it for {formats.day(change.milestone_planned_on)}")
        return f"{change.milestone.title}: {' and '.join(parts)}"
    return change.get_kind_display()


def project_changes_get(*, slug: str, user: User) -> ProjectChanges | None:
    """Return the change requests of the project ``slug`` if ``user`` is on its team, else
    None (which pages answer as not found)."""
    team = project_for_team_get(slug=slug, user=user)
    if team is None:
        return None
    award = team.award
    changes = ChangeRequest.objects.filter(award=award).select_related(
        "from_line", "to_line", "milestone"
    )
    return ProjectChanges(
        team=team,
        is_lead_member=_is_lead_member(award, user),
        is_open=award.status in ("accepted", "active"),
        changes=[
            ChangeRow(
                kind=change.get_kind_display(),
                asked=change_asked(change),
                reason=change.reason,
                requested=formats.day(change.requested_at),
                status=change.get_status_display(),
                tag_class=TAGS[ChangeStatus(change.status)],
                note=change.decision_note,
            )
            for change in changes
        ],
        budget_lines=list(BudgetLine.objects.filter(application_id=award.application_id)),
        milestones=list(ProjectMilestone.objects.filter(award=award)),
    )
