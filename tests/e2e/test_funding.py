"""A bid to the Local Digital Fund from start to finish, in real browsers: a council officer
writes an expression of interest with partners and submits it; a fund manager clusters it
and invites it in the admin; the officer completes every section of the application; the
partners' contacts confirm from their emails; the officer submits, and the confirmation is
in the outbox. axe checks every public and account page on the way."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from funding.models import Application, ApplicationStatus, EoiStatus, ExpressionOfInterest
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, MembershipFactory
from tests.e2e.journeys import (
    OFFICER,
    STAFF_EMAIL,
    completed,
    link_in_last_email,
    officer_signs_in,
    save,
    signs_in_to_the_admin,
)
from tests.funding.factories import RoundFactory, SignatoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARTNERS = {
    "Borchester City Council": "digital@borchester.gov.uk",
    "Felpersham District Council": "digital@felpersham.gov.uk",
}


@pytest.fixture
def bidders() -> None:
    """Three signatories, the officer a member of the first, and a round taking EOIs."""
    DeclarationVersionFactory(number=1)
    lead = SignatoryFactory(name="Borsetshire County Council", slug="borsetshire")
    for name in PARTNERS:
        SignatoryFactory(name=name, slug=name.split()[0].lower())
    MembershipFactory(organisation=lead, user=UserFactory(email=OFFICER, full_name="Olu Officer"))
    RoundFactory(name="Round 5", slug="round-5", number=5, eoi_open=True, min_participants=3)


def write_and_submit_the_eoi(ui) -> ExpressionOfInterest:
    ui.goto("/funding/rounds/round-5/")
    ui.follow(lambda: ui.page.get_by_role("button", name="Send an expression of interest").click())
    ui.follow(lambda: ui.page.get_by_role("button", name="Start").click())
    ui.page.get_by_label("Title").fill("Joined-up missed bin reports")
    ui.page.get_by_label("The problem, and who has it").fill(
        "Residents phone us when bins are missed, and crews cannot see the reports."
    )
    ui.page.get_by_label("Discovery").check()
    ui.page.get_by_label("Estimated cost").fill("60,000")
    save(ui, "Save and continue")
    for name in PARTNERS:
        combobox = ui.page.get_by_role("combobox", name="Add a partner organisation")
        combobox.fill(name[:5])
        ui.page.get_by_role("option", name=name).click()
        save(ui, "Add partner")
        assert ui.page.get_by_text(f"{name} is now a partner.").is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    ui.follow(lambda: ui.page.get_by_role("button", name="Check and submit").click())
    save(ui, "Submit expression of interest")
    assert ui.page.get_by_role("heading", name="Expression of interest submitted").is_visible()
    eoi = ExpressionOfInterest.objects.get()
    assert eoi.status == EoiStatus.SUBMITTED
    assert ui.page.get_by_text(eoi.reference).is_visible()
    return eoi


def cluster_and_invite_in_the_admin(staff_ui, eoi: ExpressionOfInterest) -> None:
    staff = UserFactory(email=STAFF_EMAIL, staff=True, groups=["Fund manager"])
    signs_in_to_the_admin(
        staff_ui, STAFF_EMAIL, TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    )
    page = staff_ui.page
    staff_ui.goto("/admin/funding/expressionofinterest/")
    page.locator("tr", has_text=eoi.reference).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("add_to_cluster")
    staff_ui.follow(lambda: page.get_by_role("button", name="Go").click())
    page.get_by_label("A new cluster called").fill("Missed bins")
    staff_ui.follow(lambda: page.get_by_role("button", name="Add to the cluster").click())
    eoi.refresh_from_db()
    assert eoi.cluster is not None and eoi.cluster.name == "Missed bins"

    staff_ui.goto("/admin/funding/expressionofinterest/")
    page.locator("tr", has_text=eoi.reference).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("invite_selected")
    staff_ui.follow(lambda: page.get_by_role("button", name="Go").click())
    eoi.refresh_from_db()
    assert eoi.status == EoiStatus.INVITED


def complete_every_section(ui, application: Application) -> None:
    ui.goto("/account/")
    applications = ui.page.locator("table", has_text="Applications")
    ui.follow(lambda: applications.get_by_role("link", name="Joined-up missed bin reports").click())
    assert ui.path() == f"/funding/applications/{application.reference}/"

    def section(label: str) -> None:
        ui.follow(lambda: ui.page.get_by_role("link", name=label).click())

    section("The problem and the evidence for it")
    assert ui.page.get_by_label("Project title").input_value() == "Joined-up missed bin reports"
    ui.page.get_by_label("What is the evidence for it?").fill("42,000 calls a year, 2019.")
    completed(ui)
    save(ui)
    section("Users and their needs")
    ui.page.get_by_label("Who are the users, and what do they need?").fill("Residents.")
    completed(ui)
    save(ui)
    section("Approach and phase")
    ui.page.get_by_label("How will you approach the work?").fill("User research first.")
    completed(ui)
    save(ui)
    section("Outputs and reuse")
    ui.page.get_by_label("What will the project produce?").fill("Findings and a prototype.")
    ui.page.get_by_label("Open source code").check()
    ui.page.get_by_label("How will other councils reuse them?").fill("Published openly.")
    completed(ui)
    save(ui)
    section("The team and the partners' roles")
    ui.page.get_by_label("Who is in the team?").fill("A researcher and a developer.")
    for name in PARTNERS:
        ui.page.get_by_label(f"What will {name} do?").fill("Research with its residents.")
    completed(ui)
    save(ui)
    section("Budget")
    ui.page.get_by_label("How much are you asking for?").fill("60000")
    ui.page.get_by_label("Line 1: what it pays for").fill("User research, 60 days")
    ui.page.get_by_label("Line 1: amount").fill("60000")
    completed(ui)
    save(ui)
    section("Senior stakeholder")
    ui.page.get_by_label("Full name").fill("Sam Patel")
    ui.page.get_by_label("Job title").fill("Director of environment")
    ui.page.get_by_label("Email address").fill("sam.patel@borsetshire.gov.uk")
    completed(ui)
    save(ui)
    assert ui.page.locator(".govuk-task-list__status", has_text="Completed").count() == 7

    section("Partner organisations and their confirmation")
    for name, email in PARTNERS.items():
        ui.follow(lambda n=name: ui.page.get_by_role("link", name=f"Add a contact for {n}").click())
        ui.page.get_by_label("Contact's full name").fill(f"Contact at {name}")
        ui.page.get_by_label("Contact's email address").fill(email)
        save(ui, "Save contact")


def test_an_eoi_is_invited_and_its_application_completed_confirmed_and_submitted(
    ui, staff_ui, ui_without_js, bidders
):
    officer_signs_in(ui)
    eoi = write_and_submit_the_eoi(ui)

    cluster_and_invite_in_the_admin(staff_ui, eoi)
    application = Application.objects.get()
    assert application.partners.count() == 2

    # Time passes: the EOI stage closes and applications open.
    now = timezone.now()
    day = datetime.timedelta(days=1)
    application.round.__class__.objects.filter(pk=application.round_id).update(
        eoi_opens_at=now - 40 * day,
        eoi_closes_at=now - 20 * day,
        applications_open_at=now - day,
        applications_close_at=now + 20 * day,
    )
    complete_every_section(ui, application)

    # Each partner's contact confirms from their email, in a browser of their own (with
    # JavaScript off, as some council machines are), without an account.
    for name, email in PARTNERS.items():
        ui_without_js.goto(link_in_last_email(email, "/funding/partners/confirm/"))
        assert "token" not in ui_without_js.path()
        assert ui_without_js.page.get_by_text("Joined-up missed bin reports").first.is_visible()
        ui_without_js.follow(
            lambda n=name: ui_without_js.page.get_by_role(
                "button", name=f"Confirm {n}'s part"
            ).click()
        )
        assert ui_without_js.page.get_by_role(
            "heading", name=f"{name}'s part is confirmed"
        ).is_visible()

    ui.goto(f"/funding/applications/{application.reference}/check/")
    save(ui, "Submit application")
    assert ui.page.get_by_role("heading", name="Application submitted").is_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    confirmation = OutgoingEmail.objects.get(
        recipient=OFFICER, subject__startswith=f"Application {application.reference} submitted"
    )
    assert "42,000 calls a year, 2019." in confirmation.body_text
    assert "Sam Patel" in confirmation.body_text
