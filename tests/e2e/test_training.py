"""Training from enrolment to certificate, in real browsers: a council member finds the
course from the home page and enrols on its one place, and adds its sessions to their
calendar; a colleague joins the waiting list; the first cancels from their account, so the place is
offered to the colleague, whose offer email (read from the outbox) leads to the offer page,
where they accept and are enrolled. The course runs, and a training administrator, signed
in to the admin with two factors in a third browser, ticks the colleague on the register of
each of its two sessions; the colleague then opens their certificate and prints it to PDF.
axe checks every page on the way, the admin's included. The test runs twice, each person
browsing without JavaScript in turn, so every public and account page is used both ways.

The register records only sessions that have started, so the course runs by moving its
sessions into the past; the job that moves cohorts on as their dates pass then completes it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import icalendar
import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.accounts.groups import TRAINING_ADMINISTRATOR
from tests.accounts.factories import UserFactory
from tests.declaration.factories import DeclarationVersionFactory, MembershipFactory
from tests.e2e.browser import CheckedPage
from tests.e2e.journeys import (
    click,
    link_in_last_email,
    message,
    signs_in_by_email,
    signs_in_to_the_admin,
)
from tests.funding.factories import SignatoryFactory
from tests.training.factories import CohortFactory, CourseFactory
from training.formats import session_when
from training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus, OfferStatus
from training.tasks import advance_cohort_statuses

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ALEX = "alex.member@borsetshire.gov.uk"
BLAIR = "blair.member@borsetshire.gov.uk"
TRAINER = "tam.trainer@communities.gov.uk"
COUNCIL = "Borsetshire County Council"
COURSE = "Digital and Agile for Local Government"
INSTRUCTIONS = "Meet at reception, County Hall, Borchester. Bring a laptop."


@pytest.fixture
def cohort() -> Cohort:
    """A signatory with two members, and a course whose one open cohort has one place and
    two sessions a month away."""
    DeclarationVersionFactory(number=1)
    council = SignatoryFactory(name=COUNCIL, slug="borsetshire")
    for email, name in ((ALEX, "Alex Member"), (BLAIR, "Blair Member")):
        MembershipFactory(organisation=council, user=UserFactory(email=email, full_name=name))
    course = CourseFactory(
        title=COURSE,
        slug="digital-and-agile",
        summary="How to run digital projects in the open, in small steps, with users.",
        description="Two days of **agile delivery** for council teams.",
        skills=["agile delivery", "user research"],
    )
    return CohortFactory.create(
        course=course, name="Winter", capacity=1, joining_instructions=INSTRUCTIONS
    )


def enrols(ui: CheckedPage, *, finish: str) -> None:
    """Fill in the enrolment form, check the answers and press ``finish``."""
    page = ui.page
    assert page.get_by_role("heading", name=f"Enrol on {COURSE}").is_visible()
    assert page.get_by_text(COUNCIL).first.is_visible()
    page.get_by_label("Your job title").fill("Service designer")
    page.get_by_label("Your line manager's email address").fill("manager@borsetshire.gov.uk")
    ui.follow(lambda: page.get_by_role("button", name="Continue").click())
    # Every problem at once, in a GOV.UK error summary, with what was typed kept.
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert (
        page.locator(".govuk-error-summary")
        .get_by_text("Agree to the attendance terms to enrol")
        .is_visible()
    )
    assert page.get_by_label("Your job title").input_value() == "Service designer"
    page.get_by_label("Accessibility or dietary needs (optional)").fill("A hearing loop.")
    page.get_by_label("I agree to the attendance terms").check()
    ui.follow(lambda: page.get_by_role("button", name="Continue").click())
    assert page.get_by_role("heading", name="Check your answers before enrolling").is_visible()
    assert page.get_by_text("A hearing loop.").is_visible()
    ui.follow(lambda: page.get_by_role("button", name=finish, exact=True).click())


def adds_the_sessions_to_their_calendar(ui: CheckedPage, cohort: Cohort) -> None:
    """From the confirmation, download the calendar file: one event per session."""
    with ui.page.expect_download() as download:
        ui.page.get_by_role("link", name="Add to calendar").click()
    assert download.value.suggested_filename == f"digital-and-agile-cohort-{cohort.pk}.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    starts = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    assert starts == [
        s.starts_at.replace(microsecond=0) for s in cohort.sessions.order_by("starts_at")
    ]
    assert INSTRUCTIONS in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def the_course_runs(cohort: Cohort) -> None:
    """Move the cohort's sessions into the past, the last ending an hour ago, and run the
    job that moves cohorts on as their dates pass: the cohort starts and is completed."""
    last_ends_at = cohort.sessions.latest("ends_at").ends_at
    shift = last_ends_at - timezone.now() + datetime.timedelta(hours=1)
    cohort.sessions.update(starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift)
    assert advance_cohort_statuses() == 2
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.COMPLETED


def records_attendance(staff_ui: CheckedPage, cohort: Cohort) -> None:
    """On the register of each of the cohort's sessions, tick Blair, the one person with a
    place, and save."""
    page = staff_ui.page
    sessions = list(cohort.sessions.order_by("starts_at"))
    staff_ui.goto(f"/admin/training/cohort/{cohort.pk}/change/")
    first = page.locator("tr", has_text=session_when(sessions[0].starts_at, sessions[0].ends_at))
    staff_ui.follow(lambda: first.get_by_role("link", name="Register").click())
    for number, session in enumerate(sessions):
        when = session_when(session.starts_at, session.ends_at)
        if number:
            # The next session's register, from the list of the cohort's sessions.
            nav = page.get_by_role("navigation", name="The cohort's sessions")
            staff_ui.follow(nav.get_by_role("link", name=when).click)
        assert staff_ui.path() == (
            f"/admin/training/cohort/{cohort.pk}/sessions/{session.pk}/register/"
        )
        assert page.get_by_role("heading", name=f"Register: {when}").is_visible()
        # Alex cancelled, so only Blair is on the register.
        assert page.get_by_role("checkbox").count() == 1
        assert not page.get_by_label("Blair Member").is_checked()
        page.get_by_label("Blair Member").check()
        click(staff_ui, "button", "Save the register")
        assert f"Saved the register of {when}: 1 person attended." in message(staff_ui)
        assert page.get_by_label("Blair Member").is_checked()
    row = page.locator("tbody tr", has_text="Blair Member")
    assert row.get_by_text("Completed", exact=True).is_visible()
    assert row.get_by_text("Attended", exact=True).count() == len(sessions)


@pytest.mark.parametrize("without_javascript", ["the first person", "the second person"])
def test_enrol_wait_cancel_offer_accept_attend_and_print_the_certificate(
    ui, ui_without_js, staff_ui, cohort, without_javascript
):
    """Run twice, so that every page is used both with JavaScript and without it."""
    if without_javascript == "the first person":
        alex, blair = ui_without_js, ui
    else:
        alex, blair = ui, ui_without_js

    # Alex finds the course from the home page and the training page.
    alex.goto("/")
    assert alex.page.get_by_role("heading", name="Training").is_visible()
    alex.follow(lambda: alex.page.get_by_role("link", name="See every course").click())
    assert alex.path() == "/training/"
    assert alex.page.get_by_text("0 people trained").is_visible()
    assert alex.page.get_by_text("0 of 1000 staff trained: 0% of the way.").is_visible()
    assert alex.page.get_by_text("1 of 1 place left").is_visible()
    alex.follow(lambda: alex.page.get_by_role("link", name=COURSE).first.click())
    assert alex.path() == "/training/digital-and-agile/"
    assert alex.page.get_by_text("Agile delivery", exact=True).is_visible()
    alex.follow(
        lambda: alex.page.get_by_role("button", name="Enrol on the cohort starting").click()
    )
    assert alex.path().startswith("/account/sign-in/")
    signs_in_by_email(alex, ALEX)
    enrol_path = f"/training/digital-and-agile/cohorts/{cohort.pk}/enrol/"
    assert alex.path() == enrol_path
    enrols(alex, finish="Enrol")
    assert alex.page.get_by_role("heading", name="You are enrolled").is_visible()
    alex_enrolment = Enrolment.objects.get(user__email=ALEX)
    assert alex_enrolment.status == EnrolmentStatus.ENROLLED
    assert alex_enrolment.needs == "A hearing loop."
    assert [m.subject for m in mail.outbox if m.to == ["manager@borsetshire.gov.uk"]]
    adds_the_sessions_to_their_calendar(alex, cohort)

    # Blair finds the cohort full and joins its waiting list.
    blair.goto("/training/digital-and-agile/")
    assert blair.page.get_by_text("Waiting list open").is_visible()
    blair.follow(lambda: blair.page.get_by_role("button", name="Join the waiting list").click())
    signs_in_by_email(blair, BLAIR)
    assert blair.path() == enrol_path
    assert blair.page.get_by_text(
        "Every place is taken. You can join the waiting list, at number 1."
    ).is_visible()
    enrols(blair, finish="Join the waiting list")
    assert blair.page.get_by_role("heading", name="You are on the waiting list").is_visible()
    assert blair.page.get_by_text("number 1").is_visible()
    blair.goto("/account/")
    training = blair.page.locator("table", has_text="Your enrolments")
    assert training.get_by_text("Number 1 on the waiting list").is_visible()

    # Alex reads the joining instructions in their account, then cancels.
    alex.goto("/account/")
    alex.follow(
        lambda: (
            alex.page.locator("table", has_text="Your enrolments")
            .get_by_role("link", name=COURSE, exact=True)
            .click()
        )
    )
    assert alex.page.get_by_role("heading", name="Joining instructions").is_visible()
    assert alex.page.get_by_text(INSTRUCTIONS).is_visible()
    alex.follow(lambda: alex.page.get_by_role("button", name="Cancel your enrolment").click())
    assert alex.page.get_by_role(
        "heading", name="Are you sure you want to cancel your enrolment?"
    ).is_visible()
    alex.follow(lambda: alex.page.get_by_role("button", name="Yes, cancel my enrolment").click())
    assert alex.path() == "/account/"
    assert alex.page.get_by_text(f"You have cancelled your enrolment on {COURSE}").is_visible()
    alex_enrolment.refresh_from_db()
    assert alex_enrolment.status == EnrolmentStatus.CANCELLED

    # The freed place is offered to Blair once the cancellation commits; the email links
    # to the offer page.
    blair_enrolment = Enrolment.objects.get(user__email=BLAIR)
    assert blair_enrolment.status == EnrolmentStatus.OFFERED
    offer_path = link_in_last_email(BLAIR, "/account/training/offers/")
    assert offer_path == f"/account/training/offers/{blair_enrolment.offer.pk}/"
    blair.goto(offer_path)
    assert blair.page.get_by_role("heading", name=f"A place on {COURSE}").is_visible()
    assert blair.page.get_by_text(INSTRUCTIONS).count() == 0
    blair.page.get_by_label("Yes, I accept the place").check()
    blair.follow(lambda: blair.page.get_by_role("button", name="Continue").click())
    assert blair.path() == f"/account/training/enrolments/{blair_enrolment.pk}/"
    assert blair.page.get_by_text(f"You have accepted your place on {COURSE}").is_visible()
    assert blair.page.get_by_text(INSTRUCTIONS).is_visible()
    blair_enrolment.refresh_from_db()
    assert blair_enrolment.status == EnrolmentStatus.ENROLLED
    assert blair_enrolment.offer.status == OfferStatus.ACCEPTED

    # The course runs; a training administrator signs in to the admin with two factors and
    # records on each session's register that Blair attended.
    the_course_runs(cohort)
    administrator = UserFactory(
        email=TRAINER, full_name="Tam Trainer", staff=True, groups=[TRAINING_ADMINISTRATOR]
    )
    device = TOTPDevice.objects.create(user=administrator, name="default", confirmed=True)
    signs_in_to_the_admin(staff_ui, TRAINER, device)
    records_attendance(staff_ui, cohort)
    blair_enrolment.refresh_from_db()
    assert blair_enrolment.status == EnrolmentStatus.COMPLETED

    # Blair opens the certificate from their account and prints it to PDF.
    blair.goto("/account/")
    blair.follow(lambda: blair.page.get_by_role("link", name=f"Certificate for {COURSE}").click())
    certificate = blair.page.locator(".training-certificate")
    assert certificate.get_by_role("heading", name="Certificate of completion").is_visible()
    assert certificate.get_by_text("Blair Member").is_visible()
    assert certificate.get_by_text(f"of {COUNCIL}").is_visible()
    assert certificate.get_by_text(COURSE).is_visible()
    blair.page.emulate_media(media="print")
    assert blair.page.locator(".govuk-header").is_hidden()
    assert certificate.is_visible()
    pdf = blair.page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    blair.page.emulate_media(media="screen")

    # The figures count Blair as trained, for the council.
    alex.goto("/training/")
    assert alex.page.get_by_text("1 person trained").is_visible()
    assert alex.page.get_by_text("1 organisation with at least one person trained").is_visible()
