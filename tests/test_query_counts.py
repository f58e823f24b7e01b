"""List pages make the same number of queries whatever the number of rows.

Each list page is rendered at two sizes of data; the query counts must be equal. Later issues
add their list pages here.
"""

from __future__ import annotations

import factory
import pytest

from declaration.models import OrganisationType
from localdigital.audit.services import audit_record
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory
from tests.support.queries import assert_flat

# Each counts what rendering a page costs, so nothing is served from the page cache.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_public_pages")]


def test_home_page(client):
    types = factory.Iterator(OrganisationType.values)
    assert_flat(client, "/", lambda n: OrganisationFactory.create_batch(n, organisation_type=types))


def test_account_page(client):
    user = UserFactory()
    client.force_login(user)
    assert_flat(client, "/account/", lambda n: MembershipFactory.create_batch(n, user=user))


def audit_events(n: int) -> None:
    for membership in MembershipFactory.create_batch(n):
        audit_record(
            actor=membership.user,
            verb="declaration.membership.approved",
            target=membership,
            data={"role": membership.role},
        )


ADMIN_LISTS = {
    "/admin/accounts/user/": lambda n: UserFactory.create_batch(n),
    "/admin/declaration/organisation/": lambda n: OrganisationFactory.create_batch(n),
    "/admin/declaration/membership/": lambda n: MembershipFactory.create_batch(n),
    "/admin/mail/outgoingemail/": lambda n: OutgoingEmailFactory.create_batch(n),
    "/admin/mail/suppression/": lambda n: SuppressionFactory.create_batch(n),
    "/admin/audit/auditevent/": audit_events,
}


@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_admin_lists(path, otp_verified_superuser_client):
    """Staff lists in the admin stay flat too: no query per row."""
    assert_flat(otp_verified_superuser_client, path, ADMIN_LISTS[path])
