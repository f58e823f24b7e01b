"""Create the demo's organisations and people, and print how to sign in as each of them.

Running it again changes nothing and prints the same sign-ins.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from declaration import selectors as declaration_selectors
from declaration import services as declaration_services
from declaration.errors import RegisterFileError
from declaration.models import MembershipRole, Organisation, OrganisationType
from declaration.register import register_csv_read, register_entries_parse
from demo import funding as demo_funding
from demo import newsletter as demo_newsletter
from demo import signatories as demo_signatories
from demo import training as demo_training
from localdigital.accounts import groups
from localdigital.accounts import services as account_services
from localdigital.accounts.models import User

STAFF_DOMAIN = "demo.localdigital.test"
DEMO_COUNCIL_CODE = "HCK"
DEMO_COUNCIL_DOMAIN = "hackney.demo.localdigital.test"

# A few rows of mySociety's register of local authorities (Copyright (c) 2021 mySociety,
# MIT licence), for when LOCAL_AUTHORITIES_CSV does not point to the whole register. The
# values are the register's own, so importing the whole register later changes nothing.
BUILT_IN_REGISTER = """\
local-authority-code,official-name,nice-name,gss-code,end-date,replaced-by,nation,region,local-authority-type,county-la,combined-authority,alt-names
HCK,London Borough of Hackney,Hackney,E09000012,,,England,London,LBO,,GLA,"Hackney,hackney,hackney london boro,london borough of hackney"
GLA,Greater London Authority,Greater London,E61000001,,,England,London,SRA,,,"Greater London,greater london"
ADU,Adur District Council,Adur,E07000223,,,England,South East,NMD,WSX,,Adur
WOT,Worthing Borough Council,Worthing,E07000229,,,England,South East,NMD,WSX,,"Worthing,adur and worthing borough council"
WSX,West Sussex County Council,West Sussex,E10000032,,,England,South East,CTY,,,"West Sussex,west sussex,west sussex county,west sussex county council"
LDS,Leeds City Council,Leeds,E08000035,,,England,Yorkshire and The Humber,MD,,WYCA,"Leeds,leeds,leeds city council,leeds district"
WYCA,West Yorkshire Combined Authority,West Yorkshire,E47000003,,,England,Yorkshire and The Humber,COMB,,,West Yorkshire CA
SKP,Stockport Metropolitan Borough Council,Stockport,E08000007,,,England,North West,MD,,GMCA,"Stockport,stockport,stockport district,stockport metropolitan borough council"
GMCA,Greater Manchester Combined Authority,Greater Manchester,E47000001,,,England,North West,COMB,,,Greater Manchester CA
ESS,Essex County Council,Essex,E10000012,,,England,East of England,CTY,,,"Essex,essex,essex county,essex county council"
"""  # noqa: E501


@dataclass(frozen=True)
class OtherBody:
    slug: str
    name: str
    organisation_type: OrganisationType
    website: str


OTHER_BODIES = [
    OtherBody(
        "government-digital-service",
        "Government Digital Service",
        OrganisationType.CENTRAL_GOVERNMENT,
        "https://www.gov.uk/government/organisations/government-digital-service",
    ),
    OtherBody(
        "mhclg",
        "Ministry of Housing, Communities and Local Government",
        OrganisationType.CENTRAL_GOVERNMENT,
        "https://www.gov.uk/government/organisations/ministry-of-housing-communities-local-government",
    ),
    OtherBody(
        "local-government-association",
        "Local Government Association",
        OrganisationType.SECTOR_BODY,
        "https://www.local.gov.uk",
    ),
]


@dataclass(frozen=True)
class StaffMember:
    title: str
    email: str
    full_name: str
    group: str | None
    is_superuser: bool = False


STAFF = [
    StaffMember("Superuser", f"superuser@{STAFF_DOMAIN}", "Sam Superuser", None, True),
    StaffMember("Fund manager", f"fund.manager@{STAFF_DOMAIN}", "Fran Fund", groups.FUND_MANAGER),
    StaffMember("Assessor", f"assessor@{STAFF_DOMAIN}", "Asha Assessor", groups.ASSESSOR),
    # Each application has 2 assessors: the second is on the external panel.
    StaffMember("Panel assessor", f"panel.assessor@{STAFF_DOMAIN}", "Pat Panel", groups.ASSESSOR),
    StaffMember(
        "Training administrator",
        f"training.admin@{STAFF_DOMAIN}",
        "Tom Trainer",
        groups.TRAINING_ADMINISTRATOR,
    ),
    StaffMember("Communications", f"comms@{STAFF_DOMAIN}", "Cat Comms", groups.COMMUNICATIONS),
]


@dataclass(frozen=True)
class CouncilMember:
    title: str
    email: str
    full_name: str
    role: MembershipRole


COUNCIL_MEMBERS = [
    CouncilMember(
        "Council member",
        f"council.member@{DEMO_COUNCIL_DOMAIN}",
        "Chris Council",
        MembershipRole.MEMBER,
    ),
    CouncilMember(
        "Organisation admin",
        f"org.admin@{DEMO_COUNCIL_DOMAIN}",
        "Olu Orgadmin",
        MembershipRole.ADMIN,
    ),
]


class Command(BaseCommand):
    help = (
        "Create demo organisations, staff (with passwords and authenticator secrets), "
        "council users, signatories, newsletter subscribers and the Fund's rounds, bids, "
        "assessments, decisions and funded projects, and training courses with past and "
        "upcoming cohorts, then print how to sign in as each. "
        "Safe to run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Never do this on a live service.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo makes a superuser with a known password and prints every demo "
                "staff member's authenticator secret, so it runs only with DEBUG on "
                "(or --force, never on a live service)."
            )
        register_location = os.environ.get("LOCAL_AUTHORITIES_CSV", "").strip()
        with transaction.atomic():
            register_summary = self._seed_register(register_location)
            bodies_created = self._seed_other_bodies()
            council = declaration_selectors.organisation_get_by_register_code(
                register_code=DEMO_COUNCIL_CODE
            )
            if council is None:
                raise CommandError(
                    f"The register has no authority with the code {DEMO_COUNCIL_CODE}, "
                    "which the demo's council users belong to."
                )
            council = declaration_services.organisation_email_domain_add(
                organisation=council, domain=DEMO_COUNCIL_DOMAIN, added_by=None
            )
            staff = [(member, *self._seed_staff_member(member)) for member in STAFF]
            council_users = {
                member.role: self._seed_council_member(member, council=council)
                for member in COUNCIL_MEMBERS
            }
            users = {member.title: device.user for member, _password, device in staff}
            summaries = [
                *demo_signatories.seed(
                    superuser=users["Superuser"], council_admin=council_users[MembershipRole.ADMIN]
                ),
                *demo_newsletter.seed(communications=users["Communications"]),
                *demo_funding.seed(
                    fund_manager=users["Fund manager"],
                    assessors=[users["Assessor"], users["Panel assessor"]],
                    council_member=council_users[MembershipRole.MEMBER],
                    council_admin=council_users[MembershipRole.ADMIN],
                ),
                # After the Fund: its funded projects decide whose staff reserved places
                # are kept for.
                *demo_training.seed(training_admin=users["Training administrator"]),
            ]
        self.stdout.write(register_summary)
        self.stdout.write(f"Other public bodies: {bodies_created} created.")
        for summary in summaries:
            self.stdout.write(summary)
        self.stdout.write("")
        self.stdout.write(self._sign_ins(staff, council=council))

    def _seed_register(self, location: str) -> str:
        if location:
            try:
                entries = register_entries_parse(csv_text=register_csv_read(location=location))
            except RegisterFileError as error:
                raise CommandError(f"LOCAL_AUTHORITIES_CSV: {error}") from error
            source = f"the register at {location}"
        else:
            entries = register_entries_parse(csv_text=BUILT_IN_REGISTER)
            source = "the built-in list (set LOCAL_AUTHORITIES_CSV to load the whole register)"
        result = declaration_services.organisations_import_register(
            entries=entries, source=location or "seed_demo"
        )
        return (
            f"Local authorities from {source}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.closed} closed."
        )

    def _seed_other_bodies(self) -> int:
        created = 0
        for body in OTHER_BODIES:
            if declaration_selectors.organisation_get_by_slug(slug=body.slug) is None:
                declaration_services.organisation_create(
                    name=body.name,
                    slug=body.slug,
                    organisation_type=body.organisation_type,
                    website=body.website,
                )
                created += 1
        return created

    def _seed_staff_member(self, member: StaffMember) -> tuple[str, TOTPDevice]:
        password = demo_password(member.email)
        validate_password(password)
        _, device = account_services.staff_user_ensure(
            email=member.email,
            full_name=member.full_name,
            password=password,
            is_superuser=member.is_superuser,
            group=member.group,
        )
        return password, device

    def _seed_council_member(self, member: CouncilMember, *, council: Organisation) -> User:
        user = account_services.council_user_ensure(email=member.email, full_name=member.full_name)
        membership = declaration_selectors.membership_get(user=user, organisation=council)
        if membership is None:
            declaration_services.membership_add(
                organisation=council, user=user, role=member.role, added_by=None
            )
            return user
        if not membership.is_approved:
            membership = declaration_services.membership_approve(
                membership=membership, approved_by=None
            )
        declaration_services.membership_role_set(
            membership=membership, role=member.role, changed_by=None
        )
        return user

    def _sign_ins(
        self, staff: list[tuple[StaffMember, str, TOTPDevice]], *, council: Organisation
    ) -> str:
        base_url = settings.SITE_URL
        lines = [
            "Demo sign-ins",
            "=============",
            "",
            f"Staff sign in at {base_url}{reverse('admin:index')} with their email address,",
            "password and a code from an authenticator app: add the TOTP secret, or scan the",
            "otpauth:// URI as a QR code. Without an app, print the current code with",
            "  .venv/bin/python manage.py totp_code EMAIL",
            "(it works only with DEBUG on).",
        ]
        for member, password, device in staff:
            lines += [
                "",
                member.title,
                f"  Email:       {member.email}",
                f"  Password:    {password}",
                f"  TOTP secret: {base64.b32encode(device.bin_key).decode()}",
                f"  TOTP URI:    {device.config_url}",
            ]
        lines += [
            "",
            f"Council users have no password. Request a sign-in link at "
            f"{base_url}{reverse('accounts:sign-in')}:",
            "the Celery worker's console email backend prints it in the `make run` terminal.",
        ]
        for council_member in COUNCIL_MEMBERS:
            lines += [
                "",
                f"{council_member.title}, {council.name}",
                f"  Email: {council_member.email}",
            ]
        return "\n".join(lines)


def demo_password(email: str) -> str:
    """Return the demo password for ``email``: the same on every run, and per installation.

    It is derived from SECRET_KEY, so it is never written down in the code, and running
    the command again prints a password that still works.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"seed_demo:{email}".encode(), hashlib.sha256
    ).digest()
    letters = base64.b32encode(digest).decode().lower()[:16]
    return "demo-" + "-".join(letters[i : i + 4] for i in range(0, 16, 4))
