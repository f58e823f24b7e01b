"""Training tells the truth about places, in real browsers (issue 10, defects 2 and 3).

The cohort of the report: its last free place is kept for organisations that lead or
partner on a funded project, and three people are already waiting. A member of a council
with no funded project sees, on the course page and on check your answers, that they will
join the waiting list at number 4, before they press the button; the button says so; they
press it and are number 4, as told. Back from the confirmation then shows check your
answers again, saying where they stand, without sending the form again. Run with
JavaScript on and off; axe checks every page.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, MembershipFactory
from tests.e2e.journeys import signs_in_by_email
from tests.funding.factories import SignatoryFactory
from tests.training.factories import CohortFactory, CourseFactory, EnrolmentFactory
from training.formats import date_and_time
from training.models import Cohort, Enrolment, EnrolmentStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAM = "sam.officer@ambridge.gov.uk"
COUNCIL = "Ambridge District Council"
COURSE = "Digital leadership for senior managers"


@pytest.fixture
def cohort() -> Cohort:
    """A council with no funded project and one member, and a cohort of 4 places: 3 held,
    the last kept for funded-project organisations for another 10 days, and 3 people
    waiting."""
    DeclarationVersionFactory(number=1)
    council = SignatoryFactory(name=COUNCIL, slug="ambridge")
    MembershipFactory(organisation=council, user=UserFactory(email=SAM, full_name="Sam Officer"))
    release = timezone.localtime(timezone.now() + datetime.timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    cohort = CohortFactory.create(
        course=CourseFactory(title=COURSE, slug="digital-leadership"),
        name="Spring",
        capacity=4,
        reserved_places=1,
        reserved_release_at=release,
    )
    for _ in range(3):
        EnrolmentFactory.create(cohort=cohort)
    for position in (1, 2, 3):
        EnrolmentFactory.create(cohort=cohort, waiting=True, waiting_position=position)
    return cohort


@pytest.mark.parametrize("browser_page", ["ui", "ui_without_js"])
def test_a_member_without_a_funded_project_is_told_they_will_wait_and_does(
    browser_page, request, cohort
):
    ui = request.getfixturevalue(browser_page)
    page = ui.page
    kept_until = date_and_time(cohort.reserved_release_at)

    # Not signed in: the count, with an honest note about the place kept.
    ui.goto("/training/digital-leadership/")
    assert page.get_by_text("1 of 4 places left").is_visible()
    assert page.get_by_text(
        f"It is kept until {kept_until} for organisations that lead or partner on a funded "
        "project; anyone else joins the waiting list."
    ).is_visible()

    ui.goto("/account/sign-in/")
    signs_in_by_email(ui, SAM)

    # Signed in, the course page says what enrolling would give Sam, and the button too.
    ui.goto("/training/digital-leadership/")
    card = page.locator(f"#cohort-{cohort.pk}")
    assert card.get_by_text(f"No places for {COUNCIL} until {kept_until}").is_visible()
    assert card.get_by_text("You can join the waiting list, at number 4.").is_visible()
    assert card.get_by_role("button", name=re.compile("^Enrol")).count() == 0
    ui.follow(card.get_by_role("button", name=re.compile("^Join the waiting list")).click)

    # The form says it again before Sam starts.
    assert page.get_by_role("heading", name=f"Enrol on {COURSE}").is_visible()
    assert page.get_by_text("You can join the waiting list, at number 4.").is_visible()
    page.get_by_label("Your job title").fill("Head of digital")
    page.get_by_label("Your line manager's email address").fill("manager@ambridge.gov.uk")
    page.get_by_label("I agree to the attendance terms").check()
    ui.follow(page.get_by_role("button", name="Continue").click)

    # Check your answers: what will happen, and a button that says it.
    check_path = f"/training/digital-leadership/cohorts/{cohort.pk}/enrol/check/"
    assert ui.path() == check_path
    assert page.get_by_role("heading", name="Check your answers before enrolling").is_visible()
    assert page.get_by_text("You will join the waiting list, at number 4.").is_visible()
    assert page.get_by_text("We will tell your line manager only if you get a place.").count()
    assert page.get_by_role("button", name="Enrol", exact=True).count() == 0
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.method, r.url)))
    ui.follow(page.get_by_role("button", name="Join the waiting list", exact=True).click)

    # They are on the waiting list, at the number they were told.
    assert page.get_by_role("heading", name="You are on the waiting list").is_visible()
    assert page.get_by_text("number 4").is_visible()
    enrolment = Enrolment.objects.get(user__email=SAM)
    assert (enrolment.status, enrolment.waiting_position) == (EnrolmentStatus.WAITING, 4)
    assert ("POST", ui.base_url + check_path) in sent

    # Back shows check your answers again, by GET: no form is sent a second time.
    sent.clear()
    page.go_back()
    ui.check()
    assert ui.path() == check_path
    assert page.get_by_role("heading", name="You are already on this cohort").is_visible()
    assert page.get_by_text("You are number 4 on the waiting list for this cohort.").is_visible()
    assert not [url for method, url in sent if method == "POST"], sent
    assert Enrolment.objects.filter(user__email=SAM).count() == 1
