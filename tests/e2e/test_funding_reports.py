"""A funded project's progress report in real browsers, with JavaScript on and off: the lead
organisation's officer opens the project's reports from their account, answers each section
(the error summary and the messages beside the answers on the way), adds a second risk,
checks and submits; a fund manager, signed in to the admin with two factors, returns it with
a comment, which the officer reads with the version they sent; the officer changes it and
submits it again; the fund manager accepts it and records its instalment paid ("Mark
paid"), which the team then sees; and an anonymous visitor finds its link among the
project's outputs. A partner reads the report without changing it, and the lead asks to
move the end date. axe checks every page."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from funding import formats
from funding.models import ChangeRequest, Instalment, ProgressReport, ReportStatus
from funding.services.awards import instalment_mark_paid
from funding.services.report_review import report_accept, report_return
from funding.services.reports import report_submit
from localdigital.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, MembershipFactory
from tests.e2e.browser import REFLOW_WIDTH, CheckedPage, Chromium, open_checked_page
from tests.e2e.journeys import (
    OFFICER,
    STAFF_EMAIL,
    message,
    officer_signs_in,
    signs_in_by_email,
    signs_in_to_the_admin,
)
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    InstalmentFactory,
    SignatoryFactory,
)
from tests.funding.factories_reporting import (
    ChangeRequestFactory,
    ProgressReportFactory,
    ProjectMilestoneFactory,
    answer_every_section,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Joined-up missed bins"
PARTNER_EMAIL = "digital@borchester.gov.uk"


@pytest.fixture
def visitor(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """A browser of its own for an anonymous visitor to the public pages."""
    yield from open_checked_page(chromium, live_server, javascript=True)


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


def fund_returns(staff_ui: CheckedPage | None, report: ProgressReport, comment: str) -> None:
    """The fund manager returns the report with ``comment``: in the admin, or, where
    ``staff_ui`` is None, through the service the admin calls."""
    if staff_ui is None:
        report_return(report=report, comment=comment, returned_by=fund_manager())
        return
    staff_ui.goto(reverse("admin:funding_progressreport_change", args=[report.pk]))
    assert staff_ui.page.get_by_text("A partner council is late.").is_visible()
    click(staff_ui, "button", "Return with comments…")
    staff_ui.page.get_by_label("What must the team change?").fill(comment)
    click(staff_ui, "button", "Return the report")
    assert f"Returned Report 1 of {TITLE} with your comments." in message(staff_ui)


def fund_accepts_and_pays(staff_ui: CheckedPage | None, report: ProgressReport) -> None:
    """The fund manager accepts the report, which makes its instalment due, and records the
    instalment paid with the admin's "Mark paid" form (or through the same services)."""
    instalment = Instalment.objects.get(report=report)
    if staff_ui is None:
        manager = fund_manager()
        report_accept(report=report, accepted_by=manager)
        instalment_mark_paid(instalment=instalment, paid_by=manager)
        return
    staff_ui.goto(reverse("admin:funding_progressreport_change", args=[report.pk]))
    assert staff_ui.page.get_by_text("Missed bins prototype, tested in Borchester").is_visible()
    click(staff_ui, "button", "Accept the report")
    assert (
        f"Accepted Report 1 of {TITLE} (its instalment of £20,000 now due for payment)."
        in message(staff_ui)
    )
    staff_ui.goto(reverse("admin:funding_instalment_changelist"))
    click(staff_ui, "link", "Mark paid the instalment of £20,000")
    assert staff_ui.page.get_by_label("Amount paid (£)").input_value() == "20000.00"
    click(staff_ui, "button", "Record the payment")
    assert f"Recorded £20,000 paid on {formats.day(timezone.localdate())}" in message(staff_ui)


def fund_manager() -> User:
    return User.objects.get(email=STAFF_EMAIL)


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript on", "JavaScript off"])
def test_a_report_is_submitted_returned_resubmitted_accepted_and_paid(
    request, javascript, report, visitor
):
    """The whole journey. The team's pages run with JavaScript on and off; the fund
    manager's part runs in the admin once, signed in with two factors, and through the
    admin's services in the other run."""
    ui: CheckedPage = request.getfixturevalue("ui" if javascript else "ui_without_js")
    manager = UserFactory.create(email=STAFF_EMAIL, staff=True, groups=["Fund manager"])
    staff_ui: CheckedPage | None = None
    if javascript:
        staff_ui = request.getfixturevalue("staff_ui")
        signs_in_to_the_admin(
            staff_ui,
            STAFF_EMAIL,
            TOTPDevice.objects.create(user=manager, name="default", confirmed=True),
        )
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

    fund_returns(staff_ui, report, "Name the councils that tested it.")
    click(ui, "link", "See the report")
    assert ui.page.get_by_text("returned this report for changes").is_visible()
    assert ui.page.get_by_text("Name the councils that tested it.").first.is_visible()
    click(ui, "link", "Version 1")
    assert ui.page.get_by_text("A partner council is late.").is_visible()
    click(ui, "link", "Back", exact=True)
    click(ui, "link", "Published in the open")
    link = ui.page.get_by_role("group", name="Link 1")
    link.get_by_label("Title").fill("Missed bins prototype, tested in Borchester")
    save(ui)
    click(ui, "button", "Check and submit")
    click(ui, "button", "Submit the report")
    assert ui.page.get_by_role("heading", name="Report 1 submitted").is_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.RESUBMITTED
    assert report.versions.count() == 2

    fund_accepts_and_pays(staff_ui, report)
    click(ui, "link", "See all the project's reports")
    assert ui.page.get_by_text(f"Paid £20,000 on {formats.day(timezone.localdate())}").is_visible()

    visitor.goto(reverse("funding:project-detail", args=[report.award.slug]))
    output = visitor.page.get_by_role("link", name="Missed bins prototype, tested in Borchester")
    assert output.get_attribute("href") == "https://github.com/borsetshire/missed-bins"
    assert visitor.page.get_by_text("A partner council is late.").count() == 0


