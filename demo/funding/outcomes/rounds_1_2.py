"""What became of the demo's applications in rounds 1 and 2, by title."""

from __future__ import annotations

from funding.models import AwardStatus, DecisionOutcome, ProjectOutputType

from ..texts import HOUSING_REPAIRS, PLANNING_DATA, SHARED_BOOKING
from .specs import OPEN_OUTPUTS, Outcome, Output, Update

OUTCOMES_1_2: dict[str, Outcome] = {
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
}
