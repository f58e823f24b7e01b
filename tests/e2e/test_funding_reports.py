"""A funded project's progress report in real browsers, with JavaScript on and off: the lead
organisation's officer opens the project's reports from their account, answers each section
(the error summary and the messages beside the answers on the way), adds a second risk,
checks and submits; the Fund returns it with a comment, which the officer reads with the
version they sent, and a partner reads the report without changing it. axe checks every
page.

The admin's review pages are checked by test_admin_accessibility."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import ChangeRequest, ProgressReport, ReportStatus
from funding.services.report_review import report_return
from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, MembershipFactory
from tests.e2e.conftest import CheckedPage
from tests.e2e.test_funding import OFFICER, link_in_last_email, officer_signs_in
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    InstalmentFactory,
    SignatoryFactory,
)
from tests.funding.factories_reporting import ProgressReportFactory, ProjectMilestoneFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Joined-up missed bins"
PARTNER_EMAIL = "digital@borchester.gov.uk"


@pytest.fixture
def report() -> ProgressReport:
    """An accepted project led by the officer's council, with a partner, a milestone, and
    its first report (an instalment of £20,000 tied to it), not yet written."""
    DeclarationVersionFactory.create(number=1)
    lead = SignatoryFactory.create(name="Borsetshire County Council", slug="borsetshire")
    officer = MembershipFactory.create(
        organisation=lead, user=UserFactory.create(email=OFFICER, full_name="Olu Officer")
    ).user
    award = AwardFactory.create(
        accepted=True,
        title=TITLE,
        slug="joined-up-missed-bins",
        application__lead_organisation=lead,
        application__created_by=officer,
    )
    partner = SignatoryFactory.create(name="Borchester City Council", slug="borchester")
    ApplicationPartnerFactory.create(
        application=award.application, organisation=partner, confirmed=True
    )
    MembershipFactory.create(organisation=partner, user=UserFactory.create(email=PARTNER_EMAIL))
    ProjectMilestoneFactory.create(award=award, title="Alpha assessed")
    report = ProgressReportFactory.create(award=award, number=1)
    InstalmentFactory.create(award=award, report=report, amount=Decimal(20000))
    return report


def click(ui: CheckedPage, role: str, name: str, *, exact: bool = False) -> None:
    ui.follow(lambda: ui.page.get_by_role(role, name=name, exact=exact).click())  # type: ignore[arg-type]


def save(ui: CheckedPage) -> None:
    click(ui, "button", "Save and return to the report")


def error_summary(ui: CheckedPage) -> str:
    return ui.page.locator(".govuk-error-summary").inner_text()


def write_the_report(ui: CheckedPage) -> None:
    page = ui.page
    click(ui, "link", "Progress against the milestones")
    save(ui)
    assert "Select where “Alpha assessed” stands" in error_summary(ui)
    page.get_by_label("Late", exact=True).check()
    save(ui)
    assert "Say why “Alpha assessed” is late" in error_summary(ui)
    page.get_by_label("Note on “Alpha assessed”").fill("The assessment moved to next month.")
    save(ui)
    assert page.get_by_text("“Progress against the milestones” has been saved.").is_visible()

    click(ui, "link", "Spend against the budget")
    page.get_by_label("Spent in this period").fill("12,000")
    page.get_by_label("Spent to date").fill("25000")
    save(ui)
    assert "The spend to date, £25,000, is more than the £0 paid so far" in page.inner_text("main")

    click(ui, "link", "Overall status")
    page.get_by_label("Amber: at risk").check()
    save(ui)
    assert "Say why the project is amber" in error_summary(ui)
    page.get_by_label("Why is the project amber or red?").fill("A partner council is late.")
    save(ui)

    click(ui, "link", "Risks and issues")
    page.get_by_label("What is the risk or issue?").fill("The supplier may not open its API.")
    page.get_by_label("What is being done about it?").fill("We meet it every fortnight.")
    click(ui, "button", "Add another risk")
    assert page.get_by_role("group", name="Risk or issue 2").is_visible()
    save(ui)

    click(ui, "link", "Published in the open")
    page.get_by_label("Title").fill("Missed bins prototype")
    page.get_by_label("Web address").fill("https://github.com/borsetshire/missed-bins")
    page.get_by_label("What kind of output is it?").select_option("code")
    save(ui)


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript on", "JavaScript off"])
def test_the_lead_writes_and_submits_a_report_the_fund_returns_it(request, javascript, report):
    ui: CheckedPage = request.getfixturevalue("ui" if javascript else "ui_without_js")
    officer_signs_in(ui)
    click(ui, "link", f"Progress reports and payments of {TITLE}")
    assert ui.page.get_by_text("Paid once Report 1 is accepted").is_visible()
    click(ui, "link", "Report 1")

    write_the_report(ui)
    click(ui, "button", "Check and submit")
    assert ui.page.get_by_text("Amber: at risk").is_visible()
    click(ui, "button", "Submit the report")
    assert ui.page.get_by_role("heading", name="Report 1 submitted").is_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    manager = UserFactory.create(staff=True, groups=["Fund manager"])
    report_return(report=report, comment="Name the councils that tested it.", returned_by=manager)
    click(ui, "link", "See the report")
    assert ui.page.get_by_text("Name the councils that tested it.").first.is_visible()
    click(ui, "link", "Version 1")
    assert ui.page.get_by_text("A partner council is late.").is_visible()


def test_a_partner_reads_the_report(ui, report):
    ui.goto("/account/sign-in/")
    ui.page.get_by_label("Email address").fill(PARTNER_EMAIL)
    ui.follow(lambda: ui.page.get_by_role("button", name="Send me a sign-in link").click())
    ui.goto(link_in_last_email(PARTNER_EMAIL, "/account/sign-in/link/"))
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())

    ui.goto(reverse("funding:project-report", args=[report.award.slug, "1"]))

    assert ui.page.get_by_text(
        "Members of Borsetshire County Council write and submit"
    ).is_visible()
    assert ui.page.get_by_role("button", name="Check and submit").count() == 0


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript on", "JavaScript off"])
def test_the_lead_asks_to_change_the_end_date(request, javascript, report):
    ui: CheckedPage = request.getfixturevalue("ui" if javascript else "ui_without_js")
    officer_signs_in(ui)
    click(ui, "link", f"Changes to the project {TITLE}")
    assert ui.page.get_by_text("No changes have been asked for.").is_visible()
    click(ui, "link", "Ask to change the end date")

    click(ui, "button", "Send the request")
    assert "Enter the new end date" in error_summary(ui)
    assert "Say why the change is needed" in error_summary(ui)
    ui.page.get_by_label("New end date").fill("31/3/2028")
    ui.page.get_by_label("Why is the change needed?").fill("A partner council joined late.")
    click(ui, "button", "Send the request")

    assert ui.page.get_by_text("Your change request has been sent.").is_visible()
    assert ui.page.get_by_text("End on Friday 31 March 2028").is_visible()
    assert ui.page.get_by_text("Waiting for a decision").is_visible()
    assert ChangeRequest.objects.get().new_end_on == datetime.date(2028, 3, 31)
