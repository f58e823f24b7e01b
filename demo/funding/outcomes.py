"""What became of the demo's applications in rounds 1 to 4: their assessors' scores, the
decisions, and for each funded project what its team did next, in their words."""

from __future__ import annotations

from dataclasses import dataclass

from funding.models import AwardStatus, DecisionOutcome, ProjectOutputType, Recommendation

from .texts import (
    FAMILY_CONTEXT,
    FREE_SCHOOL_MEALS,
    HOUSING_REPAIRS,
    LAND_CHARGES,
    PLANNING_DATA,
    SHARED_BOOKING,
    WASTE_DATA,
)

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

OUTCOMES: dict[str, Outcome] = {
    # Round 1.
    HOUSING_REPAIRS.title: Outcome(
        scores=((4, 3, 3, 4, 3), (3, 3, 4, 3, 3)),
        months=3,
        updates=(
            Update(
                10,
                "Discovery: the first fortnight",
                "We spent a week with the contact centre listening to repair calls, and met "
                "the tenants' panels in both councils. The first surprise: most repeat calls "
                "are tenants asking when someone will come, not reporting anything new.",
            ),
            Update(
                45,
                "What tenants told us",
                "We interviewed 40 tenants. Most wanted to report a repair from their phone, "
                "with a photo, without making an account, and to choose a time for the visit. "
                "Our notes from every interview are on our blog.",
                by_partner=True,
            ),
            Update(
                85,
                "Discovery finished: we recommend an alpha",
                "We have published our discovery report and a map of the repairs journey. We "
                "recommend an alpha of online repair reporting with photos and appointments, "
                "and will bid for it in the next round.",
            ),
        ),
        outputs=(
            Output(
                "Discovery report: reporting a housing repair",
                ProjectOutputType.RESEARCH,
                "repairs/discovery-report",
            ),
            Output("The repairs journey, mapped", ProjectOutputType.PATTERN, "repairs/journey-map"),
        ),
    ),
    PLANNING_DATA.title: Outcome(
        scores=((4, 4, 3, 3, 3), (4, 4, 3, 4, 2)),
        conditions="Publish the data schema under an open licence by the end of the alpha.",
        months=4,
        updates=(
            Update(
                14,
                "Alpha: what a planning application says",
                "We took 200 householder applications apart, field by field, to draft the "
                "first version of a data schema. Agents have tested it on paper.",
            ),
            Update(
                70,
                "A prototype that checks as you go",
                "Our prototype tells an agent, as they fill it in, what would make the "
                "application invalid. In testing, agents made 70% fewer errors.",
                by_partner=True,
            ),
            Update(
                115,
                "Alpha finished, and the schema is open",
                "The data schema is published under an open licence, with the prototype's "
                "code. Next, a beta with live applications.",
            ),
        ),
        outputs=(
            Output(
                "Planning application checker (prototype code)",
                ProjectOutputType.CODE,
                "code/planning-application-checker",
            ),
            Output(
                "Planning application data schema",
                ProjectOutputType.DATA,
                "planning/data-schema",
            ),
            Output(
                "Research with planning agents", ProjectOutputType.RESEARCH, "planning/research"
            ),
        ),
    ),
    SHARED_BOOKING.title: Outcome(
        scores=((2, 3, 2, 1, 2), (2, 2, 1, 2, 2)),
        outcome=DecisionOutcome.REJECTED,
        feedback=(
            "The panel agreed that many councils share this problem, but the bid did not "
            "show that the services taking bookings were part of the discovery, or how their "
            "tools would be replaced. We would welcome a bid that starts from one service's "
            "bookings, with that service's team in the project."
        ),
    ),
    # Round 2.
    "Reporting a housing repair online: alpha": Outcome(
        scores=((4, 4, 3, 3, 3), (4, 3, 3, 4, 3)),
        amount=240_000,
        months=5,
        updates=(
            Update(
                20,
                "Alpha: three ways to report a repair",
                "We are testing three prototypes with tenants: a photo first, a guided list "
                "of rooms and problems, and a chat. Tenants in both councils are taking part.",
            ),
            Update(
                90,
                "The guided list wins",
                "Tenants found the guided list quickest, and repairs staff said its reports "
                "were the clearest. We are building on it, with a photo at the end.",
                by_partner=True,
            ),
            Update(
                145,
                "Alpha finished: an open repairs data model",
                "The prototype's code and the data model behind it are published. Two more "
                "councils are trying the data model with their repairs contractors.",
            ),
        ),
        outputs=(
            Output(
                "Report a repair (prototype code)",
                ProjectOutputType.CODE,
                "code/report-a-repair",
            ),
            Output("Report a repair: design pattern", ProjectOutputType.PATTERN, "repairs/pattern"),
            Output("Open repairs data model", ProjectOutputType.DATA, "repairs/data-model"),
        ),
    ),
    "A digital planning application service": Outcome(
        scores=((4, 4, 4, 3, 3), (4, 4, 3, 3, 3)),
        conditions=OPEN_OUTPUTS,
        award=AwardStatus.ACTIVE,
        months=8,
        updates=(
            Update(
                15,
                "Beta: the first live applications",
                "Householder applications in both councils can now be made through the new "
                "service. The first 30 arrived valid, with nothing to retype.",
            ),
            Update(
                80,
                "Officers start on the day an application arrives",
                "Validation that took a week now takes a day. We are adding prior approvals "
                "next, and a third council has asked to join.",
                by_partner=True,
            ),
        ),
        outputs=(
            Output(
                "Digital planning application service (code)",
                ProjectOutputType.CODE,
                "code/digital-planning",
            ),
            Output(
                "Adopting the planning data schema", ProjectOutputType.GUIDANCE, "planning/adopt"
            ),
        ),
    ),
    # Round 3.
    FREE_SCHOOL_MEALS.title: Outcome(
        scores=((4, 3, 4, 3, 3), (4, 3, 3, 3, 4)),
        months=4,
        updates=(
            Update(
                20,
                "Alpha: checking eligibility from what we hold",
                "With each family's consent, our prototype checks entitlement against housing "
                "benefit and council tax support records and tells the school the same day.",
            ),
            Update(
                100,
                "Alpha finished: families registered in minutes",
                "In testing with 60 families in three councils, registration took minutes "
                "rather than weeks. The code and a data sharing agreement are published.",
                by_partner=True,
            ),
        ),
        outputs=(
            Output(
                "Free school meals eligibility checker (code)",
                ProjectOutputType.CODE,
                "code/free-school-meals",
            ),
            Output(
                "Data sharing agreement for free school meals",
                ProjectOutputType.GUIDANCE,
                "free-school-meals/data-sharing-agreement",
            ),
        ),
    ),
    LAND_CHARGES.title: Outcome(
        scores=((3, 4, 3, 3, 3), (3, 4, 3, 2, 3)),
        months=4,
        updates=(
            Update(
                30,
                "Alpha: one format for land charges",
                "Our three councils held land charges in three formats. We have drafted one, "
                "and converted a sample of each council's register to it.",
            ),
            Update(
                110,
                "Alpha finished: same-day answers",
                "Conveyancers searching the test properties got their answers the same day. "
                "The draft standard and the code that publishes it are open.",
            ),
        ),
        outputs=(
            Output(
                "Local land charges data standard (draft)",
                ProjectOutputType.DATA,
                "land-charges/standard",
            ),
            Output(
                "Publishing land charges data (code)",
                ProjectOutputType.CODE,
                "code/land-charges-publisher",
            ),
        ),
    ),
    WASTE_DATA.title: Outcome(
        scores=((3, 4, 3, 2, 3), (3, 3, 3, 2, 3)),
        conditions="Confirm each partner's waste team lead before the work starts.",
        award=AwardStatus.DECLINED,
        decline_reason=(
            "Two of our partners cannot give staff to the project before April, so we could "
            "not deliver the discovery in the time the offer allows. We will bid again when "
            "they can."
        ),
    ),
    FAMILY_CONTEXT.title: Outcome(
        scores=((4, 3, 4, 3, 4), (4, 4, 3, 3, 3)),
        months=3,
        updates=(
            Update(
                15,
                "Discovery: a week with social workers",
                "We shadowed social workers in each council before first visits. Each "
                "searched between 4 and 7 systems to find out who was in the child's life.",
            ),
            Update(
                50,
                "What may lawfully be shared",
                "With our data protection officers we worked out what a social worker may "
                "see about a child's relatives, and when. The assessment is published for "
                "other councils to adapt.",
                by_partner=True,
            ),
            Update(
                85,
                "Discovery finished",
                "Our report recommends an alpha of a tool that shows a child's family network "
                "from the records councils already hold, with the patterns we tested.",
            ),
        ),
        outputs=(
            Output(
                "Discovery report: family context for social workers",
                ProjectOutputType.RESEARCH,
                "family-context/discovery-report",
            ),
            Output(
                "Showing a child's family network: design patterns",
                ProjectOutputType.PATTERN,
                "family-context/patterns",
            ),
            Output(
                "Data protection impact assessment",
                ProjectOutputType.GUIDANCE,
                "family-context/dpia",
            ),
        ),
    ),
    # Round 4.
    "Free school meals without a separate claim: beta": Outcome(
        scores=((4, 4, 3, 4, 3), (4, 3, 4, 4, 3)),
        conditions=OPEN_OUTPUTS,
        award=AwardStatus.ACTIVE,
        months=8,
        updates=(
            Update(
                25,
                "Beta: live in the first council",
                "Families in the first council are now registered for free school meals "
                "without a form. The second and third councils follow next month.",
            ),
        ),
        outputs=(
            Output(
                "Free school meals service (code)",
                ProjectOutputType.CODE,
                "code/free-school-meals-beta",
            ),
        ),
    ),
    "Local land charges searches in one place: beta": Outcome(
        scores=((3, 4, 3, 3, 3), (3, 4, 4, 3, 2)),
        amount=320_000,
        award=AwardStatus.ACCEPTED,
        months=8,
    ),
}
