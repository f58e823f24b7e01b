"""Which requests to join an organisation wait for staff: those that no active admin of the
organisation can answer."""

from __future__ import annotations

import pytest

from declaration.models import Membership
from declaration.selectors import work_queue
from tests.declaration.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_staff_answer_the_requests_to_join_an_organisation_with_no_active_admin():
    nobody = MembershipFactory.create(pending=True)
    inactive = OrganisationFactory.create()
    MembershipFactory.create(organisation=inactive, admin=True, user__is_active=False)
    behind_inactive = MembershipFactory.create(organisation=inactive, pending=True)
    waiting_admin = OrganisationFactory.create()
    # An admin not yet approved answers nobody, and waits for staff too.
    pending_admin = MembershipFactory.create(organisation=waiting_admin, admin=True, pending=True)
    behind_pending_admin = MembershipFactory.create(organisation=waiting_admin, pending=True)
    answered_by_admin = OrganisationFactory.create()
    MembershipFactory.create(organisation=answered_by_admin, admin=True)
    MembershipFactory.create(organisation=answered_by_admin, pending=True)
    MembershipFactory.create()

    requests = work_queue.join_requests_for_staff(Membership.objects.all())

    assert set(requests) == {nobody, behind_inactive, pending_admin, behind_pending_admin}
