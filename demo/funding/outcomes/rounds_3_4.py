"""What became of the demo's applications in rounds 3 and 4, by title. Their projects also
report to the Fund (``reporting_texts``)."""

from __future__ import annotations

from funding.models import AwardStatus, ProjectOutputType

from ..texts import FAMILY_CONTEXT, FREE_SCHOOL_MEALS, LAND_CHARGES, WASTE_DATA
from .specs import OPEN_OUTPUTS, Outcome, Output, Update

OUTCOMES_3_4: dict[str, Outcome] = {
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
