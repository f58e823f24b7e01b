"""An organisation admin approves a request to join, then hands the admin role over, in a real
browser, with and without JavaScript; axe-core checks every page on the way."""

import pytest

from declaration.models import Membership, MembershipRole, SigningStatus
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.e2e.browser import REFLOW_WIDTH
from tests.e2e.journeys import signs_in_by_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("browser_page", ["ui", "ui_without_js"])
def test_admin_approves_a_request_and_hands_over_the_admin_role(browser_page, request):
    ui = request.getfixturevalue(browser_page)
    organisation = OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")
    admin = MembershipFactory(
        organisation=organisation,
        admin=True,
        user=UserFactory(email="ada@borsetshire.gov.uk", full_name="Ada Archer"),
    )
    MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="cy@borsetshire.gov.uk", full_name="Cy Carter"),
    )
    waiting = MembershipFactory(
        organisation=organisation,
        pending=True,
        user=UserFactory(email="bo@example.org", full_name="Bo Baker"),
    )

    ui.goto("/account/sign-in/")
    signs_in_by_email(ui, "ada@borsetshire.gov.uk")
    assert ui.path() == "/account/"
    assert ui.page.get_by_role("heading", name="Organisations you manage").is_visible()
    assert ui.page.get_by_text("1 request to join").is_visible()

    ui.follow(
        lambda: ui.page.get_by_role(
            "link", name="Manage members of Borsetshire County Council"
        ).click()
    )
    assert ui.path() == "/account/organisations/borsetshire/members/"
    ui.follow(lambda: ui.page.get_by_role("button", name="Approve Bo Baker").click())
    assert ui.page.get_by_text(
        "Bo Baker is now a member of Borsetshire County Council"
    ).is_visible()
    assert ui.page.get_by_text("Nobody is waiting to join").is_visible()
    waiting.refresh_from_db()
    assert waiting.is_approved

    ui.follow(lambda: ui.page.get_by_role("link", name="Hand over the admin role").click())
    ui.follow(lambda: ui.page.get_by_role("button", name="Make them organisation admin").click())
    assert ui.page.locator(".govuk-error-summary").is_visible()
    ui.page.get_by_label("Bo Baker").check()
    ui.page.get_by_label("No, become a member").check()
    ui.follow(lambda: ui.page.get_by_role("button", name="Make them organisation admin").click())

    assert ui.path() == "/account/"
    assert ui.page.get_by_text(
        "Bo Baker is now an organisation admin for Borsetshire County Council"
    ).is_visible()
    assert not ui.page.get_by_role("heading", name="Organisations you manage").is_visible()
    roles = dict(
        Membership.objects.filter(organisation=organisation).values_list("user__email", "role")
    )
    assert roles == {
        "ada@borsetshire.gov.uk": MembershipRole.MEMBER,
        "bo@example.org": MembershipRole.ADMIN,
        "cy@borsetshire.gov.uk": MembershipRole.MEMBER,
    }
    admin.refresh_from_db()
    assert not admin.is_admin


def test_admin_removes_a_member_and_withdraws_from_the_declaration(ui):
    """The other pages: removing a member, and the warning page and confirmation of leaving."""
    organisation = OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")
    MembershipFactory(
        organisation=organisation,
        admin=True,
        user=UserFactory(email="ada@borsetshire.gov.uk", full_name="Ada Archer"),
    )
    member = MembershipFactory(organisation=organisation, user__full_name="Cy Carter")
    signing = SigningFactory(organisation=organisation)

    ui.goto("/account/sign-in/")
    signs_in_by_email(ui, "ada@borsetshire.gov.uk")
    ui.goto("/account/organisations/borsetshire/members/")

    ui.follow(lambda: ui.page.get_by_role("link", name="Remove Cy Carter").click())
    assert ui.page.get_by_role(
        "heading", name="Are you sure you want to remove Cy Carter?"
    ).is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Remove Cy Carter").click())
    assert ui.page.get_by_text("Cy Carter has been removed").is_visible()
    assert not Membership.objects.filter(pk=member.pk).exists()

    ui.follow(
        lambda: ui.page.get_by_role(
            "link", name="Withdraw Borsetshire County Council from the Declaration"
        ).click()
    )
    ui.follow(lambda: ui.page.get_by_role("button", name="Withdraw from the Declaration").click())
    assert ui.page.locator(".govuk-error-summary").is_visible()
    ui.page.get_by_label("Why is your organisation withdrawing").fill(
        "We are merging with Felpersham."
    )
    ui.follow(lambda: ui.page.get_by_role("button", name="Withdraw from the Declaration").click())
    assert ui.path() == "/account/organisations/borsetshire/withdraw/confirmation/"
    assert ui.page.get_by_role(
        "heading", name="Borsetshire County Council has withdrawn from the Declaration"
    ).is_visible()
    assert ui.page.get_by_text(signing.reference).is_visible()
    signing.refresh_from_db()
    assert signing.status == SigningStatus.WITHDRAWN


@pytest.mark.parametrize("browser_page", ["phone_ui", "phone_ui_without_js"])
def test_the_members_page_fits_a_320_pixel_screen_with_long_addresses(browser_page, request):
    """Addresses as long as real ones break rather than push the page sideways (WCAG 1.4.10)."""
    ui = request.getfixturevalue(browser_page)
    organisation = OrganisationFactory(name="Borsetshire County Council", slug="borsetshire")
    MembershipFactory(
        organisation=organisation,
        admin=True,
        user=UserFactory(email="ada@borsetshire.gov.uk", full_name="Ada Archer"),
    )
    MembershipFactory(
        organisation=organisation,
        user=UserFactory(email="digital.transformation.team@borsetshire-county-council.gov.uk"),
    )
    MembershipFactory(
        organisation=organisation,
        pending=True,
        user=UserFactory(
            email="head.of.customer.experience@borsetshire-county-council.gov.uk",
            full_name="Bo Baker",
        ),
    )

    ui.goto("/account/sign-in/")
    signs_in_by_email(ui, "ada@borsetshire.gov.uk")
    ui.goto("/account/organisations/borsetshire/members/")

    assert ui.page.get_by_text("head.of.customer.experience@").is_visible()
    width = ui.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= REFLOW_WIDTH, f"{width}px wide"
    # The request's two buttons are stacked with space between them, not touching.
    approve = ui.page.get_by_role("button", name="Approve Bo Baker").bounding_box()
    refuse = ui.page.get_by_role("button", name="Refuse Bo Baker").bounding_box()
    assert refuse["y"] >= approve["y"] + approve["height"] + 10
