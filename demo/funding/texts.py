"""The demo's bids: the expressions of interest and applications it makes, in their words,
and the state each is left in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from funding.models import (
    EoiStatus,
    Phase,
)

from .rounds import (
    HACKNEY,
)

# --- Bids ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EoiSpec:
    """An expression of interest, and the state the demo leaves it in.

    ``status`` is where it ends: a draft (with whatever fields are given), submitted,
    withdrawn, declined (with ``feedback``) or invited. ``cluster`` names the cluster staff
    put it in. ``lead`` is HACKNEY, a place among the councils, or None for the next council
    in turn, so that the EOIs spread over however many signatories the demo has.
    """

    title: str
    problem: str = ""
    phase: str = ""
    cost: int | None = None
    status: str = EoiStatus.SUBMITTED
    lead: int | None = None
    partners: int = 1
    with_hackney: bool = False
    by_admin: bool = False
    cluster: str = ""
    feedback: str = ""


BINS = "Missed bin collections"
DAMP = "Damp, mould and repairs in council homes"
PLANNING = "Validating planning applications"
CLUSTER_NOTES = {
    BINS: "Three councils whose residents report missed collections that crews cannot see.",
    DAMP: "Landlord councils finding and fixing damp and mould sooner.",
    PLANNING: "Invalid and incomplete planning applications, and retyping them.",
}
CLUSTER_MESSAGE = (
    "You have each told us about the same problem: residents reporting missed collections "
    "that never reach the crews. Before we decide which expressions of interest to take "
    "forward, we would like you to talk to each other, and consider one joint bid."
)
DECLINE_FEEDBACK = (
    "Thank you for your expression of interest. The Fund pays for work that other councils "
    "can reuse, and buying a new content management system for one council's website is "
    "not something others could take up. Several councils publish their websites on open "
    "source platforms: talk to them, and consider a bid with them on the parts of a council "
    "website that every council needs."
)

ROUND_5_EOIS = [
    # A cluster about missed bins, whose leads staff have introduced to each other.
    EoiSpec(
        "Missed bin reports that reach the crews",
        "Residents who report a missed collection online hear nothing back, and the report "
        "waits in a shared mailbox until the next morning. Crews cannot see it from the cab, "
        "so bins stay out for days and residents call us again.",
        Phase.DISCOVERY,
        65_000,
        lead=HACKNEY,
        cluster=BINS,
    ),
    EoiSpec(
        "Letting residents see whether their street has been collected",
        "Most calls to our waste team ask whether the lorry has been yet. Crews record "
        "collections on paper round sheets, so the contact centre cannot tell a missed bin "
        "from one put out late.",
        Phase.DISCOVERY,
        70_000,
        cluster=BINS,
    ),
    EoiSpec(
        "One record of every refuse round, shared with the contact centre",
        "Reports of missed collections, assisted collections and requests for new "
        "containers come in through the phones, the inbox and a web form. The devices in our "
        "lorries are not connected to any of them, so the same missed bin is reported three "
        "times and nobody knows who will go back for it.",
        Phase.ALPHA,
        240_000,
        partners=2,
        cluster=BINS,
    ),
    # A cluster about damp and mould in council homes, not yet acted on.
    EoiSpec(
        "Finding damp and mould before tenants have to report it",
        "Tenants often live with damp for months before they tell us, by which time mould "
        "is harming their health. Repair records, stock condition surveys and complaints "
        "are held in different systems, so we cannot see which homes are at risk.",
        Phase.DISCOVERY,
        75_000,
        with_hackney=True,
        cluster=DAMP,
    ),
    EoiSpec(
        "Following a damp and mould case from first report to fix",
        "A report of mould passes between the repairs contractor, a surveyor and the "
        "housing officer, and nobody owns it from start to finish. Tenants repeat their story "
        "to each new person, and cases are closed before the cause is fixed.",
        Phase.DISCOVERY,
        80_000,
        cluster=DAMP,
    ),
    EoiSpec(
        "Repairs that tenants can follow",
        "Tenants phone to report leaks, condensation and broken heating, then phone again "
        "to ask when someone will come. Our repairs system cannot tell them, and "
        "appointments are missed because nobody told the tenant.",
        Phase.ALPHA,
        300_000,
        partners=2,
        cluster=DAMP,
    ),
    # A cluster about planning applications that arrive incomplete.
    EoiSpec(
        "Fewer invalid planning applications",
        "Roughly one in two planning submissions that reach us cannot be registered on "
        "arrival: a plan is missing, the fee is wrong or the site boundary is not drawn. "
        "Officers spend the first week of each case chasing agents.",
        Phase.DISCOVERY,
        60_000,
        cluster=PLANNING,
    ),
    EoiSpec(
        "Planning applications as data, not scanned forms",
        "Applicants send us scanned forms and drawings. Officers retype the details into "
        "the back-office system before anyone can assess the application, and none of it "
        "can be reused for monitoring or consultation.",
        Phase.ALPHA,
        320_000,
        partners=2,
        cluster=PLANNING,
    ),
    EoiSpec(
        "Helping householders apply for planning permission",
        "Householders struggle to work out whether they need planning permission and which "
        "documents to send. Many apply when they did not need to, and many more send "
        "incomplete applications that we have to return.",
        Phase.DISCOVERY,
        55_000,
        lead=HACKNEY,
        by_admin=True,
        cluster=PLANNING,
    ),
    # Submitted, not grouped.
    EoiSpec(
        "Booking an appointment to register a birth or death",
        "Parents and bereaved families must phone to book an appointment with a registrar. "
        "The line is busiest in the mornings, when registrars are also answering it, and "
        "each office keeps its own paper diary.",
        Phase.DISCOVERY,
        50_000,
        status=EoiStatus.INVITED,
        lead=HACKNEY,
        partners=2,
    ),
    EoiSpec(
        "Blue Badge renewals without starting again",
        "Every three years we post Blue Badge holders a renewal form as long as a first "
        "application, even when their condition is lifelong. Many give up or phone for "
        "help, and the badge lapses while they wait.",
        Phase.DISCOVERY,
        45_000,
    ),
    EoiSpec(
        "Home to school transport for children with special educational needs",
        "Families apply for transport on paper each summer. We check eligibility by hand "
        "and confirm routes in the week before term, so parents do not know how their child "
        "will get to school until the last moment.",
        Phase.ALPHA,
        280_000,
        partners=2,
    ),
    EoiSpec(
        "Council tax support that works out what people are owed",
        "Residents on low incomes miss out on council tax support because the claim form "
        "is long and asks for evidence we already hold for housing benefit. Staff re-enter "
        "the same details in two systems.",
        Phase.DISCOVERY,
        70_000,
        lead=HACKNEY,
    ),
    EoiSpec(
        "Residents' parking permits without the paperwork",
        "Residents post copies of their vehicle registration document and proof of address, "
        "then wait two weeks for a paper permit. Visitor permits are scratch cards that "
        "residents buy in person at the town hall.",
        Phase.ALPHA,
        200_000,
    ),
    EoiSpec(
        "Spotting the risk of homelessness early",
        "We meet most households at the point of crisis. Rent arrears, council tax debt and "
        "notices to quit are seen by different teams, who do not share what they know until "
        "the family is at the housing options desk.",
        Phase.DISCOVERY,
        80_000,
        with_hackney=True,
    ),
    EoiSpec(
        "Knowing who is in temporary accommodation, and where",
        "Placement officers book bed and breakfast and nightly-let rooms by phone and "
        "record them in spreadsheets. We cannot see who is placed where, for how long, or "
        "what it costs, until the invoices arrive.",
        Phase.DISCOVERY,
        75_000,
    ),
    EoiSpec(
        "Financial assessments for adult social care, online",
        "People waiting for care at home fill in a twenty-page financial assessment on "
        "paper. Mistakes and missing evidence mean they are sent the wrong bill months "
        "later, and the charge has to be worked out again.",
        Phase.ALPHA,
        260_000,
        partners=2,
    ),
    EoiSpec(
        "Taxi and private hire licences without the office visit",
        "Drivers apply for and renew their licences on paper and bring their documents to "
        "the office. We track their checks with the DVLA and the DBS in spreadsheets, and "
        "licences expire while the checks are chased.",
        Phase.DISCOVERY,
        60_000,
    ),
    EoiSpec(
        "Reporting potholes and broken street lights with a photo and a place",
        "Reports of highway faults arrive by phone and email without a clear location. "
        "Inspectors visit the wrong spot, the same pothole is logged many times, and the "
        "person who reported it never hears that it was fixed.",
        Phase.BETA,
        340_000,
        partners=2,
    ),
    EoiSpec(
        "Answering freedom of information requests on time",
        "We log freedom of information requests in a spreadsheet and answer the same "
        "question from different people many times over. A third of our replies are late.",
        Phase.DISCOVERY,
        40_000,
    ),
    EoiSpec(
        "Recovering from a cyber attack in a small district council",
        "We have no security team of our own, our servers are old and we have never tested "
        "whether we could restore our services after ransomware. Other small districts tell "
        "us they are in the same position.",
        Phase.DISCOVERY,
        80_000,
        partners=2,
    ),
    EoiSpec(
        "Planning the social care workforce we will need",
        "We cannot tell which care roles will be hardest to fill next year. Vacancies are "
        "tracked by each provider in its own way, and we find out about gaps when agency "
        "spending rises.",
        Phase.DISCOVERY,
        65_000,
    ),
    # Declined with feedback, withdrawn, and drafts.
    EoiSpec(
        "A new content management system for our website",
        "Our website runs on a content management system that is out of support. Editors "
        "find it hard to use and pages are out of date.",
        Phase.BETA,
        150_000,
        status=EoiStatus.DECLINED,
        feedback=DECLINE_FEEDBACK,
    ),
    EoiSpec(
        "Booking pest control visits online",
        "Residents phone to book pest control visits, and pay by card over the phone. Half "
        "of the calls are to move or cancel a booking.",
        Phase.DISCOVERY,
        35_000,
        status=EoiStatus.WITHDRAWN,
    ),
    EoiSpec(
        "Garden waste subscriptions that renew themselves",
        "Every spring thousands of residents renew their garden waste subscription by phone "
        "in the same fortnight. Payments, stickers and the crews' lists are matched by hand, "
        "and bins are missed while the lists catch up.",
        Phase.DISCOVERY,
        50_000,
        status=EoiStatus.DRAFT,
        lead=HACKNEY,
    ),
    EoiSpec(
        "Reaching residents missing from the electoral register",
        "Young people and private renters are the least likely to be registered to vote, "
        "and our canvass letters do not reach them.",
        status=EoiStatus.DRAFT,
        lead=HACKNEY,
        by_admin=True,
        partners=0,
    ),
    EoiSpec(
        "Applying for business rates relief",
        "Many shop and café owners never claim the rates reliefs they are entitled to, and "
        "each neighbouring council asks for them on a different form.",
        Phase.DISCOVERY,
        status=EoiStatus.DRAFT,
        partners=0,
    ),
    EoiSpec(
        "One library card across neighbouring councils",
        status=EoiStatus.DRAFT,
        partners=0,
    ),
    EoiSpec("", status=EoiStatus.DRAFT, partners=0),
    EoiSpec(
        "Fly-tipping reports that enforcement officers can act on",
        "Reports of fly-tipping rarely say exactly where it is or include a photo, so "
        "enforcement officers arrive after the waste has been cleared and the evidence has "
        "gone.",
        Phase.DISCOVERY,
        45_000,
        status=EoiStatus.DRAFT,
    ),
]

ROUND_1_DECLINED = EoiSpec(
    "Electronic timesheets for home care workers",
    "Home care workers fill in paper timesheets, which are checked by hand before care "
    "providers are paid.",
    Phase.ALPHA,
    200_000,
    status=EoiStatus.DECLINED,
    lead=3,
    feedback=(
        "Thank you for your expression of interest. Home care providers already buy "
        "electronic call monitoring as a product, so we could not see what other councils "
        "would reuse. We would welcome a bid about the shared problem behind it."
    ),
)


@dataclass(frozen=True)
class ApplicationSpec:
    """A full application, and the state the demo leaves it in.

    ``state`` is one of: ``partial`` (a draft with some sections complete), ``awaiting`` (a
    complete draft with a partner yet to confirm), ``ready`` (a complete draft with every
    partner confirmed, ready to submit), ``submitted``, ``withdrawn`` and ``abandoned`` (a
    draft left with one section done, past the round's close).

    ``follows`` is, in a round only for projects funded in an earlier round, the title of
    the funded project the bid follows on from (one its lead led or partnered on).
    """

    title: str
    problem: str
    evidence: str
    users: str
    approach: str
    outputs: str
    phase: str
    amount: int
    state: str = "submitted"
    lead: int = 0
    partners: int = 1
    with_hackney: bool = False
    by_admin: bool = False
    reason: str = ""
    follows: str = ""


HOUSING_REPAIRS = ApplicationSpec(
    "Reporting a housing repair online",
    "Tenants can report a repair only by phone, and the contact centre retypes each report "
    "into the repairs system.",
    "Repairs make up 40% of calls to our contact centre, and one in five repairs needs a "
    "second visit because the first report was unclear.",
    "Tenants who want to report a repair at any time, with a photo, and to know when "
    "someone will come; contact centre staff who want fewer repeat calls.",
    "A discovery with tenants and repairs staff in both councils, to understand what goes "
    "wrong between the report and the visit.",
    "Research findings, a map of the repairs journey, and a recommendation for an alpha.",
    Phase.DISCOVERY,
    75_000,
    lead=HACKNEY,
)
PLANNING_DATA = ApplicationSpec(
    "Machine-readable planning applications",
    "Planning applications arrive as PDFs and scans, and officers retype them before they "
    "can be assessed.",
    "We measured 45 minutes of retyping for each householder application, across 6,000 "
    "applications a year.",
    "Applicants and agents who want to know their application is valid before they send "
    "it; officers who want to start assessing on the day it arrives.",
    "An alpha testing a data schema for planning applications, and a prototype service "
    "that checks an application as it is filled in.",
    "An open data schema, prototype code and our research with agents.",
    Phase.ALPHA,
    180_000,
    lead=0,
)
SHARED_BOOKING = ApplicationSpec(
    "A shared booking component for council services",
    "Each council service buys or builds its own booking tool, from bulky waste collections "
    "to registrar appointments.",
    "Between us we found 14 booking tools across 4 councils, none of which meets the "
    "accessibility regulations.",
    "Residents who want to book and change appointments online, and the services that "
    "take the bookings.",
    "A discovery of how councils take bookings today, and what a component that every "
    "service could use would need to do.",
    "Research findings, service patterns for booking, and an open backlog for an alpha.",
    Phase.DISCOVERY,
    80_000,
    lead=1,
)
FREE_SCHOOL_MEALS = ApplicationSpec(
    "Free school meals without a separate claim",
    "Families entitled to free school meals must apply separately, although we already "
    "hold the evidence for their housing benefit or council tax support.",
    "We estimate that one in six eligible children in our area is not registered for free "
    "school meals.",
    "Parents who want their children to get the meals they are entitled to without another "
    "form; schools that lose pupil premium funding when families do not claim.",
    "An alpha of a service that checks eligibility from records we hold, with the family's "
    "consent, and tells the school.",
    "Open source code, a data sharing agreement others can reuse, and our research.",
    Phase.ALPHA,
    250_000,
    lead=2,
    partners=2,
)
LAND_CHARGES = ApplicationSpec(
    "Local land charges searches in one place",
    "Conveyancers wait days for a local land charges search because the data is held in "
    "different formats by each council.",
    "Our average search takes 8 working days; conveyancers tell us it is the slowest part "
    "of buying a home.",
    "Conveyancers and home buyers who want a search back the same day, and the officers "
    "who answer them.",
    "An alpha of a shared way to publish land charges data that conveyancers can search.",
    "An open data standard, code for publishing the data, and guidance for other councils.",
    Phase.ALPHA,
    300_000,
    lead=HACKNEY,
    partners=2,
)
WASTE_DATA = ApplicationSpec(
    "A common data standard for waste collections",
    "Every council describes its bin collections differently, so no one can build a "
    "service that works across council boundaries.",
    "We found 9 different formats for collection days among 12 neighbouring councils.",
    "Residents who want to know when their bins are collected, and developers who build "
    "services for them.",
    "A discovery with waste teams and residents, leading to a draft data standard.",
    "A draft data standard, research findings and example data from each partner.",
    Phase.DISCOVERY,
    80_000,
    lead=3,
    partners=2,
)
FAMILY_CONTEXT = ApplicationSpec(
    "Family context for children's social workers",
    "Before a first visit, a children's social worker pieces together who is in a child's "
    "life from the records of several services, by hand, and still misses relatives that "
    "another service knows about.",
    "Our social workers told us they spend a quarter of their week looking up records, and "
    "in a review of 50 cases, 1 in 3 had a relative known to another service but not to "
    "the social worker.",
    "Children's social workers and their managers, who need to see quickly and safely who "
    "is around a child; and the families, who should not have to tell their story again.",
    "A discovery with social workers, data protection officers and families in each "
    "partner council, into what a social worker needs to know and what may lawfully be "
    "shared.",
    "Research findings, design patterns for showing a child's family network, and a data "
    "protection impact assessment others can adapt.",
    Phase.DISCOVERY,
    80_000,
    lead=1,
    partners=2,
)

HISTORIC_APPLICATIONS: dict[int, list[ApplicationSpec]] = {
    # Round 1 had an EOI stage: each of these starts as an EOI that staff invite.
    1: [HOUSING_REPAIRS, PLANNING_DATA, SHARED_BOOKING],
    2: [
        ApplicationSpec(
            "Reporting a housing repair online: alpha",
            HOUSING_REPAIRS.problem,
            "Our round 1 discovery with 40 tenants found that most wanted to report a "
            "repair with a photo, from their phone, without an account.",
            HOUSING_REPAIRS.users,
            "An alpha testing repair reporting with tenants in both councils, building on "
            "the round 1 discovery.",
            "Prototype code, research findings and an open repairs data model.",
            Phase.ALPHA,
            250_000,
            lead=HACKNEY,
            follows=HOUSING_REPAIRS.title,
        ),
        ApplicationSpec(
            "A digital planning application service",
            PLANNING_DATA.problem,
            "In our round 1 alpha, agents found 70% fewer errors when the service checked "
            "their application as they went.",
            PLANNING_DATA.users,
            "A beta of the planning application service with two councils' live cases.",
            "Open source code, the data schema at version 1, and guidance for adopting it.",
            Phase.BETA,
            340_000,
            lead=0,
            follows=PLANNING_DATA.title,
        ),
    ],
    3: [
        FREE_SCHOOL_MEALS,
        LAND_CHARGES,
        WASTE_DATA,
        FAMILY_CONTEXT,
        ApplicationSpec(
            "Cloud telephony for council contact centres",
            "Our contact centre telephony is out of support next year.",
            "Three of our partners face the same end of support.",
            "Residents who phone us, and the staff who answer.",
            "A joint procurement of cloud telephony.",
            "A procurement pack.",
            Phase.BETA,
            200_000,
            state="withdrawn",
            lead=0,
            partners=2,
            reason="We have found a framework that meets the need without a new project.",
        ),
        ApplicationSpec(
            "Reusable components for council websites",
            "Each council builds the same website components, such as a bin day finder, "
            "from scratch.",
            "",
            "",
            "",
            "",
            Phase.DISCOVERY,
            60_000,
            state="abandoned",
            lead=HACKNEY,
            partners=2,
        ),
    ],
    4: [
        ApplicationSpec(
            "Free school meals without a separate claim: beta",
            FREE_SCHOOL_MEALS.problem,
            "In alpha, families in 3 councils were registered in minutes rather than weeks.",
            FREE_SCHOOL_MEALS.users,
            "A beta with live cases in each partner council.",
            "Open source code and a data sharing agreement at version 1.",
            Phase.BETA,
            330_000,
            lead=2,
            partners=2,
            follows=FREE_SCHOOL_MEALS.title,
        ),
        ApplicationSpec(
            "Local land charges searches in one place: beta",
            LAND_CHARGES.problem,
            "In alpha, conveyancers got answers the same day for the test properties.",
            LAND_CHARGES.users,
            "A beta of the shared land charges search with live data from each partner.",
            "Open source code, the data standard at version 1, and an adoption guide.",
            Phase.BETA,
            340_000,
            lead=HACKNEY,
            partners=2,
            follows=LAND_CHARGES.title,
        ),
    ],
}

# Round 6 takes applications now: one in every state the applicant's side has.
OPEN_APPLICATIONS = [
    ApplicationSpec(
        "Joining the library online",
        "Residents must visit a library to join it.",
        "",
        "",
        "",
        "",
        Phase.DISCOVERY,
        40_000,
        state="withdrawn",
        lead=HACKNEY,
        by_admin=True,
        partners=2,
        reason="We will join a neighbouring council's bid as a partner instead.",
    ),
    ApplicationSpec(
        "A digital front door for adult social care",
        "People looking for care and support for themselves or a relative do not know where "
        "to start, and most first contacts end with a leaflet.",
        "Two thirds of first contacts with adult social care are about information and "
        "advice that people could have found themselves.",
        "Older people and their families, who want to understand what support there is and "
        "whether they can get it, before a crisis.",
        "A discovery with residents, carers and social workers in each partner council.",
        "Research findings, a map of the first contact journey, and content others can reuse.",
        Phase.DISCOVERY,
        80_000,
        state="partial",
        lead=HACKNEY,
        partners=2,
    ),
    ApplicationSpec(
        "Tenancy sign-up without the office visit",
        "New council tenants sign their tenancy in person, bringing documents, and wait days "
        "for the keys.",
        "Half of sign-up appointments are rearranged at least once; homes stand empty while "
        "we wait.",
        "New tenants, many moving from temporary accommodation, and the housing officers "
        "who let the homes.",
        "An alpha testing an online sign-up, with identity checks and a signature, with new "
        "tenants in each council.",
        "Prototype code, research findings and a tenancy sign-up pattern.",
        Phase.ALPHA,
        240_000,
        state="awaiting",
        lead=0,
        partners=1,
        with_hackney=True,
    ),
    ApplicationSpec(
        "Concessionary travel passes renewed online",
        "Older and disabled residents renew their bus passes on paper, with a photo posted "
        "to us, every five years.",
        "We renew 30,000 passes a year and return one in four forms for a missing photo or proof.",
        "Older and disabled residents who want to keep travelling without a gap, and the "
        "staff who check the forms.",
        "An alpha of an online renewal that reuses what we already know about the pass holder.",
        "Open source code, research findings and a renewal pattern for other passes.",
        Phase.ALPHA,
        210_000,
        state="ready",
        lead=HACKNEY,
        by_admin=True,
        partners=2,
    ),
    ApplicationSpec(
        "Special educational needs assessments that families can follow",
        "Families waiting for an education, health and care needs assessment cannot see "
        "where it has got to, and the 20 week limit is often missed.",
        "Fewer than half of our assessments finish within 20 weeks, and most complaints ask "
        "where the assessment has got to.",
        "Parents and carers of children with special educational needs, and the "
        "caseworkers and professionals who contribute to each assessment.",
        "A beta of a tracker that shows families each step of the assessment, and reminds "
        "professionals when their advice is due.",
        "Open source code, a data model for assessments and guidance for other councils.",
        Phase.BETA,
        340_000,
        state="submitted",
        lead=1,
        partners=1,
        with_hackney=True,
    ),
    ApplicationSpec(
        "A shared tool for planning enforcement complaints",
        "Complaints about building work without permission arrive by email with no "
        "location, and officers cannot tell which have been investigated.",
        "We receive 1,200 enforcement complaints a year and visit a third of sites twice.",
        "Residents who report a breach and want to know what happened, and the enforcement "
        "officers who investigate.",
        "A discovery with enforcement teams and complainants in each partner council.",
        "Research findings and a recommendation for an alpha.",
        Phase.DISCOVERY,
        70_000,
        state="submitted",
        lead=2,
        partners=2,
    ),
    ApplicationSpec(
        "Telling the council you have moved, once",
        "Residents who move tell council tax, electoral services, waste and parking "
        "separately, and each service asks for the same proof.",
        "A third of the calls to our council tax team are about moving home, and one in ten "
        "people who move are still registered to vote at their old address a year later.",
        "Residents moving into, out of or within the area, and the services that need to know.",
        "An alpha of one online form for moving home that tells each service what it needs, "
        "tested with residents in each partner council.",
        "Open source code, research findings and a pattern for telling several services at once.",
        Phase.ALPHA,
        220_000,
        state="submitted",
        lead=3,
        partners=2,
    ),
]

STAKEHOLDERS = [
    ("Jo Bennett", "Director of customer services"),
    ("Priya Shah", "Chief digital officer"),
    ("Mark Ellis", "Director of housing"),
    ("Ruth Okafor", "Director of resources"),
    ("David Lowe", "Assistant chief executive"),
]
BUDGET_SHARES = [
    ("User research and service design", Decimal("0.4")),
    ("Development and technical architecture", Decimal("0.45")),
    ("Delivery management, and sharing what we learn", None),
]
