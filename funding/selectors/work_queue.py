"""What is waiting for the Fund's staff: expressions of interest to sort into clusters,
applications that need assessors, moderation or a decision, assessments due or overdue,
and rounds whose decisions wait for the Minister's approval or their announcement.

Each set is a function of a queryset, which the admin's list filter for it calls too, so
that the work queue counts exactly the rows that its link shows. The counts are a fixed
number of queries however many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from localdigital.accounts.models import User

from ..models import (
    REPORT_IN_REVIEW,
    Application,
    ApplicationStatus,
    Assessment,
    ChangeRequest,
    ChangeStatus,
    DecisionOutcome,
    EoiStatus,
    ExpressionOfInterest,
    ProgressReport,
    ReportStatus,
    Round,
)
from .assessment import OPEN_STATUSES, applications_with_progress

# Assessments due within this many days (today included) are "due soon".
DUE_SOON_DAYS = 7

_UNDECIDED = Q(decision__isnull=True) | Q(decision__outcome="")


# Expressions of interest


def eois_to_cluster(eois: QuerySet[ExpressionOfInterest]) -> QuerySet[ExpressionOfInterest]:
    """Return the submitted EOIs in no cluster yet: those staff still have to sort."""
    return eois.filter(status=EoiStatus.SUBMITTED, cluster__isnull=True)


# Applications: each function takes applications annotated by ``applications_with_progress``
# (typed ``QuerySet[Any]``, as the type checker does not know the annotations).


def applications_needing_assessors(applications: QuerySet[Any]) -> QuerySet[Any]:
    """Return the submitted applications with fewer assessors at work or done than their
    round wants (none assigned yet, too few, or one who declared a conflict), in rounds
    whose decisions are still open: once they are approved, nobody assesses any more."""
    return (
        applications.filter(
            status=ApplicationStatus.SUBMITTED, round__decisions_approved_at__isnull=True
        )
        .alias(active=F("assessments_open") + F("assessments_submitted"))
        .filter(active__lt=F("round__assessors_per_application"))
    )


def applications_being_assessed(applications: QuerySet[Any]) -> QuerySet[Any]:
    """Return the submitted applications with an assessment still to do."""
    return applications.filter(status=ApplicationStatus.SUBMITTED, assessments_open__gt=0)


def applications_ready_to_moderate(applications: QuerySet[Any]) -> QuerySet[Any]:
    """Return the submitted applications whose assessments are all in, not yet moderated,
    in rounds whose decisions are still open."""
    return applications.filter(
        status=ApplicationStatus.SUBMITTED,
        round__decisions_approved_at__isnull=True,
        assessments_open=0,
        assessments_submitted__gte=F("round__assessors_per_application"),
        is_moderated=False,
    )


def applications_waiting_for_decision(applications: QuerySet[Any]) -> QuerySet[Any]:
    """Return the moderated applications with no decision yet, in rounds whose decisions
    are still open to change."""
    return applications.filter(
        _UNDECIDED,
        status=ApplicationStatus.SUBMITTED,
        is_moderated=True,
        round__decisions_approved_at__isnull=True,
    )


def applications_decided(applications: QuerySet[Any]) -> QuerySet[Any]:
    """Return the submitted applications with a decision: approved or rejected."""
    return applications.filter(
        status=ApplicationStatus.SUBMITTED, decision__outcome__in=DecisionOutcome.values
    )


# Assessments


def assessments_open(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Return the assessments the assessor still has to do: not conflicted or submitted."""
    return assessments.filter(status__in=OPEN_STATUSES)


def assessments_overdue(assessments: QuerySet[Assessment], *, today: date) -> QuerySet[Assessment]:
    """Return the open assessments whose due date has passed."""
    return assessments_open(assessments).filter(due_on__lt=today)


def assessments_due_soon(assessments: QuerySet[Assessment], *, today: date) -> QuerySet[Assessment]:
    """Return the open assessments due today or within ``DUE_SOON_DAYS`` days."""
    return assessments_open(assessments).filter(
        due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
    )


# Rounds


def rounds_waiting_for_approval(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Return the rounds whose submitted applications are all decided, and whose
    decisions wait for the Minister's approval to be recorded."""
    submitted = Application.objects.filter(round=OuterRef("pk"), status=ApplicationStatus.SUBMITTED)
    return rounds.filter(
        Exists(submitted), ~Exists(submitted.filter(_UNDECIDED)), decisions_approved_at__isnull=True
    )


def rounds_waiting_for_announcement(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Return the rounds whose decisions are approved and not yet announced."""
    return rounds.filter(decisions_approved_at__isnull=False, announced_at__isnull=True)


def rounds_under_way() -> list[Round]:
    """Return the published rounds not yet announced, newest first: those staff follow."""
    return list(
        Round.objects.filter(is_published=True, announced_at__isnull=True).order_by("-number")
    )


# What is waiting for each of the Fund's staff groups


@dataclass(frozen=True)
class FundManagerWaiting:
    """How many of each thing wait for fund managers."""

    eois_to_cluster: int
    applications_needing_assessors: int
    assessments_overdue: int
    assessments_due_soon: int
    applications_to_moderate: int
    applications_to_decide: int
    rounds_to_approve: int
    rounds_to_announce: int
    rounds_under_way: list[Round]
    reports_to_review: int = 0
    reports_overdue: int = 0
    changes_to_decide: int = 0


@dataclass(frozen=True)
class AssessorWaiting:
    """How many of their own assessments wait for an assessor."""

    to_do: int
    overdue: int


def fund_manager_waiting(*, today: date) -> FundManagerWaiting:
    """Return what waits for fund managers, counted in a fixed number of queries."""
    applications = applications_with_progress(Application.objects.all())
    assessments = Assessment.objects.all()
    rounds = Round.objects.all()
    return FundManagerWaiting(
        eois_to_cluster=eois_to_cluster(ExpressionOfInterest.objects.all()).count(),
        applications_needing_assessors=applications_needing_assessors(applications).count(),
        assessments_overdue=assessments_overdue(assessments, today=today).count(),
        assessments_due_soon=assessments_due_soon(assessments, today=today).count(),
        applications_to_moderate=applications_ready_to_moderate(applications).count(),
        applications_to_decide=applications_waiting_for_decision(applications).count(),
        rounds_to_approve=rounds_waiting_for_approval(rounds).count(),
        rounds_to_announce=rounds_waiting_for_announcement(rounds).count(),
        rounds_under_way=rounds_under_way(),
        reports_to_review=ProgressReport.objects.filter(status__in=REPORT_IN_REVIEW).count(),
        reports_overdue=ProgressReport.objects.filter(
            status=ReportStatus.DRAFT, due_at__lte=timezone.now()
        ).count(),
        changes_to_decide=ChangeRequest.objects.filter(status=ChangeStatus.PENDING).count(),
    )


def assessor_waiting(*, user: User, today: date) -> AssessorWaiting:
    """Return how many of ``user``'s assessments are still to do, and how many overdue."""
    own = Assessment.objects.filter(assessor=user)
    return AssessorWaiting(
        to_do=assessments_open(own).count(),
        overdue=assessments_overdue(own, today=today).count(),
    )
