"""Demo signatories: the co-publishers, a few dozen published signatories with their projects
and updates, and signings waiting for staff with each moderation flag.

Everything goes through the declaration app's services, and running it again adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from declaration import selectors as declaration_selectors
from declaration.models import (
    MembershipRole,
    Organisation,
    OrganisationType,
    Principle,
    Signing,
    SigningStatus,
)
from declaration.selectors import signing as signing_selectors
from declaration.services import moderation, signing_import, updates
from declaration.services import signing as signing_services
from localdigital.accounts import services as account_services
from localdigital.accounts.models import User

from .people import DEMO_DOMAIN, organisation_person

LAUNCH = datetime.date(2018, 7, 4)
# The co-publishers DESIGN.md names; the demo's other organisations sign later.
CO_PUBLISHER_SLUGS = ["government-digital-service", "mhclg"]
# Councils that sign in the demo, when the register has them (the built-in list has a few).
SIGNATORY_CODES = [
    "ADU", "WOT", "LDS", "SKP", "WSX", "BIR", "MAN", "BRD", "CAM", "CMD", "ISL", "SWK",
    "LBH", "GRE", "NGM", "DER", "BST", "PLY", "NET", "SHF", "LIV", "SLF", "TRF", "OLD",
    "KEN", "SRY", "HAM", "DOR", "CON", "NFK", "SFK", "LCE", "LIN", "CHE", "YOR", "BAS",
]  # fmt: skip
PROJECTS = [
    "A shared booking component for council services",
    "Moving our case management to open standards",
    "Redesigning council tax support around residents",
    "A reusable form builder for planning enquiries",
    "Open data on school transport routes",
    "Replacing our legacy housing repairs system",
]
UPDATES = [
    (
        "Discovery finished",
        "We interviewed 24 residents about the service. Most wanted to do it on their phones, "
        "without creating an account.",
    ),
    (
        "Alpha: a shared component",
        "Our alpha is live for one service. The code and our research notes are open for "
        "other councils to reuse.",
    ),
]
# The council whose demo users run its signing (see seed_demo's council users).
DEMO_COUNCIL_CODE = "HCK"


@dataclass(frozen=True)
class PendingSigning:
    """A signing waiting for staff, made to show one of the moderation flags."""

    flag: str
    signer_email: str
    register_code: str = ""
    proposed_name: str = ""
    proposed_type: str = ""


PENDING = [
    PendingSigning(
        "email domain does not match",
        f"chris.consultant@consultancy.{DEMO_DOMAIN}",
        register_code="ESS",
    ),
    PendingSigning(
        "organisation not in the register",
        f"chief.fire.officer@borsetshire-fire.{DEMO_DOMAIN}",
        proposed_name="Borsetshire Fire and Rescue Service",
        proposed_type=OrganisationType.FIRE_AND_RESCUE,
    ),
    PendingSigning(
        "possible duplicate name",
        f"web.team@leeds-digital.{DEMO_DOMAIN}",
        proposed_name="Leeds Council",
        proposed_type=OrganisationType.OTHER,
    ),
]


def seed(*, superuser: User, council_admin: User) -> list[str]:
    """Create the demo's signatories and pending signings; return what was done, as lines."""
    imported = _import_published()
    hackney = _sign_demo_council(signer=council_admin, published_by=superuser)
    posted = _post_updates(council_admin=council_admin)
    pending = [_submit_pending(pending) for pending in PENDING]
    published = Signing.objects.filter(status=SigningStatus.PUBLISHED).count()
    return [
        f"Signatories: {published} published ({imported} imported now"
        + (", and the demo council's own signing" if hackney else "")
        + f"); {posted} project updates posted now.",
        f"Signings waiting for staff: {sum(pending)} made now, one for each flag "
        "(email domain does not match, organisation not in the register, possible "
        "duplicate name).",
    ]


def _import_published() -> int:
    """Import the co-publishers and the demo's published signatories, by register code."""
    rows: list[signing_import.SigningImportRow] = []
    for slug in CO_PUBLISHER_SLUGS:
        organisation = declaration_selectors.organisation_get_by_slug(slug=slug)
        if organisation is not None and not _has_live_signing(organisation):
            rows.append(_row(len(rows), organisation.name, LAUNCH, co_publisher=True))
    codes = [code for code in SIGNATORY_CODES if code != DEMO_COUNCIL_CODE]
    for number, code in enumerate(codes):
        organisation = declaration_selectors.organisation_get_by_register_code(register_code=code)
        if organisation is None or not organisation.is_active or _has_live_signing(organisation):
            continue
        signed_on = LAUNCH + datetime.timedelta(days=40 + number * 61)
        rows.append(_row(len(rows), code, signed_on, co_publisher=False))
    if not rows:
        return 0
    result = signing_import.signings_import(
        rows=rows, imported_by=None, dry_run=False, source="seed_demo"
    )
    if not result.imported:
        problems = "; ".join(line.error for line in result.lines if not line.is_valid)
        raise ValueError(f"The demo's signatories could not be imported: {problems}")
    return len(rows)