def test_a_partner_reads_the_report(ui, report):
    ui.goto("/account/sign-in/")
    signs_in_by_email(ui, PARTNER_EMAIL)

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
    new_end = ui.page.get_by_role("group", name="New end date")
    for part, value in (("Day", "31"), ("Month", "3"), ("Year", "2028")):
        new_end.get_by_label(part).fill(value)
    ui.page.get_by_label("Why is the change needed?").fill("A partner council joined late.")
    click(ui, "button", "Send the request")

    assert ui.page.get_by_text("Your change request has been sent.").is_visible()
    assert ui.page.get_by_text("End on Friday 31 March 2028").is_visible()
    assert ui.page.get_by_text("Waiting for a decision").is_visible()
    assert ChangeRequest.objects.get().new_end_on == datetime.date(2028, 3, 31)


@pytest.mark.parametrize("browser_page", ["phone_ui", "phone_ui_without_js"])
def test_the_teams_pages_fit_a_320_pixel_screen(request, browser_page, report):
    """The schedule with its payments, a report, and the changes asked for, with rows of
    every kind, fit a phone without scrolling sideways (WCAG 1.4.10)."""
    ui: CheckedPage = request.getfixturevalue(browser_page)
    ChangeRequestFactory.create(
        award=report.award,
        reason="Two partners must clean their land charges registers first.",
        requested_by=User.objects.get(email=OFFICER),
    )
    officer_signs_in(ui)
    slug = report.award.slug
    too_wide = []
    for path in (
        reverse("funding:project-reports", args=[slug]),
        reverse("funding:project-report", args=[slug, report.key]),
        reverse("funding:project-changes", args=[slug]),
    ):
        ui.goto(path)
        width = ui.page.evaluate("() => document.documentElement.scrollWidth")
        if width > REFLOW_WIDTH:
            too_wide.append(f"{path}: {width}px wide")
    assert not too_wide, f"wider than {REFLOW_WIDTH}px:\n" + "\n".join(too_wide)


def test_the_fund_managers_pages_fit_a_320_pixel_screen(phone_ui, report):
    """The Instalments list with a "Mark paid" link, the payment page, and a report whose
    version was submitted by someone with a long email address, fit a phone (WCAG 1.4.10)."""
    long_address = "olusegun.oluwaseunadebayo@digital.borsetshirecountycouncil.gov.uk"
    writer = MembershipFactory.create(
        organisation=report.award.application.lead_organisation,
        user=UserFactory.create(email=long_address, full_name=""),
    ).user
    answer_every_section(report, writer)
    report_submit(report=report, submitted_by=writer)
    manager = UserFactory.create(email=STAFF_EMAIL, staff=True, groups=["Fund manager"])
    report_return(report=report, comment="Name the councils.", returned_by=manager)
    report_submit(report=report, submitted_by=writer)
    report_accept(report=report, accepted_by=manager)
    instalment = Instalment.objects.get(report=report)
    signs_in_to_the_admin(
        phone_ui,
        STAFF_EMAIL,
        TOTPDevice.objects.create(user=manager, name="default", confirmed=True),
    )
    too_wide = []
    for path in (
        reverse("admin:funding_instalment_changelist") + "?payment=due",
        reverse("admin:funding_instalment_pay", args=[instalment.pk]),
        reverse("admin:funding_progressreport_change", args=[report.pk]),
    ):
        phone_ui.goto(path)
        width = phone_ui.page.evaluate("() => document.documentElement.scrollWidth")
        if width > REFLOW_WIDTH:
            too_wide.append(f"{path}: {width}px wide")
    assert phone_ui.page.get_by_text(f"by {long_address}: returned for changes").is_visible()
    assert not too_wide, f"wider than {REFLOW_WIDTH}px:\n" + "\n".join(too_wide)
