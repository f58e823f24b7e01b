"""The demo's people: the made-up domain of their addresses, and each organisation's demo
member and admin, the same person in every part of the demo that needs one."""

from __future__ import annotations

from declaration import selectors as declaration_selectors
from declaration.models import MembershipRole, Organisation
from declaration.services import memberships
from localdigital.accounts import services as account_services
from localdigital.accounts.models import User

# Every demo address is under this domain, which cannot receive mail (``.test``).
DEMO_DOMAIN = "demo.localdigital.test"

# Each organisation's demo people, by role: the start of their address, and their name.
ORGANISATION_PEOPLE = {
    MembershipRole.MEMBER: ("digital.team", "Digital team"),
    MembershipRole.ADMIN: ("head.of.digital", "Head of digital"),
}


def organisation_person(organisation: Organisation, role: MembershipRole) -> User:
    """Return the organisation's demo member or admin (``role``), adding them if new."""
    local_part, full_name = ORGANISATION_PEOPLE[role]
    user = account_services.council_user_ensure(
        email=f"{local_part}@{organisation.slug}.{DEMO_DOMAIN}", full_name=full_name
    )
    if declaration_selectors.membership_get(user=user, organisation=organisation) is None:
        memberships.membership_add(organisation=organisation, user=user, role=role, added_by=None)
    return user
