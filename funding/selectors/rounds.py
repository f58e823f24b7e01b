"""Reads of the Fund's rounds for the public pages: the list, each round's timeline,
rules, criteria and published questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from localdigital.markdown import markdown_to_html

from .. import formats
from ..models import Criterion, PhaseCap, Round, RoundQuestion, RoundStatus

# GOV.UK tag colours for each status.
STATUS_TAG_CLASSES = {
    RoundStatus.UPCOMING: "govuk-tag--grey",
    RoundStatus.EOI_OPEN: "govuk-tag--green",
    RoundStatus.EOI_CLOSED: "govuk-tag--yellow",
    RoundStatus.APPLICATIONS_OPEN: "govuk-tag--green",
    RoundStatus.ASSESSMENT: "govuk-tag--blue",
    RoundStatus.DECIDED: "govuk-tag--grey",
}


@dataclass(frozen=True)
class TimelineStep:
    """One date in a round's timeline, as the public sees it."""

    label: str
    when: str
    is_past: bool
    is_current: bool


@dataclass(frozen=True)
class RoundSummary:
    """A round as the list of rounds shows it."""

    name: str
    url: str
    number: int
    summary: str
    budget: str
    status: RoundStatus
    status_label: str
    status_tag_class: str
    next_date: str
    timeline: list[TimelineStep]

    @property
    def is_open(self) -> bool:
        return self.status in (RoundStatus.EOI_OPEN, RoundStatus.APPLICATIONS_OPEN)


@dataclass(frozen=True)
class PhaseRule:
    label: str
    cap: str


@dataclass(frozen=True)
class CriterionRow:
    name: str
    weight: int
    scale_max: int
    guidance_html: SafeString


@dataclass(frozen=True)
class QuestionRow:
    question: str
    answer_html: SafeString


@dataclass(frozen=True)
class RoundDetail:
    """Everything the round's public page shows."""

    round: Round
    summary: RoundSummary
    summary_html: SafeString
    rules: list[str]
    phases: list[PhaseRule]
    criteria: list[CriterionRow]
    questions: list[QuestionRow]
    takes_eois: bool
    takes_applications: bool


def _when(round: Round, field_name: str) -> str:
    moment = getattr(round, field_name)
    return formats.approximate(moment, round.precision_of(field_name))


def round_timeline(round: Round, *, now: datetime) -> list[TimelineStep]:
    """Return the round's dates in order, marking those passed and the stage it is in."""
    status = round.status_at(now)
    steps: list[tuple[str, str, RoundStatus | None]] = []
    if round.has_eoi_stage:
        steps += [
            ("Expressions of interest open", "eoi_opens_at", RoundStatus.EOI_OPEN),
            ("Expressions of interest close", "eoi_closes_at", RoundStatus.EOI_CLOSED),
        ]
    steps += [
        ("Applications open", "applications_open_at", RoundStatus.APPLICATIONS_OPEN),
        ("Applications close", "applications_close_at", RoundStatus.ASSESSMENT),
    ]
    if round.decisions_announced_at is not None:
        steps.append(("Decisions announced", "decisions_announced_at", RoundStatus.DECIDED))
    return [
        TimelineStep(
            label=label,
            when=_when(round, field_name),
            is_past=getattr(round, field_name) <= now,
            is_current=entered == status,
        )
        for label, field_name, entered in steps
    ]


def _next_date(round: Round, *, now: datetime) -> str:
    status = round.status_at(now)
    if status == RoundStatus.UPCOMING:
        field = "eoi_opens_at" if round.has_eoi_stage else "applications_open_at"
        return f"Opens {_when(round, field)}"
    if status == RoundStatus.EOI_OPEN:
        return f"Expressions of interest close {_when(round, 'eoi_closes_at')}"
    if status == RoundStatus.EOI_CLOSED:
        return f"Applications open {_when(round, 'applications_open_at')}"
    if status == RoundStatus.APPLICATIONS_OPEN:
        return f"Applications close {_when(round, 'applications_close_at')}"
    if status == RoundStatus.ASSESSMENT:
        if round.decisions_announced_at is None:
            return f"Closed {_when(round, 'applications_close_at')}"
        return f"Decisions due {_when(round, 'decisions_announced_at')}"
    return f"Decided {_when(round, 'decisions_announced_at')}"


def round_summary(round: Round, *, now: datetime) -> RoundSummary:
    status = round.status_at(now)
    return RoundSummary(
        name=round.name,
        url=round.get_absolute_url(),
        number=round.number,
        summary=round.summary.split("\n\n", 1)[0],
        budget=formats.money(round.budget),
        status=status,
        status_label=status.label,
        status_tag_class=STATUS_TAG_CLASSES[status],
        next_date=_next_date(round, now=now),
        timeline=round_timeline(round, now=now),
    )


