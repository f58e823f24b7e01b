"""A submitted bid to the Local Digital Fund from assessment to a funded project, in real
browsers: a fund manager assigns an assessor in the admin; the assessor signs in with two
factors, declares no conflict and scores the application; the fund manager moderates the
scores side by side, ranks the round, recommends, decides and records the Minister's
approval. Until the announcement the applicant and the public see nothing of it; once the
announcement job has run, the lead organisation's admin reads the outcome in their account
and accepts the grant offer, and the project is public: on the list of funded projects, on
its organisations' signatory pages and in the 360Giving data. axe checks every public and
account page on the way."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from funding.models import Application, AwardStatus, Round
from funding.services.decisions import round_decisions_announce
from funding.tasks import announce_decisions
from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, MembershipFactory
from tests.e2e.browser import CheckedPage, Chromium, open_checked_page
from tests.e2e.journeys import (
    OFFICER,
    STAFF_EMAIL,
    click,
    message,
    officer_signs_in,
    signs_in_to_the_admin,
)
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AssessmentFactory,
    CriterionFactory,
    RoundFactory,
    SignatoryFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ASSESSOR = "ash.assessor@communities.gov.uk"
TITLE = "Joined-up missed bin reports"
LEAD = "Borsetshire County Council"
PARTNER = "Borchester City Council"


@pytest.fixture
def assessor_ui(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """A third browser, with cookies of its own, for the assessor."""
    yield from open_checked_page(chromium, live_server, javascript=True)


@pytest.fixture
def bid() -> Application:
    """A submitted application to a round now closed, led by the officer's council with a
    partner, with two weighted criteria and one of its two assessments already in."""
    DeclarationVersionFactory(number=1)
    lead = SignatoryFactory(name=LEAD, slug="borsetshire")
    partner = SignatoryFactory(name=PARTNER, slug="borchester")
    officer = MembershipFactory(
        organisation=lead, admin=True, user=UserFactory(email=OFFICER, full_name="Olu Officer")
    ).user
    now = timezone.now()
    round = RoundFactory(
        name="Round 5",
        slug="round-5",
        number=5,
        closed=True,
        decisions_announced_at=now + datetime.timedelta(hours=2),
    )
    impact = CriterionFactory(round=round, name="Impact", weight=60, scale_max=4, position=1)
    deliverability = CriterionFactory(
        round=round, name="Deliverability", weight=40, scale_max=4, position=2
    )
    application = ApplicationFactory.create(
        submitted=True, round=round, lead_organisation=lead, created_by=officer, title=TITLE
    )
    ApplicationPartnerFactory(application=application, organisation=partner, confirmed=True)
    AssessmentFactory(
        application=application,
        assessor=UserFactory(
            email="bea.assessor@communities.gov.uk",
            full_name="Bea Assessor",
            staff=True,
            groups=["Assessor"],
        ),
        submitted=True,
        scores={impact: 4, deliverability: 2},
    )
    return application


def assign_the_assessor(staff_ui: CheckedPage, application: Application) -> None:
    page = staff_ui.page
    staff_ui.goto("/admin/funding/application/")
    page.locator("tr", has_text=application.reference).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("assign_assessors")
    click(staff_ui, "button", "Go")
    assert page.get_by_text(f"{application.reference}: {TITLE}").is_visible()
    page.get_by_label("Ash Assessor").check()
    click(staff_ui, "button", "Assign", exact=True)
    assert (
        f"Assigned 1 assessment: {application.reference} to Ash Assessor. "
        "Each assessor has been emailed." in message(staff_ui)
    )
    (email,) = [m for m in mail.outbox if m.to == [ASSESSOR]]
    assert email.subject.startswith("You have 1 application to assess, due ")
    assert application.reference in str(email.body)


def score(ui: CheckedPage, criterion: str, value: int, why: str) -> None:
    ui.page.get_by_label(f"Score for “{criterion}”, from 0 to 4").fill(str(value))
    ui.page.get_by_label(f"Why you gave “{criterion}” this score").fill(why)


def assess(assessor_ui: CheckedPage, application: Application) -> None:
    page = assessor_ui.page
    reference = application.reference
    assessor_ui.goto("/admin/funding/assessment/")
    row = page.locator("tr", has_text=reference)
    assert row.get_by_text("Waiting for a conflict declaration").is_visible()
    click(assessor_ui, "link", f"Declare a conflict of interest, or none: {reference}")
    assert page.get_by_role("heading", name=f"Conflict of interest: {reference}").is_visible()
    assert page.get_by_text(f"{PARTNER}").is_visible()
    page.get_by_label("No, I have no conflict of interest").check()
    click(assessor_ui, "button", "Continue")

    assert page.get_by_role("heading", name=f"Assess {reference}").is_visible()
    assert page.get_by_text(application.evidence).is_visible()
    score(assessor_ui, "Impact", 3, "Clear evidence of the problem across three councils.")
    click(assessor_ui, "button", "Save draft")
    assert "Your draft scores are saved." in message(assessor_ui)
    assert page.locator("#weighted-score").inner_text() == (
        "Weighted score of the criteria scored so far: 45.0 out of 100."
    )
    score(assessor_ui, "Deliverability", 3, "A capable team, but a tight timetable.")
    click(assessor_ui, "button", "Submit assessment")
    assert f"You submitted your assessment of {reference}. It can no longer change." in message(
        assessor_ui
    )
    row = page.locator("tr", has_text=reference)
    assert row.get_by_text("Submitted").is_visible()
    assert row.get_by_text("75.0").is_visible()


def moderate(staff_ui: CheckedPage, application: Application) -> None:
    page = staff_ui.page
    reference = application.reference
    staff_ui.goto(f"/admin/funding/application/{application.pk}/change/")
    assert page.get_by_text("2 of 2 assessors assigned; every assessment is in.").is_visible()
    click(staff_ui, "link", "Moderate the scores")
    assert page.get_by_role("heading", name=f"Moderate the scores of {reference}").is_visible()
    table = page.locator("table.funding-side-by-side")
    headers = table.locator("thead th").all_text_contents()
    assert headers == [
        "Criterion",
        "Weight",
        "Bea Assessor",
        "Ash Assessor",
        "Spread",
        "Mean",
        "Moderated",
    ]
    cells = [row.locator("th, td").all_text_contents() for row in table.locator("tbody tr").all()]
    assert cells == [
        ["Impact (0 to 4)", "60", "4", "3", "1", "3.5", "-"],
        ["Deliverability (0 to 4)", "40", "2", "3", "1", "2.5", "-"],
    ]
    assert table.locator("tfoot td").all_text_contents()[1:3] == ["80.0", "75.0"]
    assert page.get_by_text("A capable team, but a tight timetable.").is_visible()
    page.get_by_label("Moderated score for “Impact”, from 0 to 4").fill("4")
    page.get_by_label("Note on “Impact”").fill("Bea's reading of the evidence is the fairer.")
    page.get_by_label("Moderated score for “Deliverability”, from 0 to 4").fill("3")
    click(staff_ui, "button", "Save the moderated scores")
    assert f"Saved the moderated scores of {reference}: 90.0 out of 100." in message(staff_ui)


def rank_recommend_and_decide(staff_ui: CheckedPage, application: Application) -> None:
    page = staff_ui.page
    reference = application.reference
    staff_ui.goto(f"/admin/funding/round/{application.round_id}/change/")
    click(staff_ui, "link", "Rank the applications")
    assert page.get_by_role("heading", name="Ranking: Round 5").is_visible()
    row = page.locator(f"#application-{reference}")
    assert row.locator("td").all_text_contents()[:6] == [
        "1",
        f"{reference}: {TITLE}",
        LEAD,
        "Discovery",
        "£60,000",
        "90.0",
    ]
    click(staff_ui, "link", f"Recommend {reference}")
    assert page.get_by_label("Amount to recommend (£)").input_value() == "60000.00"
    page.get_by_label("Fund with conditions").check()
    page.get_by_label("Amount to recommend (£)").fill("55000")
    page.get_by_label("Note").fill("Fund the research; the prototype is for alpha.")
    click(staff_ui, "button", "Save the recommendation")
    assert staff_ui.path() == f"/admin/funding/round/{application.round_id}/ranking/"
    assert (
        f"Recorded your recommendation for {reference}: Fund with conditions, £55,000."
        in message(staff_ui)
    )
    row = page.locator(f"#application-{reference}")
    assert row.get_by_text("£55,000").first.is_visible()
    assert page.get_by_text("Recommended for funding: £55,000, leaving £7,445,000.").is_visible()

    click(staff_ui, "link", f"Decide on {reference}")
    assert page.get_by_role("radio", name="Approved").is_checked()
    assert page.get_by_label("If approved, the amount awarded (£)").input_value() == "55000.00"
    page.get_by_label("If approved, any conditions of the grant").fill(
        "Publish the research findings openly."
    )
    click(staff_ui, "button", "Save the decision")
    assert (
        f"Recorded the decision on {reference}: approved, £55,000. It stays a draft until the "
        "Minister's approval is recorded" in message(staff_ui)
    )
    assert page.get_by_text(
        "Decision: Approved, £55,000 (a draft until the Minister's approval is recorded)."
    ).is_visible()


def record_the_ministers_approval(staff_ui: CheckedPage, round: Round) -> None:
    page = staff_ui.page
    staff_ui.goto(f"/admin/funding/round/{round.pk}/change/")
    assert page.get_by_text(
        "1 of 1 submitted applications decided: 1 approved, 0 rejected."
    ).is_visible()
    click(staff_ui, "button", "Record ministerial approval of the decisions…")
    page.get_by_label("The Minister has approved the decisions of this round").check()
    click(staff_ui, "button", "Record the approval")
    assert staff_ui.path() == f"/admin/funding/round/{round.pk}/change/"
    assert (
        "Recorded the Minister's approval of the decisions of Round 5. They are announced at "
        "the announcement time." in message(staff_ui)
    )
    round.refresh_from_db()
    assert round.decisions_approved_at is not None


def nothing_of_the_decision_is_seen(ui: CheckedPage, public: CheckedPage, app: Application) -> None:
    ui.goto("/account/")
    applications = ui.page.locator("table", has_text="Applications")
    assert applications.locator(".govuk-tag").inner_text() == "Submitted"
    assert ui.page.locator("table", has_text="Funded projects").count() == 0
    ui.follow(lambda: applications.get_by_role("link", name=TITLE).click())
    assert ui.page.get_by_text(
        "The Local Digital team will tell you the outcome when decisions are announced."
    ).is_visible()
    assert "approved" not in ui.page.locator("main").inner_text().lower()
    outcome = ui.page.request.get(f"{ui.base_url}/funding/applications/{app.reference}/outcome/")
    assert outcome.status == 404
    assert not [m for m in mail.outbox if m.to == [OFFICER] and "approved" in m.subject]

    public.goto("/funding/projects/")
    assert public.page.get_by_role("heading", name="No projects found").is_visible()
    public.goto("/signatories/borsetshire/")
    assert public.page.get_by_role("heading", name="Funded projects").count() == 0
    grants = public.page.request.get(f"{public.base_url}/funding/360giving.json")
    assert grants.status == 404


def accept_the_offer(ui: CheckedPage, application: Application) -> None:
    page = ui.page
    ui.goto("/account/")
    applications = page.locator("table", has_text="Applications")
    assert applications.locator(".govuk-tag").inner_text() == "Approved"
    projects = page.locator("table", has_text="Funded projects")
    assert projects.locator(".govuk-tag").inner_text() == "Grant offered"
    ui.follow(
        lambda: projects.get_by_role("link", name=f"Answer the grant offer for {TITLE}").click()
    )
    assert ui.path() == f"/funding/applications/{application.reference}/outcome/"
    assert page.get_by_role("heading", name="Your application is approved").is_visible()
    assert page.get_by_text(f"Round 5 awards {LEAD} £55,000 for {TITLE}.").is_visible()
    assert page.get_by_text("Publish the research findings openly.").is_visible()
    assert page.locator(".govuk-summary-list .govuk-tag").inner_text() == "Offered"
    click(ui, "button", "Accept the grant offer")
    assert page.get_by_role("heading", name="Accept the grant offer").is_visible()
    assert page.get_by_text(
        f"You are accepting £55,000 for {TITLE} on behalf of {LEAD} and its partners."
    ).is_visible()
    click(ui, "button", "Accept the grant offer")
    assert ui.path() == f"/funding/applications/{application.reference}/outcome/"
    assert page.get_by_text(f"You have accepted the grant for {TITLE}").is_visible()
    assert page.locator(".govuk-summary-list .govuk-tag").inner_text() == "Accepted"
    application.award.refresh_from_db()
    assert application.award.status == AwardStatus.ACCEPTED
    assert [m.subject for m in mail.outbox if m.to == [STAFF_EMAIL]][-1] == (
        f"{LEAD} has accepted the grant for {TITLE}"
    )


def open_again(public: CheckedPage, path: str) -> None:
    """Open ``path`` again, reloading it: this visitor's browser kept the page it was sent
    before the announcement (public pages may be kept for PUBLIC_CACHE_MAX_AGE seconds), and
    reloading asks the server again."""
    public.page.goto(public.base_url + path)
    public.page.reload()
    public.check()


def the_project_is_public(public: CheckedPage, application: Application) -> None:
    page = public.page
    open_again(public, "/funding/projects/")
    assert page.get_by_text("Showing 1 to 1 of 1 project, newest first.").is_visible()
    assert page.get_by_text(f"Led by {LEAD}. Round 5, discovery, £55,000 awarded.").is_visible()
    assert page.locator("main .govuk-tag").inner_text() == "Grant accepted"
    public.follow(lambda: page.get_by_role("link", name=TITLE).click())
    slug = application.award.slug
    assert public.path() == f"/funding/projects/{slug}/"
    assert page.get_by_role("heading", name=TITLE, level=1).is_visible()

    for path, role in [
        ("/signatories/borsetshire/", "Lead"),
        ("/signatories/borchester/", "Partner"),
    ]:
        open_again(public, path)
        assert page.get_by_role("heading", name="Funded projects").is_visible()
        item = page.locator("li", has=page.get_by_role("link", name=TITLE))
        assert item.inner_text() == f"{TITLE} ({role})"

    response = page.request.get(f"{public.base_url}/funding/360giving.json")
    assert response.ok
    (grant,) = json.loads(response.text())["grants"]
    assert grant["title"] == TITLE
    assert grant["amountAwarded"] == 55000
    assert grant["currency"] == "GBP"
    assert [o["name"] for o in grant["recipientOrganization"]] == [LEAD]
    assert grant["grantProgramme"][0]["title"] == "Round 5"
    assert grant["url"].endswith(f"/funding/projects/{slug}/")


def test_a_bid_is_assessed_decided_announced_accepted_and_published(
    ui, staff_ui, assessor_ui, ui_without_js, bid
):
    application = bid
    round = application.round

    # A fund manager gives the application its second assessor.
    manager = UserFactory(
        email=STAFF_EMAIL, full_name="Fran Manager", staff=True, groups=["Fund manager"]
    )
    signs_in_to_the_admin(
        staff_ui,
        STAFF_EMAIL,
        TOTPDevice.objects.create(user=manager, name="default", confirmed=True),
    )
    assessor = UserFactory(
        email=ASSESSOR, full_name="Ash Assessor", staff=True, groups=["Assessor"]
    )
    assign_the_assessor(staff_ui, application)

    # The assessor signs in with two factors, declares no conflict and scores it.
    device = TOTPDevice.objects.create(user=assessor, name="default", confirmed=True)
    signs_in_to_the_admin(assessor_ui, ASSESSOR, device)
    assess(assessor_ui, application)

    # The fund manager moderates, ranks, recommends and decides, and records the approval.
    moderate(staff_ui, application)
    rank_recommend_and_decide(staff_ui, application)
    record_the_ministers_approval(staff_ui, round)

    # Until the announcement, neither the applicant nor the public see the decision, and
    # the job does nothing before its time.
    officer_signs_in(ui)
    nothing_of_the_decision_is_seen(ui, ui_without_js, application)
    announcement = round.decisions_announced_at
    assert announcement is not None
    early = announcement - datetime.timedelta(minutes=1)
    assert round_decisions_announce(round_id=round.pk, now=early) == "not-due"

    # The announcement job runs just after the announcement time.
    assert announce_decisions((announcement + datetime.timedelta(minutes=1)).isoformat()) == 1
    round.refresh_from_db()
    assert round.announced_at is not None
    (email,) = [m for m in mail.outbox if m.to == [OFFICER] and "approved" in m.subject]
    assert email.subject == f"Your application {application.reference} to Round 5 is approved"
    assert "Amount awarded: £55,000" in str(email.body)
    assert "Publish the research findings openly." in str(email.body)

    # The lead organisation's admin reads the outcome and accepts the offer.
    application = Application.objects.select_related("award").get(pk=application.pk)
    assert application.award.amount == Decimal(55000)
    accept_the_offer(ui, application)

    # And the project is public.
    the_project_is_public(ui_without_js, application)
