"""A council officer signs the Declaration for their organisation in a real browser, from
the home page's start button, through sign-in by email link (which brings them back to the
first question) and every question, to the confirmation panel, and then sees what they
signed from their account.

Once with JavaScript, choosing the organisation with the accessible autocomplete, and once
without, choosing it from the select grouped by type; each time the picker's error and its
hint. A signer deletes a draft they no longer need, and someone signing in from a page comes
back to it. Then the whole of it across three people: the officer signs, a member of staff
signs in with two factors and publishes the signing in the admin, and the public find the
organisation on the list of signatories and in the open data. axe-core checks every page on
the way, and the picker while its options show.
"""

from __future__ import annotations

import csv
import io

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from declaration.models import Membership, Signing, SigningStatus
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    OrganisationFactory,
    SigningFactory,
)
from tests.e2e.journeys import STAFF_EMAIL, signs_in_by_email, signs_in_to_the_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIGNER = "head.of.digital@borsetshire.gov.uk"


@pytest.fixture
def register() -> None:
    """The published Declaration, and a few organisations in the register."""
    DeclarationVersionFactory(number=1)
    OrganisationFactory(
        name="Borsetshire County Council",
        slug="borsetshire",
        email_domains=["borsetshire.gov.uk"],
    )
    OrganisationFactory(name="Borchester City Council", slug="borchester")
    OrganisationFactory(name="Felpersham District Council", slug="felpersham")


def sign_in_from_the_start_page(ui) -> None:
    """From the home page's start button, through sign-in, to the first question."""
    ui.goto("/")
    ui.follow(lambda: ui.page.get_by_role("button", name="Sign the Declaration").click())
    assert ui.path() == "/declaration/sign/"
    assert ui.page.get_by_role("heading", name="Sign the Local Digital Declaration").is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Start now").click())
    assert ui.path() == "/account/sign-in/?next=%2Fdeclaration%2Fsign%2Fnew%2F"
    signs_in_by_email(ui, SIGNER)
    # Back where they were going: the first question, with no draft until it is answered.
    assert ui.path() == "/declaration/sign/new/"
    assert not Signing.objects.filter(signer__email=SIGNER).exists()


def choose_organisation(ui, name: str) -> None:
    """Choose the organisation as the person would: by typing with JavaScript, else from
    the select."""
    label = "Which organisation are you signing for?"
    if ui.checker is None:
        ui.page.get_by_role("combobox", name=label).fill(name[:5])
        ui.page.get_by_role("option", name=name).click()
    else:
        ui.page.get_by_label(label).select_option(label=name)


def continue_(ui) -> None:
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())


def answer_the_questions_after_the_organisation(ui) -> None:
    assert ui.path().endswith("/role/")
    ui.page.get_by_label("What is your role?").fill("Head of digital")
    continue_(ui)

    assert ui.path().endswith("/senior-leader/")
    ui.page.locator("#id_senior_leader_name").fill("Pat Jones")
    ui.page.locator("#id_senior_leader_job_title").fill("Chief executive")
    ui.page.locator("#id_elected_member_name").fill("Cllr Sam Lee")
    ui.page.locator("#id_elected_member_role").fill("Leader of the council")
    continue_(ui)

    assert ui.path().endswith("/digital-lead/")
    ui.page.get_by_label("Full name").fill("Ada Lovelace")
    ui.page.get_by_label("Job title").fill("Head of digital and IT")
    ui.page.get_by_label("Email address").fill("ada.lovelace@borsetshire.gov.uk")
    continue_(ui)

    assert ui.path().endswith("/project/")
    # Nothing ticked: the error summary, then the answers are kept while it is put right.
    ui.page.get_by_label("Project title").fill("One booking service")
    ui.page.get_by_label("Describe the project").fill("A booking component shared with partners.")
    continue_(ui)
    summary = ui.page.locator(".govuk-error-summary")
    assert "Select at least one principle" in summary.inner_text()
    assert ui.page.get_by_label("Project title").input_value() == "One booking service"
    ui.page.get_by_label("Redesign services around the needs of the people using them").check()
    ui.page.get_by_label("Embed an open culture that works in the open, shares and reuses").check()
    continue_(ui)


def check_change_and_submit(ui) -> Signing:
    assert ui.path().endswith("/check/")
    assert ui.page.get_by_role("heading", name="Check your answers before signing").is_visible()
    answers = ui.page.locator(".govuk-summary-list").inner_text()
    for text in ("Borsetshire County Council", "Pat Jones", "Ada Lovelace", "One booking service"):
        assert text in answers

    ui.follow(lambda: ui.page.get_by_role("link", name="Change your role").click())
    assert ui.page.get_by_label("What is your role?").input_value() == "Head of digital"
    ui.page.get_by_label("What is your role?").fill("Chief digital officer")
    continue_(ui)
    assert ui.path().endswith("/check/")
    assert "Chief digital officer" in ui.page.locator(".govuk-summary-list").inner_text()

    ui.follow(lambda: ui.page.get_by_role("button", name="Sign the Declaration").click())
    signing = Signing.objects.get(signer__email=SIGNER)
    assert ui.path() == f"/declaration/sign/{signing.reference}/confirmation/"
    panel = ui.page.locator(".govuk-panel--confirmation")
    assert "Signing submitted" in panel.inner_text()
    assert signing.reference in panel.inner_text()
    assert ui.page.get_by_role("heading", name="What happens next").is_visible()
    return signing