def rounds_published() -> QuerySet[Round]:
    """Return the rounds the public sees, newest first."""
    return Round.objects.filter(is_published=True).select_related("fund").order_by("-number")


def rounds_by_opening(*, limit: int) -> QuerySet[Round]:
    """Return the ``limit`` published rounds that open (or opened) latest, with
    ``opens_at``: when expressions of interest open, or applications for a round without
    that stage."""
    return (
        rounds_published()
        .annotate(opens_at=Coalesce("eoi_opens_at", "applications_open_at"))
        .order_by("-opens_at", "-number")[:limit]
    )


def round_opening(round: Round) -> str:
    """Return what opens first in ``round`` and when, as the public timeline says it."""
    if round.eoi_opens_at is not None:
        return f"Expressions of interest open: {_when(round, 'eoi_opens_at')}."
    return f"Applications open: {_when(round, 'applications_open_at')}."


def rounds_public(*, now: datetime | None = None) -> list[RoundSummary]:
    """Return every published round, open ones first, then newest first."""
    now = now or timezone.now()
    summaries = [round_summary(round, now=now) for round in rounds_published()]
    return sorted(summaries, key=lambda s: (not s.is_open, -s.number))


def rounds_open(*, now: datetime | None = None) -> list[RoundSummary]:
    """Return the published rounds taking EOIs or applications now, for the home page."""
    return [summary for summary in rounds_public(now=now) if summary.is_open]


def round_rules(round: Round) -> list[str]:
    """Return the round's rules as sentences for applicants."""
    rules = []
    if round.has_eoi_stage:
        rules.append(
            "Send an expression of interest first. The Local Digital team invites the ones "
            "it takes forward to make a full application, sometimes together with others "
            "working on the same problem."
        )
    else:
        rules.append("There is no expression of interest stage: apply directly.")
    who = (
        "signatories of the Local Digital Declaration"
        if (round.participants_must_be_signatories)
        else "organisations"
    )
    rules.append(
        f"Each bid needs at least {round.min_participants} {who} taking part, "
        "the lead organisation included."
    )
    if round.max_led_applications is not None:
        rules.append(
            f"An organisation may lead at most {round.max_led_applications} "
            f"bid{'s' if round.max_led_applications != 1 else ''}, but partner on any number."
        )
    if round.restricted_to_round_id is not None and round.restricted_to_round is not None:
        rules.append(f"Only projects funded in {round.restricted_to_round.name} may apply.")
    rules.append(f"The round's budget is {formats.money(round.budget)}.")
    return rules


def round_get_public(*, slug: str, now: datetime | None = None) -> RoundDetail | None:
    """Return the published round ``slug`` with everything its page shows, or None."""
    now = now or timezone.now()
    round = (
        Round.objects.filter(slug=slug, is_published=True)
        .select_related("fund", "restricted_to_round")
        .prefetch_related(
            Prefetch("phase_caps", queryset=PhaseCap.objects.order_by("pk")),
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk")),
            Prefetch(
                "questions",
                queryset=RoundQuestion.objects.filter(is_published=True).order_by("position", "pk"),
            ),
        )
        .first()
    )
    if round is None:
        return None
    phase_order = {"discovery": 0, "alpha": 1, "beta": 2, "live": 3}
    caps = sorted(round.phase_caps.all(), key=lambda cap: phase_order[cap.phase])
    status = round.status_at(now)
    return RoundDetail(
        round=round,
        summary=round_summary(round, now=now),
        summary_html=mark_safe(markdown_to_html(round.summary)),  # noqa: S308
        rules=round_rules(round),
        phases=[
            PhaseRule(
                label=cap.get_phase_display(),
                cap=f"up to {formats.money(cap.max_award)}"
                if cap.max_award is not None
                else "no set cap",
            )
            for cap in caps
        ],
        criteria=[
            CriterionRow(
                name=criterion.name,
                weight=criterion.weight,
                scale_max=criterion.scale_max,
                guidance_html=mark_safe(markdown_to_html(criterion.guidance)),  # noqa: S308
            )
            for criterion in round.criteria.all()
        ],
        questions=[
            QuestionRow(
                question=question.question,
                answer_html=mark_safe(markdown_to_html(question.answer)),  # noqa: S308
            )
            for question in round.questions.all()
        ],
        takes_eois=status == RoundStatus.EOI_OPEN,
        takes_applications=status == RoundStatus.APPLICATIONS_OPEN and not round.has_eoi_stage,
    )


def round_get_open_for_bids(*, slug: str) -> Round | None:
    """Return the published round ``slug`` (whatever its stage), for starting a bid."""
    return Round.objects.filter(slug=slug, is_published=True).first()