def _row(
    index: int, organisation: str, signed_on: datetime.date, *, co_publisher: bool
) -> signing_import.SigningImportRow:
    return signing_import.SigningImportRow(
        line=index + 2,
        organisation=organisation,
        signed_on=signed_on.isoformat(),
        co_publisher="yes" if co_publisher else "no",
        project_title=PROJECTS[index % len(PROJECTS)],
    )


def _has_live_signing(organisation: Organisation) -> bool:
    return signing_selectors.signing_live_get(organisation=organisation) is not None


def _sign_demo_council(*, signer: User, published_by: User) -> bool:
    """Sign the demo council's Declaration as its admin would, and publish it as staff."""
    council = declaration_selectors.organisation_get_by_register_code(
        register_code=DEMO_COUNCIL_CODE
    )
    if council is None or _has_live_signing(council):
        return False
    signing = signing_services.signing_start(signer=signer, organisation=council)
    signing_services.signing_answers_save(
        signing=signing,
        saved_by=signer,
        answers={
            "signer_role": "Head of digital and data",
            "senior_leader_name": "Tim Shields",
            "senior_leader_job_title": "Chief executive",
            "elected_member_name": "Philip Glanville",
            "elected_member_role": "Mayor",
            "digital_lead_name": "Olu Orgadmin",
            "digital_lead_job_title": "Head of digital and data",
            "digital_lead_email": signer.email,
            "project_title": "Open, reusable services for residents",
            "project_description": (
                "We will rebuild our most used online services on shared, open components, "
                "test them with residents as we go, and publish what we make for other "
                "councils to reuse."
            ),
            "project_principles": [Principle.SERVICES, Principle.PLUMBING, Principle.OPEN],
        },
    )
    signing = signing_services.signing_submit(signing=signing, submitted_by=signer)
    moderation.signing_publish(signing=signing, published_by=published_by)
    return True


def _post_updates(*, council_admin: User) -> int:
    """Post updates on some signatories' projects, as a member of each, once."""
    posted = 0
    council = declaration_selectors.organisation_get_by_register_code(
        register_code=DEMO_COUNCIL_CODE
    )
    authors: list[tuple[Organisation, User]] = [(council, council_admin)] if council else []
    for code in SIGNATORY_CODES[:6]:
        organisation = declaration_selectors.organisation_get_by_register_code(register_code=code)
        if organisation is not None and organisation.is_active:
            authors.append((organisation, organisation_person(organisation, MembershipRole.MEMBER)))
    for organisation, author in authors:
        signing = signing_selectors.signing_live_get(organisation=organisation)
        if signing is None or signing.status != SigningStatus.PUBLISHED:
            continue
        if signing.updates.exists():
            continue
        for title, body in UPDATES:
            updates.project_update_post(signing=signing, title=title, body=body, posted_by=author)
            posted += 1
    return posted


def _submit_pending(pending: PendingSigning) -> int:
    """Submit one signing that staff will see with ``pending.flag``; 0 if it exists already."""
    signer = account_services.council_user_ensure(
        email=pending.signer_email, full_name=pending.signer_email.split("@")[0].title()
    )
    if Signing.objects.filter(signer=signer).exists():
        return 0
    if pending.register_code:
        organisation = declaration_selectors.organisation_get_by_register_code(
            register_code=pending.register_code
        )
        if organisation is None or _has_live_signing(organisation):
            return 0
        signing = signing_services.signing_start(signer=signer, organisation=organisation)
    else:
        signing = signing_services.signing_start_unlisted(
            signer=signer,
            name=pending.proposed_name,
            organisation_type=pending.proposed_type,
            website="https://www.example.gov.uk",
            region="Yorkshire and The Humber",
        )
    signing_services.signing_answers_save(
        signing=signing,
        saved_by=signer,
        answers={
            "signer_role": "Digital transformation manager",
            "senior_leader_name": "Sam Senior",
            "senior_leader_job_title": "Chief executive",
            "digital_lead_name": "Dee Digital",
            "digital_lead_job_title": "Head of IT",
            "digital_lead_email": pending.signer_email,
            "project_title": "Digital front door for residents",
            "project_description": "One place for residents to start any request online.",
            "project_principles": [Principle.SERVICES],
        },
    )
    signing_services.signing_submit(signing=signing, submitted_by=signer)
    return 1