def assert_submitted(signing: Signing) -> None:
    signing.refresh_from_db()
    assert signing.status == SigningStatus.SUBMITTED
    assert signing.organisation is not None
    assert signing.organisation.slug == "borsetshire"
    assert signing.signer_role == "Chief digital officer"
    assert signing.project_principles == ["services", "open"]
    assert not signing.domain_mismatch
    recipients = set(OutgoingEmail.objects.values_list("recipient", flat=True))
    assert {SIGNER, "ada.lovelace@borsetshire.gov.uk"} <= recipients


def see_what_was_signed(ui, signing: Signing) -> None:
    """From the account page, the signing's answers, read only."""
    ui.goto("/account/")
    ui.follow(lambda: ui.page.get_by_role("link", name=f"View signing {signing.reference}").click())
    assert ui.path() == f"/declaration/signings/{signing.reference}/"
    heading = ui.page.get_by_role("heading", level=1).inner_text()
    assert heading == "What Borsetshire County Council signed"
    answers = ui.page.locator("main").inner_text()
    for text in ("Chief digital officer", "Pat Jones", "Ada Lovelace", "One booking service"):
        assert text in answers
    assert "Version 1, published" in answers
    assert ui.page.get_by_role("link", name="Change").count() == 0


def test_signs_with_the_autocomplete_when_javascript_is_on(ui, register):
    sign_in_from_the_start_page(ui)
    page = ui.page
    assert page.locator("#id_organisation_hint").inner_text() == (
        "Start typing its name, then choose it from the list."
    )

    # Continue without choosing: the error summary's link goes to the autocomplete itself.
    continue_(ui)
    summary = page.locator(".govuk-error-summary")
    assert "Select your organisation" in summary.inner_text()
    summary.get_by_role("link", name="Select your organisation").click()
    combobox = page.get_by_role("combobox", name="Which organisation are you signing for?")
    assert combobox.evaluate("element => element === document.activeElement")
    assert not Signing.objects.filter(signer__email=SIGNER).exists()

    combobox.fill("Borse")
    option = page.get_by_role("option", name="Borsetshire County Council")
    option.wait_for()
    ui.check()  # axe with the options, and the completion behind the text, showing
    option.click()
    assert combobox.input_value() == "Borsetshire County Council"
    continue_(ui)

    answer_the_questions_after_the_organisation(ui)
    signing = check_change_and_submit(ui)
    assert_submitted(signing)
    see_what_was_signed(ui, signing)


def test_signs_with_the_grouped_select_when_javascript_is_off(ui_without_js, register):
    ui = ui_without_js
    sign_in_from_the_start_page(ui)
    hint = ui.page.locator("#id_organisation_hint").inner_text()
    assert "Start typing" not in hint
    assert "grouped by type" in hint

    # Continue without choosing: the error summary links to the select.
    continue_(ui)
    summary = ui.page.locator(".govuk-error-summary")
    assert "Select your organisation" in summary.inner_text()
    link = summary.get_by_role("link", name="Select your organisation")
    assert link.get_attribute("href") == "#id_organisation"
    select = ui.page.get_by_label("Which organisation are you signing for?")
    assert select.locator("optgroup").count() >= 1
    select.select_option(label="Borsetshire County Council")
    continue_(ui)

    answer_the_questions_after_the_organisation(ui)
    signing = check_change_and_submit(ui)
    assert_submitted(signing)
    see_what_was_signed(ui, signing)


