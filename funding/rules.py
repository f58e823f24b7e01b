"""The round's rules, checked the same way for expressions of interest and applications.

Each check returns the problems it finds (``RuleProblem``), so that a page can show them
where the answer is given, the task list can say honestly what is done, and submission
refuses with the same list. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import models

from declaration import selectors as declaration_selectors
from declaration.models import Organisation

from . import formats
from .errors import RuleCode, RuleProblem
from .models import (
    APPLICATION_COUNTED_STATUSES,
    EOI_COUNTED_STATUSES,
    PUBLIC_AWARD_STATUSES,
    Application,
    ApplicationPartner,
    Award,
    ExpressionOfInterest,
    Phase,
    PhaseCap,
    Round,
    Section,
)

EOIS = "expressions of interest"
APPLICATIONS = "applications"
EOI_KIND = ("expression of interest", EOIS)
APPLICATION_KIND = ("application", APPLICATIONS)
# The part of a bid that names its partners, beside an application's sections.
PARTNERS = "partners"
# The answers of an expression of interest, all on one page.
EOI_DETAILS = "details"
EOI_DETAIL_FIELDS = ("title", "problem", "phase", "estimated_cost")


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
        needed = round.min_participants - count
        problems.append(
            RuleProblem(
                RuleCode.PARTNER_MINIMUM,
                f"Bids to {round.name} need at least {round.min_participants} organisations, "
                f"the lead included: add at least {needed} more partner "
                f"organisation{'s' if needed != 1 else ''} "
                f"(you have {count - 1}).",
                section=PARTNERS,
            )
        )
    return problems + signatory_problems(round=round, organisations=participants.everyone)


def signatory_problems(*, round: Round, organisations: Sequence[Organisation]) -> list[RuleProblem]:
    """Return a problem for each of ``organisations`` that has not signed the Declaration,
    when the round asks that everyone in a bid has. A bid may name one meanwhile (it may be
    signing now); it cannot be submitted until every one has."""
    if not round.participants_must_be_signatories or not organisations:
        return []
    signatories = declaration_selectors.signatory_organisation_ids(
        organisation_ids=[organisation.pk for organisation in organisations]
    )
    return [
        RuleProblem(
            RuleCode.SIGNATORIES,
            f"{organisation.name} has not signed the Local Digital Declaration. Every "
            f"organisation in a bid to {round.name} must have signed it before the bid is "
            "submitted.",
            section=PARTNERS,
        )
        for organisation in organisations
        if organisation.pk not in signatories
    ]


def lead_limit_problems(
    *, round: Round, lead: Organisation, others: int, kind: tuple[str, str]
) -> list[RuleProblem]:
    """Return a problem if ``lead`` may not lead one more bid in ``round``: ``others``
    counts the other bids it leads there (drafts and submitted, not withdrawn), and
    ``kind`` names a bid, in the singular and the plural."""
    limit = round.max_led_applications
    if limit is None or others + 1 <= limit:
        return []
    return [
        RuleProblem(
            RuleCode.LEAD_LIMIT,
            f"{lead.name} already leads {others} {kind[0] if others == 1 else kind[1]} in "
            f"{round.name}, and an organisation may lead at most {limit}, drafts included. "
            f"Carry on with {'it' if others == 1 else 'one of them'}, withdraw or delete one, "
            "or let a partner lead.",
            fields=("organisation",),
        )
    ]


def phase_problems(
    *,
    phase: str,
    amount: Decimal | None,
    caps: Sequence[PhaseCap],
    what: str,
    section: str = "",
    amount_field: str = "",
) -> list[RuleProblem]:
    """Return problems with the phase and amount: a phase the round does not fund, or an
    amount over its cap. A round that lists no phases funds any, without a cap.

    ``amount_field`` names the answer that holds the amount, beside ``phase``: the cap
    breaks on either.
    """
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
                fields=("phase",),
            )
        ]
    if cap.max_award is not None and amount is not None and amount > cap.max_award:
        return [
            RuleProblem(
                RuleCode.PHASE_CAP,
                f"The {what} must be {formats.money(cap.max_award)} or less for a "
                f"{label.lower()} project (it is {formats.money(amount)}).",
                section=section,
                fields=(amount_field, "phase") if amount_field else ("phase",),
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
                section=Section.BUDGET,
                fields=("line_1_description",),
            )
        ]
    total = sum(line_amounts, Decimal(0))
    if total != requested:
        return [
            RuleProblem(
                RuleCode.BUDGET_SUM,
                f"The budget lines add up to {formats.money(total)}, but the amount "
                f"requested is {formats.money(requested)}. Make them the same.",
                section=Section.BUDGET,
                fields=("requested_amount",),
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


def led_eoi_count(*, round: Round, organisation: Organisation) -> int:
    """Return how many EOIs ``organisation`` leads in ``round`` that count towards its limit:
    drafts, submitted and invited ones."""
    return ExpressionOfInterest.objects.filter(
        round=round, lead_organisation=organisation, status__in=EOI_COUNTED_STATUSES
    ).count()


def led_application_count(*, round: Round, organisation: Organisation) -> int:
    """Return how many applications ``organisation`` leads in ``round`` that count towards
    its limit: drafts and submitted ones, not withdrawn."""
    return Application.objects.filter(
        round=round, lead_organisation=organisation, status__in=APPLICATION_COUNTED_STATUSES
    ).count()


def partner_role_field(partner_pk: int) -> str:
    """Return the name of the answer that gives a partner's role, on the team section."""
    return f"role_{partner_pk}"


