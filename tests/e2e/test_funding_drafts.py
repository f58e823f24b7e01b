"""A draft application stays honest, in a real browser: starting one leaves nothing behind
until its first answer is saved; an amount over its phase's cap is an error on the budget
page itself; after a partner is added, the task list no longer calls the team complete and
says what is left; and the draft is deleted from the account, after "Are you sure".
axe checks every page on the way."""

from __future__ import annotations

import pytest

from funding.models import Application
from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, MembershipFactory
from tests.e2e.journeys import OFFICER, completed, save, signs_in_by_email
from tests.funding.factories import RoundFactory, SignatoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARTNER = "Borchester City Council"


@pytest.fixture
def applicants() -> None:
    """Two signatories, the officer a member of the first, and a round taking applications
    with no EOI stage: discovery up to £80,000."""
    DeclarationVersionFactory(number=1)
    lead = SignatoryFactory(name="Borsetshire County Council", slug="borsetshire")
    SignatoryFactory(name=PARTNER, slug="borchester")
    MembershipFactory(organisation=lead, user=UserFactory(email=OFFICER, full_name="Olu Officer"))
    RoundFactory(name="Round 6", slug="round-6", number=6, min_participants=2)


def sign_in(ui) -> None:
    ui.goto("/account/sign-in/")
    signs_in_by_email(ui, OFFICER)
    assert ui.path() == "/account/"


def task_status(ui, label: str) -> str:
    task = ui.page.locator(".govuk-task-list__item", has_text=label)
    return task.locator(".govuk-task-list__status").inner_text().strip()


def section(ui, label: str) -> None:
    ui.follow(lambda: ui.page.get_by_role("link", name=label, exact=True).click())


def test_a_draft_stays_honest_and_can_be_deleted(ui, applicants):
    sign_in(ui)

    # Starting asks the first section; leaving it leaves no draft behind.
    ui.goto("/funding/rounds/round-6/")
    ui.follow(lambda: ui.page.get_by_role("button", name="Start an application").click())
    ui.follow(lambda: ui.page.get_by_role("button", name="Start application").click())
    assert ui.page.get_by_role("heading", name="The problem and the evidence for it").is_visible()
    ui.goto("/account/")
    assert not Application.objects.exists()
    assert ui.page.get_by_text("Untitled application").count() == 0

    ui.goto("/funding/rounds/round-6/apply/")
    ui.follow(lambda: ui.page.get_by_role("button", name="Start application").click())
    ui.page.get_by_label("Project title").fill("Joined-up missed bin reports")
    ui.page.get_by_label("No, I'll come back to it later").check()
    save(ui, "Save and go to the task list")
    application = Application.objects.get()
    assert ui.path() == f"/funding/applications/{application.reference}/"

    section(ui, "Approach and phase")
    ui.page.get_by_label("How will you approach the work?").fill("User research first.")
    ui.page.get_by_label("Discovery").check()
    completed(ui)
    save(ui)
    section(ui, "The team and the partners' roles")
    ui.page.get_by_label("Who is in the team?").fill("A researcher and a developer.")
    completed(ui)
    save(ui)
    assert task_status(ui, "The team and the partners' roles") == "Completed"

    # A £90,000 request for a discovery, capped at £80,000, is an error where it is typed.
    section(ui, "Budget")
    ui.page.get_by_label("How much are you asking for?").fill("90,000")
    ui.page.get_by_label("Line 1: what it pays for").fill("User research, 90 days")
    ui.page.get_by_label("Line 1: amount").fill("90000")
    completed(ui)
    save(ui)
    summary = ui.page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="£80,000 or less for a discovery project").is_visible()
    assert ui.page.get_by_label("How much are you asking for?").input_value() == "90,000"
    ui.page.get_by_label("How much are you asking for?").fill("60,000")
    ui.page.get_by_label("Line 1: amount").fill("60000")
    save(ui)
    assert task_status(ui, "Budget") == "Completed"

    # Adding a partner: the team is no longer complete, and the task list says why.
    section(ui, "Partner organisations and their confirmation")
    combobox = ui.page.get_by_role("combobox", name="Partner organisation")
    combobox.fill(PARTNER[:5])
    ui.page.get_by_role("option", name=PARTNER).click()
    ui.page.get_by_label("Contact's full name").fill("Jo Contact")
    ui.page.get_by_label("Contact's email address").fill("jo@borchester.gov.uk")
    save(ui, "Add partner")
    assert ui.page.get_by_text(f"{PARTNER} has not confirmed its part yet").is_visible()
    ui.follow(lambda: ui.page.get_by_role("link", name="Return to the task list").click())
    assert task_status(ui, "The team and the partners' roles") == "In progress"
    team = ui.page.locator(".govuk-task-list__item", has_text="The team and the partners' roles")
    assert f"Say what {PARTNER} will do." in team.inner_text()

    # The draft is deleted from the account, after "Are you sure".
    ui.goto("/account/")
    applications = ui.page.locator("table", has_text="Applications")
    ui.follow(lambda: applications.get_by_role("link", name="Delete draft").click())
    assert ui.page.get_by_role(
        "heading", name="Are you sure you want to delete the draft “Joined-up missed bin reports”?"
    ).is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Yes, delete this draft").click())
    assert ui.path() == "/account/"
    assert ui.page.get_by_text("You have deleted the draft application").is_visible()
    assert not Application.objects.exists()
