"""Demo rounds of the Local Digital Fund: rounds 1 to 4 as the programme ran them, and two
rounds open now, with their phase caps, criteria and questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from funding.models import (
    Criterion,
    DatePrecision,
    Fund,
    Phase,
    PhaseCap,
    Round,
    RoundQuestion,
)

LONDON = ZoneInfo("Europe/London")
DEMO_COUNCIL_CODE = "HCK"
FUND_NAME = "Local Digital Fund"
FUND_SLUG = "local-digital-fund"
FUND_SUMMARY = (
    "Money for councils that have signed the Local Digital Declaration to fix common "
    "problems together, in the open, and to share what they make for others to reuse."
)
# ``lead`` in a bid's spec: the demo council, whose users the demo signs in as.
HACKNEY = -1
MONTH = DatePrecision.MONTH.value
WEEK = DatePrecision.WEEK.value


def london_at(day: date, hour: int) -> datetime:
    """Return ``hour`` o'clock, London time, on ``day``."""
    return datetime.combine(day, time(hour)).replace(tzinfo=LONDON)


def _london(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# --- Rounds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSpec:
    """A round as staff would configure it in the admin."""

    number: int
    summary: str
    budget: Decimal
    applications_open_at: datetime
    applications_close_at: datetime
    decisions_announced_at: datetime
    eoi_opens_at: datetime | None = None
    eoi_closes_at: datetime | None = None
    date_precision: dict[str, str] = field(default_factory=dict)
    min_participants: int = 2
    max_led_applications: int | None = None
    restricted_to_number: int | None = None
    caps: dict[str, Decimal | None] = field(default_factory=dict)
    questions: tuple[tuple[str, str], ...] = ()
    reporting: dict[str, object] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return f"round-{self.number}"

    @property
    def name(self) -> str:
        return f"Round {self.number}"


# Rounds 1 and 2 ran before the Fund asked for progress reports: a first report a year after
# the offer and no final report, so their projects (none longer than 8 months) have none.
BEFORE_REPORTS: dict[str, object] = {"first_report_after": 12, "final_report_at_end": False}
LATER_CAP = Decimal(350_000)  # DESIGN.md: later rounds offered up to £350,000 per project.
OPEN_CAPS: dict[str, Decimal | None] = {
    Phase.DISCOVERY: Decimal(80_000),
    Phase.ALPHA: LATER_CAP,
    Phase.BETA: LATER_CAP,
}

# Rounds 1 to 4, from DESIGN.md's facts. Where it gives a day but no time, opening and
# announcement times are 9am, and a close on a named day is midnight at its end (shown as
# 11:59pm on that day). Where it gives only a week or a month, the date is the Monday of
# that week, or a day chosen in that month, and is marked approximate. Rules it does not
# give carry over from the round whose projects a round follows on from.
HISTORIC_ROUNDS = [
    RoundSpec(
        number=1,
        summary=(
            "The Fund's first round, for 2018 to 2019. Nearly 400 expressions of interest "
            "came in; the Local Digital team grouped similar ones so that councils working "
            "on the same problem could bid together, and 16 projects were funded.\n\n"
            "Each bid needed input from at least 2 signatory local authorities, the lead "
            "included. The round funded discovery projects of up to £80,000, and alphas."
        ),
        budget=Decimal(7_500_000),
        eoi_opens_at=_london(2018, 9, 24),
        eoi_closes_at=_london(2018, 10, 6, 0),
        applications_open_at=_london(2018, 10, 15),
        applications_close_at=_london(2018, 11, 19, 0),
        decisions_announced_at=_london(2018, 12, 3),
        min_participants=2,
        caps={Phase.DISCOVERY: Decimal(80_000), Phase.ALPHA: None},
        reporting=BEFORE_REPORTS,
        questions=(
            (
                "Does the lead council count towards the 2 organisations a bid needs?",
                "Yes. A bid needs the lead and at least one partner, and both must have "
                "signed the Local Digital Declaration.",
            ),
            (
                "Can we bid for an alpha without doing a discovery first?",
                "Yes, if you can show that the discovery work has been done, by you or by "
                "another council, and what it found.",
            ),
            (
                "Will other councils see our expression of interest?",
                "We share the titles and leads of expressions of interest about the same "
                "problem with each other's leads, so that you can find partners.",
            ),
        ),
    ),
    RoundSpec(
        number=2,
        summary=(
            "A follow-on round in summer 2019, open only to projects funded in round 1. "
            "Invitations went out on 17 July 2019, and decisions were announced in the week "
            "of 9 September 2019.\n\n"
            "The closing date is not on record, so the month shown is approximate, and the "
            "budget shown is the demo's own figure."
        ),
        budget=Decimal(2_000_000),
        applications_open_at=_london(2019, 7, 17),
        # DESIGN.md gives no closing date for round 2: this day is the demo's choice, between
        # the invitations and the decisions, and is shown only as its month ("approximate").
        applications_close_at=_london(2019, 8, 16, 17),
        decisions_announced_at=_london(2019, 9, 9),
        date_precision={"applications_close_at": MONTH, "decisions_announced_at": WEEK},
        min_participants=2,
        restricted_to_number=1,
        # Follow-on phases for round 1's projects, at the cap later rounds offered.
        caps={Phase.ALPHA: LATER_CAP, Phase.BETA: LATER_CAP},
        reporting=BEFORE_REPORTS,
        questions=(
            (
                "Can a partner from round 1 lead the follow-on bid?",
                "Yes. The project must be one funded in round 1, but any of its councils may "
                "lead the next phase.",
            ),
            (
                "Can new partners join the project for this round?",
                "Yes. Councils that have signed the Declaration may join a project as it "
                "moves to its next phase.",
            ),
        ),
    ),
    RoundSpec(
        number=3,
        summary=(
            "The third round, in 2019, had no expression of interest stage: councils applied "
            "directly. Each bid needed at least 3 participating local authorities, the lead "
            "included, all signatories, and a council could lead at most 2 bids but partner "
            "on any number. The Local Digital team and an external panel reviewed the bids, "
            "and the Minister approved the decisions.\n\n"
            "The opening date is not on record, so the month shown is approximate, and the "
            "budget shown is the demo's own figure."
        ),
        budget=Decimal(2_500_000),
        # DESIGN.md gives no opening date for round 3: this day is the demo's choice, shown
        # only as its month ("approximate").
        applications_open_at=_london(2019, 8, 5),
        applications_close_at=_london(2019, 9, 16, 17),
        decisions_announced_at=_london(2019, 10, 14),
        date_precision={"applications_open_at": MONTH, "decisions_announced_at": WEEK},
        min_participants=3,
        max_led_applications=2,
        # DESIGN.md gives no phase caps for round 3: discovery keeps round 1's £80,000, and
        # alpha and beta take the £350,000 per project that later rounds offered.
        caps=OPEN_CAPS,
        questions=(
            (
                "Our council already leads two bids. Can it join a third?",
                "Yes, as a partner. A council may lead at most 2 bids in this round, but "
                "partner on any number.",
            ),
            (
                "Is the deadline 5pm or midnight?",
                "5pm on Monday 16 September 2019. The service refuses a bid submitted at "
                "5pm or later, so leave yourself time.",
            ),
            (
                "Must all three councils have signed the Declaration?",
                "Yes. Every council taking part, the lead included, must be a published "
                "signatory when the bid is submitted.",
            ),
        ),
    ),
    RoundSpec(
        number=4,
        summary=(
            "Opened in January 2020 for projects backed in rounds 2 and 3. In March 2020 six "
            "councils shared £1.2m.\n\n"
            "A round can name only one earlier round whose projects may apply, so this one "
            "names round 3; projects backed in round 2 were eligible too. The opening and "
            "decision dates are known only to the month, and the closing date is not on "
            "record, so all three are shown as approximate."
        ),
        budget=Decimal(1_200_000),
        applications_open_at=_london(2020, 1, 6),
        # DESIGN.md gives no closing date for round 4: this day is the demo's choice, between
        # the opening and the decisions, and is shown only as its month ("approximate").
        applications_close_at=_london(2020, 2, 14, 17),
        decisions_announced_at=_london(2020, 3, 2),
        date_precision={
            "applications_open_at": MONTH,
            "applications_close_at": MONTH,
            "decisions_announced_at": MONTH,
        },
        min_participants=3,
        restricted_to_number=3,
        caps={Phase.ALPHA: LATER_CAP, Phase.BETA: LATER_CAP},
        questions=(
            (
                "Our project was backed in round 2, not round 3. Can it apply?",
                "Yes. The round is for projects backed in rounds 2 and 3.",
            ),
            (
                "Does the round fund new projects?",
                "No. It funds the next phase of projects already backed by the Fund.",
            ),
        ),
    ),
]


def _five_pm(now: datetime, days: int) -> datetime:
    """Return 5pm London time on the day ``days`` after today (before, if negative)."""
    return datetime.combine(
        timezone.localdate(now, LONDON) + timedelta(days=days), time(17)
    ).replace(tzinfo=LONDON)


def open_round_specs(now: datetime) -> list[RoundSpec]:
    """Return the demo's two rounds open at ``now``: one taking expressions of interest, one
    taking applications directly. Their dates are set from ``now``, at 5pm London time."""
    return [
        RoundSpec(
            number=5,
            summary=(
                "A demo round, open now so that the whole journey can be tried: send an "
                "expression of interest with your partners, and see the Local Digital team "
                "group similar ones, introduce their leads and invite the best to apply.\n\n"
                "Like round 1 it has an expression of interest stage and needs at least 2 "
                "signatory councils in each bid; it sets no limit on how many one council "
                "leads. Its dates were set when the demo data was loaded."
            ),
            budget=Decimal(3_000_000),
            eoi_opens_at=_five_pm(now, -14),
            eoi_closes_at=_five_pm(now, 42),
            applications_open_at=_five_pm(now, 49),
            applications_close_at=_five_pm(now, 91),
            decisions_announced_at=_five_pm(now, 120),
            min_participants=2,
            caps=OPEN_CAPS,
            questions=(
                (
                    "Can our council send more than one expression of interest?",
                    "Yes. This round sets no limit on how many expressions of interest one "
                    "council leads.",
                ),
                (
                    "What happens to expressions of interest about the same problem?",
                    "We group them, introduce their leads to each other, and may invite "
                    "them to make one joint application.",
                ),
            ),
        ),
        RoundSpec(
            number=6,
            summary=(
                "A demo round with no expression of interest stage, open now for "
                "applications, so that the application journey can be tried from the "
                "start.\n\n"
                "Like round 3, each bid needs at least 3 signatory councils, the lead "
                "included, and a council may lead at most 2 bids but partner on any number. "
                "Its dates were set when the demo data was loaded."
            ),
            budget=Decimal(2_000_000),
            applications_open_at=_five_pm(now, -14),
            applications_close_at=_five_pm(now, 56),
            decisions_announced_at=_five_pm(now, 98),
            min_participants=3,
            max_led_applications=2,
            caps=OPEN_CAPS,
            questions=(
                (
                    "Do we need to send an expression of interest first?",
                    "No. This round takes applications directly: start one from your account.",
                ),
                (
                    "How many bids can one council lead?",
                    "At most 2, drafts included. Withdrawn bids do not count, and a council "
                    "may partner on any number.",
                ),
            ),
        ),
    ]


# Each round's assessment criteria: name, guidance and weight (the weights sum to 100).
CRITERIA = [
    (
        "User need",
        "How well the bid shows who has the problem and what they need, with evidence from "
        "research with them.",
        25,
    ),
    (
        "Reuse and openness",
        "Whether the outputs (code, research, patterns) will be open, and how other councils "
        "will reuse them.",
        20,
    ),
    (
        "Collaboration",
        "Whether the partners share the problem and each has a real part in the project.",
        20,
    ),
    (
        "Deliverability",
        "Whether the team, plan and senior support are in place to deliver the phase.",
        20,
    ),
    ("Value for money", "Whether the budget is realistic for the phase and the outputs.", 15),
]


def _round_ensure(spec: RoundSpec, *, fund: Fund) -> tuple[Round, bool]:
    """Return the round ``spec`` describes, making it with its phases, criteria and
    questions if it is missing; and whether it was made now. A round that exists (by slug or
    by number) is left as it is."""
    existing = Round.objects.filter(Q(slug=spec.slug) | Q(fund=fund, number=spec.number)).first()
    if existing is not None:
        return existing, False
    restricted = (
        Round.objects.filter(fund=fund, number=spec.restricted_to_number).first()
        if spec.restricted_to_number is not None
        else None
    )
    round = Round.objects.create(
        fund=fund,
        number=spec.number,
        name=spec.name,
        slug=spec.slug,
        summary=spec.summary,
        budget=spec.budget,
        is_published=True,
        eoi_opens_at=spec.eoi_opens_at,
        eoi_closes_at=spec.eoi_closes_at,
        applications_open_at=spec.applications_open_at,
        applications_close_at=spec.applications_close_at,
        decisions_announced_at=spec.decisions_announced_at,
        date_precision=spec.date_precision,
        min_participants=spec.min_participants,
        participants_must_be_signatories=True,
        max_led_applications=spec.max_led_applications,
        restricted_to_round=restricted,
        **spec.reporting,
    )
    PhaseCap.objects.bulk_create(
        PhaseCap(round=round, phase=phase, max_award=cap) for phase, cap in spec.caps.items()
    )
    Criterion.objects.bulk_create(
        Criterion(round=round, name=name, guidance=guidance, weight=weight, position=position)
        for position, (name, guidance, weight) in enumerate(CRITERIA)
    )
    asked_at = round.eoi_opens_at or round.applications_open_at
    RoundQuestion.objects.bulk_create(
        RoundQuestion(
            round=round,
            question=question,
            answer=answer,
            is_published=True,
            published_at=asked_at + timedelta(days=3 + position),
            created_at=asked_at + timedelta(days=2 + position),
            position=position,
        )
        for position, (question, answer) in enumerate(spec.questions)
    )
    return round, True