def application_problems(*, application: Application, now: datetime) -> list[RuleProblem]:
    """Return every rule of its round the application does not meet at ``now``.

    The window (to the second), every section complete, the partner minimum and
    signatories, the lead limit, the phase and its cap, the budget lines summing to the
    amount, each partner's contact and role, and every partner confirmed.
    """
    round = application.round
    problems = window_problems(
        opens_at=round.applications_open_at,
        closes_at=round.applications_close_at,
        now=now,
        what=APPLICATIONS,
    )
    states = {state.section: state for state in application.sections.all()}
    for section in Section:
        if not (states.get(section) and states[section].is_completed):
            problems.append(
                RuleProblem(
                    RuleCode.INCOMPLETE,
                    f"Complete the section “{section.label}”.",
                    section=section.value,
                )
            )
    partners = list(application.partners.select_related("organisation"))
    problems += participant_problems(
        round=round,
        participants=Participants(
            lead=application.lead_organisation, partners=[p.organisation for p in partners]
        ),
    )
    problems += follow_on_problems(
        round=round, lead=application.lead_organisation, award=application.follow_on_award
    )
    others = led_application_count(round=round, organisation=application.lead_organisation)
    if application.status in APPLICATION_COUNTED_STATUSES:
        others -= 1
    problems += lead_limit_problems(
        round=round, lead=application.lead_organisation, others=others, kind=APPLICATION_KIND
    )
    problems += application_phase_problems(application=application)
    problems += budget_problems(
        requested=application.requested_amount,
        line_amounts=[line.amount for line in application.budget_lines.all()],
    )
    for partner in partners:
        problems += application_partner_problems(partner=partner)
    return problems


def application_phase_problems(*, application: Application) -> list[RuleProblem]:
    """Return problems with the application's phase and the amount it requests (its cap)."""
    return phase_problems(
        phase=application.phase,
        amount=application.requested_amount,
        caps=list(application.round.phase_caps.all()),
        what="amount requested",
        section=Section.BUDGET,
        amount_field="requested_amount",
    )


def application_partner_problems(*, partner: ApplicationPartner) -> list[RuleProblem]:
    """Return what a partner still needs: a contact, a role, and its contact's confirmation."""
    name = partner.organisation.name
    problems = []
    if not partner.contact_email:
        problems.append(
            RuleProblem(
                RuleCode.PARTNER_DETAILS,
                f"Give a contact at {name}, who will confirm its part.",
                section=PARTNERS,
            )
        )
    if not partner.role:
        problems.append(
            RuleProblem(
                RuleCode.PARTNER_DETAILS,
                f"Say what {name} will do.",
                section=Section.TEAM,
                fields=(partner_role_field(partner.pk),),
            )
        )
    if partner.contact_email and not partner.is_confirmed:
        problems.append(
            RuleProblem(
                RuleCode.PARTNER_CONFIRMATION,
                f"{name} has not confirmed its part yet: "
                f"{partner.contact_name or 'its contact'} ({partner.contact_email}) has a "
                "link to confirm.",
                section=PARTNERS,
            )
        )
    return problems


def problems_stopping_a_save(
    problems: Sequence[RuleProblem], *, section: str, typed: Collection[str], completed: bool
) -> list[RuleProblem]:
    """Return the problems that stop a part of a bid being saved: an answer typed on it that
    breaks a rule, and, when the writer marks it complete, anything left to do in it.

    Something still to do (a partner's role, budget lines that do not add up yet) never
    stops saving a draft for later.
    """
    return [
        problem
        for problem in problems
        if problem.rule != RuleCode.INCOMPLETE
        and (
            (not problem.is_to_do and set(problem.fields) & set(typed))
            or (completed and problem.section == section)
        )
    ]
