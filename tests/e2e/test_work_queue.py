"""A fund manager's day starts on the admin's home page: they sign in with their password
and authenticator app, see what is waiting for them, follow a count to the list of exactly
those expressions of interest, and open the overview of the round.

The harness checks every page with axe-core; the work queue and the round overview are also
asserted here, where they are shown, to pass WCAG 2.2 AA with no violations."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import UserFactory
from tests.declaration.factories import SigningFactory
from tests.e2e.browser import CheckedPage
from tests.e2e.journeys import STAFF_EMAIL, signs_in_to_the_admin
from tests.funding.factories import EoiClusterFactory, EoiFactory, RoundFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def assert_accessible(ui: CheckedPage) -> None:
    """Check the page shown with axe-core (WCAG 2.2 A and AA), and fail on any violation."""
    ui.check()
    problems = [str(violation) for violation in ui.violations if violation.url == ui.path()]
    assert not problems, "\n".join(problems)


def test_a_fund_manager_follows_the_work_queue_to_the_list_and_the_round_overview(ui):
    round = RoundFactory.create(name="Round 8", eoi_closed=True)
    unsorted = EoiFactory.create_batch(2, round=round, submitted=True)
    EoiFactory.create(
        round=round, submitted=True, cluster=EoiClusterFactory.create(round=round, name="Bins")
    )
    EoiFactory.create(round=round)
    SigningFactory.create(submitted=True)
    staff = UserFactory.create(email=STAFF_EMAIL, staff=True, groups=["Fund manager"])
    page = ui.page

    signs_in_to_the_admin(
        ui, STAFF_EMAIL, TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    )

    # What is waiting, on the home page.
    queue = page.locator("#work-queue")
    assert queue.get_by_role("heading", name="Waiting for you").is_visible()
    assert queue.get_by_role("heading", name="Fund managers").is_visible()
    assert queue.get_by_role("link", name="1 signing to check").is_visible()
    assert_accessible(ui)

    # A count leads to the list of exactly those.
    ui.follow(
        lambda: queue.get_by_role(
            "link", name="2 expressions of interest to sort into clusters"
        ).click()
    )
    assert ui.path().startswith("/admin/funding/expressionofinterest/?")
    listed = page.locator("#result_list tbody tr")
    assert listed.count() == 2
    for eoi in unsorted:
        assert page.locator("#result_list").get_by_text(eoi.reference).is_visible()

    # Back on the home page, the overview of the round under way.
    ui.goto("/admin/")
    ui.follow(lambda: queue.get_by_role("link", name="Overview of Round 8").click())
    assert page.get_by_role("heading", name="Round 8: overview").is_visible()
    eois = page.get_by_role("table", name="Expressions of interest")
    submitted = eois.locator("tr", has=page.get_by_role("link", name="Submitted", exact=False))
    assert submitted.first.locator("td").inner_text() == "3"
    assert page.get_by_text(
        "Submitted expressions of interest not yet in a cluster: 2"
    ).is_visible()
    assert (
        page.get_by_role("table", name="Dates and status (UK time)")
        .get_by_text("Expressions of interest closed", exact=True)
        .is_visible()
    )
    assert_accessible(ui)

    # And from the overview, the round's expressions of interest, every status.
    ui.follow(lambda: page.get_by_role("link", name="Expressions of interest in Round 8").click())
    assert page.locator("#result_list tbody tr").count() == 4
