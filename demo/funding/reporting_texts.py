"""What the demo's funded projects of rounds 3 and 4 tell the Fund after the award: their
milestones, what each progress report says and what the Fund made of it, and the changes
their teams asked for, by project title.

Round 3's projects are done: every report accepted and the final report too, which
completed them. Round 4's free school meals beta has two reports accepted (the second
amber) and its final report, amber too, waiting for review; its land charges beta had its
first report returned for changes, has not sent the next one (overdue), and asks to move its
end date.
"""

from __future__ import annotations

from dataclasses import dataclass

from funding.models import RagStatus, ReportStatus

from .texts import FAMILY_CONTEXT, FREE_SCHOOL_MEALS, LAND_CHARGES


@dataclass(frozen=True)
class ReportSpec:
    """What the team says in one report of the schedule, and what the Fund did with it.

    ``review`` is ``accepted``, ``returned`` (with the reviewer's ``comment``) or
    ``submitted`` (waiting for review). ``late`` is the note on the first milestone not yet
    done when the report says it is late; the others are done by the end of the period
    they were planned in, or on track.
    """

    review: str = ReportStatus.ACCEPTED
    status: str = RagStatus.GREEN
    reason: str = ""
    late: str = ""
    risks: tuple[tuple[str, str], ...] = ()
    comment: str = ""


@dataclass(frozen=True)
class FinalSpec:
    """The final report's account of the project."""

    delivered: str
    reuse: str
    lessons: str


@dataclass(frozen=True)
class ChangeSpec:
    """A request to move the end date ``months`` later, made ``after`` days from the start."""

    months: int
    after: int
    reason: str


@dataclass(frozen=True)
class Reporting:
    """A funded project's life after the award, as it reports to the Fund.

    ``milestones`` are the plan staff agreed (a title, and the day of the work it is planned
    for). ``reports`` are written in the order the schedule has them, the final report
    last; the schedule's reports after them are left unwritten, overdue once their day
    passes.
    """

    milestones: tuple[tuple[str, int], ...]
    reports: tuple[ReportSpec, ...]
    final: FinalSpec | None = None
    change: ChangeSpec | None = None


ON_TRACK = ReportSpec(
    risks=(
        (
            "A partner's staff may be taken off the project by other work.",
            "Each partner's head of service has agreed the time, and we review it monthly.",
        ),
    )
)
DONE = ReportSpec()

REPORTING: dict[str, Reporting] = {
    FREE_SCHOOL_MEALS.title: Reporting(
        milestones=(
            ("Consent and data sharing agreed with each partner", 30),
            ("Prototype tested with families", 80),
            ("Alpha assessed, and the code published", 115),
        ),
        reports=(ON_TRACK, DONE),
        final=FinalSpec(
            delivered=(
                "A working prototype that checks a family's entitlement to free school meals "
                "from the housing benefit and council tax support records the council holds, "
                "with the family's consent, and tells the school the same day. We tested it "
                "with 60 families in three councils."
            ),
            reuse=(
                "The code is open source, with instructions for connecting it to the two "
                "most common benefits systems.\n\n"
                "The data sharing agreement has been checked by three councils' data "
                "protection officers: change the names and it is ready to sign. Our research "
                "with families is published, with the consent wording they understood best."
            ),
            lessons=(
                "Start the data sharing agreement in the first week: it took longer than the "
                "code.\n\n"
                "Families trusted a letter from their school more than one from the council, "
                "so ask schools to send the consent request."
            ),
        ),
    ),
    LAND_CHARGES.title: Reporting(
        milestones=(
            ("Each council's register mapped to one format", 40),
            ("Search prototype tested with conveyancers", 90),
            ("Draft data standard published", 115),
        ),
        reports=(ON_TRACK, DONE),
        final=FinalSpec(
            delivered=(
                "A draft data standard for local land charges, each partner's register "
                "converted to it, and a prototype search that answered conveyancers the "
                "same day for the test properties."
            ),
            reuse=(
                "The draft standard and the code that converts a register to it are open. "
                "A council with one of the two systems we worked with can convert its "
                "register in a day with our guide."
            ),
            lessons=(
                "The registers were less consistent than their suppliers said: map a sample "
                "of real records before agreeing a format.\n\n"
                "Conveyancers tested more honestly when they used their own live cases."
            ),
        ),
    ),
    FAMILY_CONTEXT.title: Reporting(
        milestones=(
            ("Shadowing social workers in each council", 20),
            ("Data protection impact assessment agreed", 55),
            ("Discovery report published", 85),
        ),
        reports=(ON_TRACK, DONE),
        final=FinalSpec(
            delivered=(
                "A discovery report on what social workers need to know about a child's "
                "family before a first visit, design patterns for showing a family network, "
                "and a data protection impact assessment."
            ),
            reuse=(
                "The data protection impact assessment sets out what may lawfully be shared "
                "and when: other councils can adapt it rather than start again. The patterns "
                "come with the research that shaped them."
            ),
            lessons=(
                "Bring the data protection officers in at the start: they became the "
                "project's strongest supporters once they helped shape it."
            ),
        ),
    ),
    "Free school meals without a separate claim: beta": Reporting(
        milestones=(
            ("Live in the first council", 30),
            ("Live in the second and third councils", 120),
            ("Service assessment passed", 200),
        ),
        reports=(
            ON_TRACK,
            ReportSpec(
                status=RagStatus.AMBER,
                reason=(
                    "The third council's move to a new benefits system has pushed its "
                    "launch back by six weeks."
                ),
                late="The third council goes live six weeks later, after its system upgrade.",
                risks=(
                    (
                        "The third council's new benefits system may not give us the data we need.",
                        "We are testing an export from the new system with its supplier "
                        "every week.",
                    ),
                ),
            ),
            ReportSpec(
                review=ReportStatus.SUBMITTED,
                status=RagStatus.AMBER,
                reason=(
                    "The service is live in all three councils, but six weeks late in the "
                    "third, so its service assessment moves into the new year."
                ),
                late="The assessment moves into the new year, after the third council's launch.",
            ),
        ),
        final=FinalSpec(
            delivered=(
                "A live service that registers families for free school meals without a "
                "form, in all three partner councils, and a data sharing agreement at "
                "version 1."
            ),
            reuse=(
                "The service's code is open source and runs in any council with the same "
                "benefits systems; our adoption guide shows the steps and the costs."
            ),
            lessons=(
                "A supplier's system upgrade can move a launch by weeks: agree test data "
                "with the supplier before the upgrade, not after."
            ),
        ),
    ),
    "Local land charges searches in one place: beta": Reporting(
        milestones=(
            ("Live data from the first partner", 45),
            ("Search open to conveyancers", 150),
            ("Adoption guide published", 220),
        ),
        reports=(
            ReportSpec(
                review=ReportStatus.RETURNED,
                status=RagStatus.AMBER,
                reason=(
                    "Two partners cannot give us their live data until their registers are "
                    "cleaned, so the work has not started as planned."
                ),
                late="The partners' registers must be cleaned first.",
                comment=(
                    "Thank you for telling us early. Before we accept the report, give the "
                    "new start date agreed with the partners and the milestones' new dates, "
                    "and ask for the end date to move through a change request."
                ),
            ),
        ),
        change=ChangeSpec(
            months=4,
            after=80,
            reason=(
                "Two partners must clean their land charges registers before they can share "
                "live data, which moves our start by four months."
            ),
        ),
    ),
}
