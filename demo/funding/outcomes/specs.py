"""The shape of what became of a demo application: its assessors' scores, the decision,
and what its team did next; and what an assessor writes beside each score."""

from __future__ import annotations

from dataclasses import dataclass

from funding.models import AwardStatus, DecisionOutcome, Recommendation

from ...people import DEMO_DOMAIN

# Scores are out of each criterion's 4, in the order of the round's criteria: user need,
# reuse and openness, collaboration, deliverability, value for money.
Scores = tuple[int, int, int, int, int]

# What an assessor writes beside a score: a strong one (3 or 4), or a weak one (up to 2).
JUSTIFICATIONS = {
    "User need": (
        "The bid names who has the problem and shows research with them: interviews, "
        "call data and what residents said.",
        "The bid says who has the problem, but the evidence is the council's view of it "
        "rather than research with the people affected.",
    ),
    "Reuse and openness": (
        "Code, research and patterns will be published openly as the work goes, with a "
        "plan for other councils to pick them up.",
        "The bid promises to share what it makes, but not how, or how another council "
        "would reuse it.",
    ),
    "Collaboration": (
        "Every partner shares the problem and has a clear part in the work, with named "
        "people and time given to it.",
        "The partners' parts are thin: they are named, but the lead does most of the work.",
    ),
    "Deliverability": (
        "The team, plan and senior support are in place, and the plan fits the phase.",
        "The plan is ambitious for the time, and some of the team are still to be found.",
    ),
    "Value for money": (
        "The budget is realistic for the phase and the outputs, and its lines are clear.",
        "The budget is high for what the phase will produce.",
    ),
}


@dataclass(frozen=True)
class Update:
    """A progress update the project's team posts, ``after`` days from its start."""

    after: int
    title: str
    body: str
    by_partner: bool = False


@dataclass(frozen=True)
class Output:
    """Something the project publishes for others to reuse; ``path`` is its address on the
    lead council's demo site."""

    title: str
    output_type: str
    path: str

    def url(self, lead_slug: str) -> str:
        """Return its address on the site of the lead council, by its slug."""
        return f"https://{lead_slug}.{DEMO_DOMAIN}/{self.path}"


@dataclass(frozen=True)
class Outcome:
    """The assessment, decision and what followed for one application, by its title.

    ``scores`` are the two assessors'. ``amount`` is what is awarded, if not the amount
    requested. ``award`` is where the funded project ends: accepted (not started), active,
    completed or declined; ``months`` is how long its work was planned to take.
    """

    scores: tuple[Scores, Scores]
    outcome: str = DecisionOutcome.APPROVED
    amount: int | None = None
    conditions: str = ""
    feedback: str = ""
    award: str = AwardStatus.COMPLETED
    months: int = 3
    decline_reason: str = ""
    updates: tuple[Update, ...] = ()
    outputs: tuple[Output, ...] = ()

    @property
    def recommendation(self) -> str:
        if self.outcome == DecisionOutcome.REJECTED:
            return Recommendation.DO_NOT_FUND
        return Recommendation.FUND_WITH_CONDITIONS if self.conditions else Recommendation.FUND


OPEN_OUTPUTS = "Publish the code under an open licence, and the research, as the work goes."
