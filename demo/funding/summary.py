"""What ``seed_demo`` prints of the Fund it made: each round, the outcomes of the funded
projects, and where their progress reports stand."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from funding import formats
from funding.models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Award,
    AwardStatus,
    Decision,
    DecisionOutcome,
    EoiCluster,
    EoiStatus,
    ExpressionOfInterest,
    Fund,
    Instalment,
    ProgressUpdate,
    ProjectOutput,
)

from .reporting import reporting_lines

if TYPE_CHECKING:
    from . import Made


def _summary(*, fund: Fund, made: Made, now: datetime, emails: int) -> list[str]:
    rounds = list(fund.rounds.order_by("number"))
    lines = [
        f"{fund.name}: {len(rounds)} rounds ("
        + (f"made now: {', '.join(made.rounds)}" if made.rounds else "none made now")
        + "; rounds that exist are left as they are)."
    ]
    for round in rounds:
        if round.is_eoi_open_at(now) and round.eoi_closes_at is not None:
            lines.append(
                f"  {round.name} takes expressions of interest until "
                f"{formats.date_and_time(round.eoi_closes_at)}."
            )
        elif round.is_applications_open_at(now):
            lines.append(
                f"  {round.name} takes applications until "
                f"{formats.date_and_time(round.applications_close_at)}."
            )
    eois = Counter(ExpressionOfInterest.objects.values_list("status", flat=True))
    applications = Counter(Application.objects.values_list("status", flat=True))
    eoi_states = ", ".join(f"{eois[s]} {EoiStatus(s).label.lower()}" for s in EoiStatus)
    application_states = ", ".join(
        f"{applications[s]} {ApplicationStatus(s).label.lower()}" for s in ApplicationStatus
    )
    return [
        *lines,
        f"Expressions of interest: {eois.total()} ({eoi_states}), "
        f"{EoiCluster.objects.count()} clusters; {made.eois} made now.",
        f"Applications: {applications.total()} ({application_states}); "
        f"{made.applications} made now.",
        *_outcome_lines(fund=fund, made=made),
        *reporting_lines(fund=fund, now=now),
        f"Emails queued now by the Fund's services, for the worker to send: {emails}.",
    ]


def _outcome_lines(*, fund: Fund, made: Made) -> list[str]:
    """Return the summary lines about assessment, decisions and awards."""
    assessments = Counter(
        Assessment.objects.filter(application__round__fund=fund).values_list("status", flat=True)
    )
    assessment_states = ", ".join(
        f"{assessments[s]} {AssessmentStatus(s).label.lower()}" for s in AssessmentStatus
    )
    decisions = Counter(
        Decision.objects.filter(application__round__fund=fund)
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    decision_states = ", ".join(
        f"{decisions[s]} {DecisionOutcome(s).label.lower()}" for s in DecisionOutcome
    )
    announced = fund.rounds.filter(announced_at__isnull=False).count()
    awards = Award.objects.filter(application__round__fund=fund)
    award_states = Counter(awards.values_list("status", flat=True))
    award_state_text = ", ".join(
        f"{award_states[s]} {AwardStatus(s).label.lower()}" for s in AwardStatus
    )
    instalments = Instalment.objects.filter(award__in=awards)
    return [
        f"Assessments: {assessments.total()} ({assessment_states}); {made.assessments} made now.",
        f"Decisions: {decisions.total()} ({decision_states}), in {announced} announced "
        f"rounds; {made.decisions} made now.",
        f"Awards: {awards.count()} ({award_state_text}), with {instalments.count()} "
        f"instalments ({instalments.filter(paid_at__isnull=False).count()} paid), "
        f"{ProgressUpdate.objects.filter(award__in=awards).count()} progress updates and "
        f"{ProjectOutput.objects.filter(award__in=awards).count()} outputs; {made.awards} "
        f"awards, {made.updates} updates and {made.outputs} outputs made now.",
    ]
