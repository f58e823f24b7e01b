"""The round's rules, checked the same way for expressions of interest and applications.

Each check returns the problems it finds (``RuleProblem``), so that a page can list them all
before the applicant submits, and submission refuses with the same list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import models

from declaration import selectors as declaration_selectors
from declaration.models import Organisation

from . import formats
from .errors import RuleCode, RuleProblem
from .models import PUBLIC_AWARD_STATUSES, ApplicationPartner, Award, Phase, PhaseCap, Round


@dataclass(frozen=True)
class Participants:
    """The organisations taking part in a bid: the lead first, then the partners."""

    lead: Organisation
    partners: Sequence[Organisation]

    @property
    def everyone(self) -> list[Organisation]:
        return [self.lead, *self.partners]


def window_problems(
    *, opens_at: datetime | None, closes_at: datetime | None, now: datetime, what: str
) -> list[RuleProblem]:
    """Return a problem unless ``opens_at`` ≤ ``now`` < ``closes_at``.

    The close is an instant: a bid a second before it is in time, one at it is not.
    """
    if opens_at is None or closes_at is None:
        return [RuleProblem(RuleCode.WINDOW, f"This round does not take {what}.")]
    if now < opens_at:
        return [
            RuleProblem(
                RuleCode.WINDOW,
                f"This round opens for {what} at {formats.date_and_time(opens_at)}.",
            )
        ]
    if now >= closes_at:
        return [
            RuleProblem(
                RuleCode.WINDOW,
                f"The deadline for {what} was {formats.date_and_time(closes_at)}.",
            )
        ]
    return []


def participant_problems(*, round: Round, participants: Participants) -> list[RuleProblem]:
    """Return problems with who takes part: too few, or some not signatories when the round
    asks that all are."""
    problems = []
    count = len(participants.everyone)
    if count < round.min_participants:
        needed = round.min_participants - 1
        problems.append(
            RuleProblem(
                RuleCode.PARTNER_MINIMUM,
                f"Bids to {round.name} need at least {round.min_participants} organisations, "
                f"the lead included: add at least {needed} partner "
                f"organisation{'s' if needed != 1 else ''} "
                f"(you have {count - 1}).",
                section="partners",
            )
        )
    if round.participants_must_be_signatories:
        signatories = declaration_selectors.signatory_organisation_ids(
            organisation_ids=[organisation.pk for organisation in participants.everyone]
        )
        missing = [o for o in participants.everyone if o.pk not in signatories]
        if missing:
            names = ", ".join(o.name for o in missing)
            problems.append(
                RuleProblem(
                    RuleCode.SIGNATORIES,
                    f"Every organisation in a bid to {round.name} must have signed the Local "
                    f"Digital Declaration. These have not: {names}.",
                    section="partners",
                )
            )
    return problems


def lead_limit_problems(*, round: Round, led_count: int, what: str) -> list[RuleProblem]:
    """Return a problem if the lead leads more than the round allows; ``led_count`` counts
    this bid with the lead's other drafts and submitted bids in the round."""
    limit = round.max_led_applications
    if limit is None or led_count <= limit:
        return []
    return [
        RuleProblem(
            RuleCode.LEAD_LIMIT,
            f"An organisation may lead at most {limit} {what} in {round.name}, drafts "
            f"included; yours leads {led_count}. Withdraw one, or let a partner lead.",
        )
    ]


def phase_problems(
    *, phase: str, amount: Decimal | None, caps: Sequence[PhaseCap], what: str, section: str = ""
) -> list[RuleProblem]:
    """Return problems with the phase and amount: a phase the round does not fund, or an
    amount over its cap. A round that lists no phases funds any, without a cap."""
    if not phase or not caps:
        return []
    by_phase = {cap.phase: cap for cap in caps}
    cap = by_phase.get(phase)
    label = Phase(phase).label
    if cap is None:
        funded = ", ".join(Phase(p).label.lower() for p in by_phase)
        return [
            RuleProblem(
                RuleCode.PHASE,
                f"This round does not fund {label.lower()} projects; it funds {funded}.",
                section=section,
            )
        ]
    if cap.max_award is not None and amount is not None and amount > cap.max_award:
        return [
            RuleProblem(
                RuleCode.PHASE_CAP,
                f"The {what} must be {formats.money(cap.max_award)} or less for a "
                f"{label.lower()} project (it is {formats.money(amount)}).",
                section=section,
            )
        ]
    return []


def budget_problems(
    *, requested: Decimal | None, line_amounts: Sequence[Decimal]
) -> list[RuleProblem]:
    """Return a problem unless there are budget lines and they sum to the amount requested."""
    if requested is None:
        return []
    if not line_amounts:
        return [
            RuleProblem(
                RuleCode.BUDGET_SUM,
                "Add at least one budget line that shows what the money is for.",
                section="budget",
            )
        ]
    total = sum(line_amounts, Decimal(0))
    if total != requested:
        return [
            RuleProblem(
                RuleCode.BUDGET_SUM,
                f"The budget lines add up to {formats.money(total)}, but the amount "
                f"requested is {formats.money(requested)}. Make them the same.",
                section="budget",
            )
        ]
    return []


def follow_on_awards(*, round: Round, organisation: Organisation) -> list[Award]:
    """Return the funded projects of the round's earlier round that ``organisation`` leads
    or partners on: those it may follow on from in a round restricted to them."""
    if round.restricted_to_round_id is None:
        return []
    partnered = ApplicationPartner.objects.filter(organisation=organisation).values(
        "application_id"
    )
    return list(
        Award.objects.filter(
            application__round_id=round.restricted_to_round_id,
            status__in=PUBLIC_AWARD_STATUSES,
        )
        .filter(
            models.Q(application__lead_organisation=organisation)
            | models.Q(application_id__in=partnered)
        )
        .order_by("title")
    )


def follow_on_problems(
    *, round: Round, lead: Organisation, award: Award | None
) -> list[RuleProblem]:
    """Return a problem unless, in a round only for projects funded in an earlier round, the
    bid names one of that round's funded projects that its lead led or partnered on."""
    earlier = round.restricted_to_round
    if earlier is None:
        return []
    eligible = {a.pk for a in follow_on_awards(round=round, organisation=lead)}
    if award is None or award.pk not in eligible:
        return [
            RuleProblem(
                RuleCode.FOLLOW_ON,
                f"{round.name} is only for projects funded in {earlier.name}: the bid must "
                f"follow on from one that {lead.name} led or partnered on.",
            )
        ]
    return []
