"""Who may use the organisation admin's pages: only that organisation's approved admins.

The access table (``tests/access/table_organisation_admin.py``) refuses every role there,
because none of them manages its organisation. Here its own admin gets every page, and a
member or admin of one organisation can neither see nor act on another's members or
requests to join, however the address is changed.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from declaration.models import Membership, MembershipRole
from localdigital.mail.models import OutgoingEmail
from tests.access import table_organisation_admin as table
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, SigningFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

GET_STATUS_FOR_ITS_ADMIN = {
    "declaration:organisation-members": 200,
    "declaration:organisation-member-remove": 200,
    "declaration:organisation-hand-over": 200,
    "declaration:organisation-withdraw": 200,
    "declaration:organisation-withdrawn": 200,
    # Buttons on the members page, not pages: they take only POST.
    "declaration:organisation-member-approve": 405,
    "declaration:organisation-member-refuse": 405,
}


def test_the_table_covers_every_page_checked_here():
    assert set(GET_STATUS_FOR_ITS_ADMIN) == set(table.URL_ACCESS)


def test_the_organisations_own_admin_gets_every_page():
    admin = table.setup()
    client = client_for(admin.user)
    wrong = []
    for name, (kwargs, _) in table.URL_ACCESS.items():
        status = client.get(reverse(name, kwargs=kwargs)).status_code
        if status != GET_STATUS_FOR_ITS_ADMIN[name]:
            wrong.append(f"{name}: expected {GET_STATUS_FOR_ITS_ADMIN[name]}, got {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "who", ["member", "pending admin", "admin of another organisation", "staff", "nobody"]
)
def test_everyone_else_signed_in_is_refused_every_page_and_every_action(who):
    """403 for a GET or a POST to any of the pages, and nothing changes."""
    table.setup()
    user = {
        "member": lambda: Membership.objects.get(pk=table.MEMBER_PK).user,
        "pending admin": lambda: (
            MembershipFactory(
                organisation=Membership.objects.get(pk=table.ADMIN_PK).organisation,
                admin=True,
                pending=True,
            ).user
        ),
        "admin of another organisation": lambda: MembershipFactory(admin=True).user,
        "staff": lambda: UserFactory(staff=True, is_superuser=True),
        "nobody": lambda: UserFactory(),
    }[who]()
    client = client_for(user)
    before = sorted(Membership.objects.values_list("pk", "role", "approved_at"))
    wrong = []
    for name, (kwargs, _) in table.URL_ACCESS.items():
        path = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            data = {"member": table.MEMBER_PK, "stay_admin": "no", "reason": "Merging."}
            status = getattr(client, method)(path, data).status_code
            if status != 403:
                wrong.append(f"{method.upper()} {name}: expected 403, got {status}")
    assert not wrong, f"as {who}:\n" + "\n".join(wrong)
    assert sorted(Membership.objects.values_list("pk", "role", "approved_at")) == before
    assert not OutgoingEmail.objects.exists()


def test_anyone_not_signed_in_is_sent_to_sign_in():
    table.setup()
    path = reverse("declaration:organisation-members", kwargs={"slug": table.SLUG})

    response = Client().get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign-in')}?next={path}"


def test_a_slug_that_does_not_exist_is_refused_like_one_that_does():
    """No page tells a signed-in person which organisations exist or who manages them."""
    client = client_for(UserFactory())

    response = client.get(
        reverse("declaration:organisation-members", kwargs={"slug": "no-such-council"})
    )

    assert response.status_code == 403


class TestOneOrganisationCannotReachAnother:
    """Organisation A's admin, using A's addresses with B's ids, reaches nothing of B's."""

    @pytest.fixture
    def a_admin(self):
        return MembershipFactory(admin=True)

    @pytest.fixture
    def b(self):
        b_admin = MembershipFactory(admin=True, user__full_name="Bea Bentley")
        organisation = b_admin.organisation
        SigningFactory(organisation=organisation)
        return {
            "organisation": organisation,
            "admin": b_admin,
            "member": MembershipFactory(organisation=organisation, user__full_name="Bill Bray"),
            "request": MembershipFactory(
                organisation=organisation, pending=True, user__full_name="Bob Bird"
            ),
        }

    def a_url(self, a_admin, name: str, **kwargs: object) -> str:
        return reverse(
            f"declaration:organisation-{name}", kwargs={"slug": a_admin.organisation.slug, **kwargs}
        )

    def test_as_page_shows_none_of_bs_members_or_requests(self, a_admin, b):
        response = client_for(a_admin.user).get(self.a_url(a_admin, "members"))

        html = response.content.decode()
        for name in ("Bea Bentley", "Bill Bray", "Bob Bird"):
            assert name not in html

    def test_bs_pages_are_refused(self, a_admin, b):
        client = client_for(a_admin.user)
        slug = b["organisation"].slug
        for name in ("members", "hand-over", "withdraw"):
            path = reverse(f"declaration:organisation-{name}", kwargs={"slug": slug})
            assert client.get(path).status_code == 403, name

    @pytest.mark.parametrize("action", ["member-approve", "member-refuse"])
    def test_bs_request_cannot_be_approved_or_refused_through_as_address(self, a_admin, b, action):
        request = b["request"]

        response = client_for(a_admin.user).post(self.a_url(a_admin, action, pk=request.pk))

        assert response.status_code == 404
        assert Membership.objects.filter(pk=request.pk, approved_at__isnull=True).exists()
        assert not OutgoingEmail.objects.exists()

    def test_bs_member_cannot_be_removed_through_as_address(self, a_admin, b):
        client = client_for(a_admin.user)
        path = self.a_url(a_admin, "member-remove", pk=b["member"].pk)

        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
        assert Membership.objects.filter(pk=b["member"].pk).exists()

    def test_bs_member_cannot_be_made_as_admin_nor_bs_admin(self, a_admin, b):
        response = client_for(a_admin.user).post(
            self.a_url(a_admin, "hand-over"), {"member": b["member"].pk, "stay_admin": "no"}
        )

        assert response.status_code == 200
        assert "Select one of the members listed" in response.content.decode()
        b["member"].refresh_from_db()
        a_admin.refresh_from_db()
        assert b["member"].role == MembershipRole.MEMBER
        assert a_admin.role == MembershipRole.ADMIN
