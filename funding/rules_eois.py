"""The rules an expression of interest must meet: its details, and the round's phases."""

from __future__ import annotations

from datetime import datetime

from funding.rules import (
    EOI_DETAIL_FIELDS,
    EOI_DETAILS,
    EOI_KIND,
    EOIS,
    Participants,
    lead_limit_problems,
    led_eoi_count,
    participant_problems,
    phase_problems,
    window_problems,
)

from .errors import RuleCode, RuleProblem
from .models import (
    EOI_COUNTED_STATUSES,
    ExpressionOfInterest,
)


def _eoi_field_label(name: str) -> str:
    return str(getattr(ExpressionOfInterest._meta.get_field(name), "verbose_name", name))


def eoi_problems(*, eoi: ExpressionOfInterest, now: datetime) -> list[RuleProblem]:
    """Return every rule of its round the EOI does not meet at ``now``: the window, missing
    answers, the partner minimum, signatories, the lead limit and the phase cap."""
    round = eoi.round
    problems = window_problems(
        opens_at=round.eoi_opens_at, closes_at=round.eoi_closes_at, now=now, what=EOIS
    )
    missing = [
        _eoi_field_label(name) for name in EOI_DETAIL_FIELDS if getattr(eoi, name) in ("", None)
    ]
    if missing:
        problems.append(
            RuleProblem(
                RuleCode.INCOMPLETE,
                f"Answer every question about the bid: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing.",
                section=EOI_DETAILS,
            )
        )
    partners = [partner.organisation for partner in eoi.partners.select_related("organisation")]
    problems += participant_problems(
        round=round, participants=Participants(lead=eoi.lead_organisation, partners=partners)
    )
    others = led_eoi_count(round=round, organisation=eoi.lead_organisation)
    if eoi.status in EOI_COUNTED_STATUSES:
        others -= 1
    problems += lead_limit_problems(
        round=round, lead=eoi.lead_organisation, others=others, kind=EOI_KIND
    )
    problems += eoi_phase_problems(eoi=eoi)
    return problems


def eoi_phase_problems(*, eoi: ExpressionOfInterest) -> list[RuleProblem]:
    """Return problems with the EOI's proposed phase and estimated cost (its cap)."""
    return phase_problems(
        phase=eoi.phase,
        amount=eoi.estimated_cost,
        caps=list(eoi.round.phase_caps.all()),
        what="estimated cost",
        section=EOI_DETAILS,
        amount_field="estimated_cost",
    )