@pytest.mark.parametrize("browser_page", ["ui", "ui_without_js"])
def test_a_signer_deletes_a_draft_they_no_longer_need(browser_page, request, register):
    """Started for the wrong organisation: the draft goes, after a confirmation page."""
    ui = request.getfixturevalue(browser_page)
    sign_in_from_the_start_page(ui)
    choose_organisation(ui, "Felpersham District Council")
    continue_(ui)
    assert ui.path().endswith("/role/")
    draft = Signing.objects.get(signer__email=SIGNER)

    ui.goto("/account/")
    signings = ui.page.locator(".govuk-summary-list", has_text=draft.reference)
    assert "Felpersham District Council" in signings.inner_text()
    assert "Not finished" in signings.inner_text()
    ui.follow(
        lambda: ui.page.get_by_role("link", name=f"Delete draft signing {draft.reference}").click()
    )
    assert ui.page.get_by_role(
        "heading", name="Are you sure you want to delete this draft?"
    ).is_visible()
    assert "You cannot undo this" in ui.page.locator(".govuk-warning-text").inner_text()

    # Cancel keeps it; then delete it for real.
    ui.follow(lambda: ui.page.get_by_role("link", name="Cancel").click())
    assert ui.path() == "/account/"
    assert Signing.objects.filter(pk=draft.pk).exists()
    ui.follow(
        lambda: ui.page.get_by_role("link", name=f"Delete draft signing {draft.reference}").click()
    )
    ui.follow(lambda: ui.page.get_by_role("button", name="Delete draft").click())

    assert ui.path() == "/account/"
    assert ui.page.get_by_text(
        f"You have deleted your draft signing {draft.reference}"
    ).is_visible()
    assert ui.page.get_by_role("heading", name="Your signings").count() == 0
    assert not Signing.objects.filter(signer__email=SIGNER).exists()


def test_signing_in_from_a_page_comes_back_to_it(ui, register):
    """Sign in from the Declaration page: back on it, and its start button goes straight to
    the first question."""
    ui.goto("/declaration/")
    ui.follow(lambda: ui.page.get_by_role("link", name="Sign in").click())
    assert ui.path() == "/account/sign-in/?next=%2Fdeclaration%2F"
    signs_in_by_email(ui, SIGNER)

    assert ui.path() == "/declaration/"
    assert ui.page.get_by_text("You are signed in").is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Sign the Declaration").click())
    ui.follow(lambda: ui.page.get_by_role("button", name="Start now").click())
    assert ui.path() == "/declaration/sign/new/"
    assert ui.page.get_by_role(
        "heading", name="Which organisation are you signing for?"
    ).is_visible()


def test_a_second_signer_is_shown_who_signed_and_joins(ui, register):
    """Choosing an organisation that has signed ends the journey with an offer to join; an
    email address at its domain joins at once."""
    SigningFactory(
        organisation=OrganisationFactory(slug="borsetshire"),
        senior_leader_name="Pat Jones",
        senior_leader_job_title="Chief executive",
    )
    sign_in_from_the_start_page(ui)
    ui.page.get_by_role("combobox", name="Which organisation are you signing for?").fill("Borse")
    ui.page.get_by_role("option", name="Borsetshire County Council").click()
    continue_(ui)

    assert ui.path().startswith("/declaration/sign/organisations/borsetshire/")
    assert ui.page.get_by_text("Pat Jones, Chief executive").is_visible()
    ui.follow(
        lambda: ui.page.get_by_role("button", name="Ask to join Borsetshire County Council").click()
    )

    assert "You are a member of Borsetshire County Council" in ui.page.locator("h1").inner_text()
    assert Membership.objects.get(user__email=SIGNER).is_approved


def test_a_signing_is_published_by_staff_and_appears_on_the_list_and_in_the_csv(
    ui,
    staff_ui,
    register,
):
    # A council officer signs for Borsetshire County Council.
    sign_in_from_the_start_page(ui)
    combobox = ui.page.get_by_role("combobox", name="Which organisation are you signing for?")
    combobox.fill("Borse")
    ui.page.get_by_role("option", name="Borsetshire County Council").click()
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    answer_the_questions_after_the_organisation(ui)
    signing = check_change_and_submit(ui)

    # Not public until staff publish it.
    ui.goto("/signatories/")
    assert "Borsetshire County Council" not in ui.page.locator("main").inner_text()

    # A fund manager signs in with a password and a code, and publishes it in the admin.
    staff = UserFactory(email=STAFF_EMAIL, staff=True, groups=["Fund manager"])
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    signs_in_to_the_admin(staff_ui, STAFF_EMAIL, device)
    staff_ui.goto("/admin/declaration/signing/")
    row = staff_ui.page.locator("tr", has_text="Borsetshire County Council")
    row.get_by_role("checkbox").check()
    staff_ui.page.locator("select[name=action]").select_option("publish_selected")
    staff_ui.follow(lambda: staff_ui.page.get_by_role("button", name="Go").click())
    signing.refresh_from_db()
    assert signing.status == SigningStatus.PUBLISHED

    # The public see it on the list and its page, and in the open data.
    ui.goto("/signatories/?q=Borsetshire")
    ui.follow(lambda: ui.page.get_by_role("link", name="Borsetshire County Council").click())
    assert ui.path() == "/signatories/borsetshire/"
    assert ui.page.get_by_text("One booking service").first.is_visible()
    response = ui.page.request.get(f"{ui.base_url}/signatories.csv")
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert [row["name"] for row in rows] == ["Borsetshire County Council"]
    assert rows[0]["declaration_project_title"] == "One booking service"
