"""Access to the organisation admin's pages, for an organisation nobody in the roles manages.

The roles' "organisation admin" administers an organisation of their own, not this one, so
every signed-in role is refused (403), as are members, staff and people with no organisation;
anyone not signed in is sent to sign in (302).
``tests/declaration/views/test_organisation_admin_access.py`` checks that this organisation's own
admin gets every page.
"""

from __future__ import annotations

from declaration.models import Membership
from tests.access.roles import signed_in
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory

SLUG = "access-table-borsetshire"
# Fixed ids, far above any a test makes, so that the table's URLs can name them.
ADMIN_PK = 990_001
MEMBER_PK = 990_002
REQUEST_PK = 990_003

REFUSED = signed_in(403)

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "declaration:organisation-members": ({"slug": SLUG}, REFUSED),
    # Approving and refusing are buttons (POST); even the organisation's admin gets 405 on GET.
    "declaration:organisation-member-approve": ({"slug": SLUG, "pk": REQUEST_PK}, REFUSED),
    "declaration:organisation-member-refuse": ({"slug": SLUG, "pk": REQUEST_PK}, REFUSED),
    "declaration:organisation-member-remove": ({"slug": SLUG, "pk": MEMBER_PK}, REFUSED),
    "declaration:organisation-hand-over": ({"slug": SLUG}, REFUSED),
    "declaration:organisation-withdraw": ({"slug": SLUG}, REFUSED),
    "declaration:organisation-withdrawn": ({"slug": SLUG}, REFUSED),
}


def setup() -> Membership:
    """Create the organisation the URLs name: its admin, a member, a request to join, a
    published signing and an earlier withdrawn one. Return the admin's membership."""
    organisation = OrganisationFactory.create(slug=SLUG, name="Access Table District Council")
    admin = MembershipFactory.create(
        pk=ADMIN_PK, organisation=organisation, admin=True, user=UserFactory.create()
    )
    MembershipFactory.create(pk=MEMBER_PK, organisation=organisation)
    MembershipFactory.create(pk=REQUEST_PK, organisation=organisation, pending=True)
    SigningFactory.create(organisation=organisation, withdrawn=True)
    SigningFactory.create(organisation=organisation)
    return admin
