"""Someone subscribes to the newsletter, confirms by the emailed link, gets an issue and
unsubscribes from it, in a real browser, with and without JavaScript; manages their
subscription from a link they ask for on the Newsletter page; a comms officer sends an
issue to a test group, whose subscriber unsubscribes from the email as an SMTP server got it;
and an issue goes to every subscriber only once a second comms officer approves it."""

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsletter import services
from newsletter.models import (
    IssueStatus,
    NewsletterIssue,
    NewsletterTestGroup,
    Subscriber,
    SubscriberStatus,
)
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory
from tests.e2e.browser import CheckedPage, Chromium, open_checked_page
from tests.e2e.journeys import link_in_last_email, signs_in_to_the_admin
from tests.fixtures.worker import wait_until
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory
from tests.newsletter.support import patch_fan_out_later

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("browser_page", ["ui", "ui_without_js"])
def test_subscribes_confirms_and_unsubscribes(browser_page, request, settings):
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
    ui = request.getfixturevalue(browser_page)
    council = OrganisationFactory(name="Stockport Metropolitan Borough Council")

    ui.goto("/")
    ui.follow(lambda: ui.page.get_by_role("link", name="Newsletter").click())
    assert ui.path() == "/newsletter/"
    ui.page.get_by_label("Email address").fill("clerk@stockport.gov.uk")
    ui.page.get_by_label("Organisation (optional)").select_option(label=council.name)
    ui.follow(lambda: ui.page.get_by_role("button", name="Subscribe").click())
    assert ui.page.get_by_role("heading", name="Check your email").is_visible()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    ui.goto(link_in_last_email("clerk@stockport.gov.uk", r"/newsletter/confirm/\S+/"))
    assert ui.page.get_by_role("heading", name="Confirm your subscription").is_visible()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    ui.follow(lambda: ui.page.get_by_role("button", name="Confirm your subscription").click())
    assert ui.page.get_by_role("heading", name="Subscription confirmed").is_visible()
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.organisation) == (SubscriberStatus.CONFIRMED, council)

    issue = NewsletterIssueFactory(subject="Round 5 is open", approved=True)
    services.newsletter_issue_send(issue_id=issue.pk, sent_by=UserFactory(staff=True))
    [newsletter] = [message for message in mail.outbox if message.subject == "Round 5 is open"]
    assert newsletter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    ui.goto(link_in_last_email("clerk@stockport.gov.uk", r"/newsletter/unsubscribe/\S+/"))
    heading = ui.page.get_by_role("heading", name="Unsubscribe from the Local Digital newsletter")
    assert heading.is_visible()
    ui.follow(lambda: ui.page.get_by_role("button", name="Unsubscribe").click())
    assert ui.path() == "/newsletter/unsubscribed/"
    assert ui.page.get_by_role("heading", name="You have unsubscribed").is_visible()
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    ui.follow(lambda: ui.page.get_by_role("link", name="subscribe again").click())
    assert ui.path() == "/newsletter/"


def test_shows_errors_in_gov_uk_style(ui):
    ui.goto("/newsletter/")
    ui.page.get_by_label("Email address").fill("not an email")
    ui.follow(lambda: ui.page.get_by_role("button", name="Subscribe").click())
    summary = ui.page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter an email address in the correct format" in summary.inner_text()
    assert ui.page.get_by_label("Email address").input_value() == "not an email"
    assert ui.page.title().startswith("Error: ")


def test_says_so_when_a_link_is_not_valid(ui):
    ui.goto("/newsletter/confirm/not-a-valid-token/")
    assert ui.page.get_by_role("heading", name="This link has expired or is not valid").is_visible()
    ui.follow(lambda: ui.page.get_by_role("link", name="subscribe again").click())
    assert ui.path() == "/newsletter/"


def test_staff_follow_an_issue_sending_without_reloading_the_page(ui, settings, monkeypatch):
    """The progress bar's script (a file, allowed by the CSP) refreshes the figures, and
    reloads the page once the issue is sent, which is as soon as its last email has gone,
    with no wait for the beat job; the browser console stays clean."""
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
    # A superuser: the staff groups come from a migration, which a browser test's flush of
    # the database (before it, after another) does not bring back.
    staff = UserFactory(email="comms@communities.gov.uk", staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    SubscriberFactory.create_batch(3)
    issue = NewsletterIssueFactory(subject="Round 5 is open", sending=True, recipient_count=3)

    signs_in_to_the_admin(ui, staff.email, device)
    ui.goto(f"/admin/newsletter/newsletterissue/{issue.pk}/preview/")
    heading = ui.page.get_by_role("heading", name="Round 5 of the Local Digital Fund is open")
    assert heading.is_visible()
    ui.goto(f"/admin/newsletter/newsletterissue/{issue.pk}/change/")
    panel = ui.page.locator("#newsletter-sending")
    assert panel.locator('[data-progress="sent"]').inner_text() == "0"

    # The test makes each batch of the fan-out itself: every email is sent, and the last,
    # empty batch, which completes the fan-out, is still to come.
    patch_fan_out_later(monkeypatch)
    services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
    panel.locator('[data-progress="sent"]').filter(has_text="3").wait_for(timeout=10_000)
    assert panel.locator('[data-progress="percent"]').first.inner_text() == "100"
    assert ui.page.locator("progress").get_attribute("value") is not None
    assert panel.locator('[data-progress="status_label"]').inner_text() == "Sending"

    with ui.page.expect_navigation(timeout=10_000):
        services.newsletter_issue_fan_out(
            issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
        )
    ui.check()
    assert ui.page.locator('#newsletter-sending [data-progress="status_label"]').inner_text() == (
        "Sent"
    )
    assert ui.page.get_by_role("button", name="Cancel the issue…").count() == 0


def test_someone_manages_their_subscription_from_the_footer_without_an_old_issue(
    ui_without_js, settings
):
    """The footer's Newsletter page leads to Manage your subscription: a link is emailed,
    and its page unsubscribes, and subscribes again, each with a success banner."""
    ui = ui_without_js
    SubscriberFactory(email="clerk@stockport.gov.uk")

    ui.goto("/")
    ui.follow(
        lambda: ui.page.locator(".govuk-footer").get_by_role("link", name="Newsletter").click()
    )
    ui.follow(lambda: ui.page.get_by_role("link", name="Manage your subscription").click())
    assert ui.path() == "/newsletter/manage/"
    ui.page.get_by_label("Email address").fill("not an address")
    ui.follow(lambda: ui.page.get_by_role("button", name="Send me a link").click())
    assert ui.page.title().startswith("Error: ")
    summary = ui.page.locator(".govuk-error-summary")
    assert "Enter an email address in the correct format" in summary.inner_text()
    ui.page.get_by_label("Email address").fill("clerk@stockport.gov.uk")
    ui.follow(lambda: ui.page.get_by_role("button", name="Send me a link").click())
    assert ui.page.get_by_role("heading", name="Check your email").is_visible()

    ui.goto(link_in_last_email("clerk@stockport.gov.uk", r"/newsletter/manage/\S+/"))
    # The link's token is kept out of the page's address.
    assert ui.path() == "/newsletter/manage/subscription/"
    assert ui.page.get_by_role("heading", name="Your newsletter subscription").is_visible()
    assert ui.page.locator(".govuk-summary-list").inner_text().count("Subscribed") == 1
    ui.follow(lambda: ui.page.get_by_role("button", name="Unsubscribe").click())
    assert ui.path() == "/newsletter/manage/subscription/"
    assert "You have unsubscribed from the Local Digital newsletter" in (
        ui.page.locator(".govuk-notification-banner--success").inner_text()
    )
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    ui.follow(lambda: ui.page.get_by_role("button", name="Subscribe again").click())
    assert "You are subscribed to the Local Digital newsletter" in (
        ui.page.locator(".govuk-notification-banner--success").inner_text()
    )
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED
    # Back and reload after a change show the page again, never post it again.
    ui.page.reload()
    ui.check()
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


@pytest.fixture
def subscriber_ui(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """The subscriber's own browser, JavaScript off, with cookies of its own."""
    yield from open_checked_page(chromium, live_server, javascript=False)


def test_a_comms_officer_tests_an_issue_on_the_test_group_whose_subscriber_unsubscribes(
    ui_without_js, subscriber_ui, settings, live_server, start_worker, smtp_sink
):
    """JavaScript off throughout. The officer keeps a test group in the admin and sends the
    issue to it; a Celery worker delivers the test over SMTP; the subscriber in the group
    opens the unsubscribe link in the message the SMTP server received, and is unsubscribed.
    The issue is still a draft, and nobody else was sent anything."""
    officer_ui = ui_without_js
    # Links in the email point at the live server, as they point at the site in production.
    settings.SITE_URL = live_server.url
    start_worker()
    officer = UserFactory(email="comms@communities.gov.uk", staff=True, groups=["Communications"])
    device = TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    reader = SubscriberFactory(email="press.office@communities.gov.uk")
    SubscriberFactory(email="someone.else@stockport.gov.uk")
    issue = NewsletterIssueFactory(subject="Round 5 is open")

    signs_in_to_the_admin(officer_ui, officer.email, device)
    officer_ui.goto("/admin/newsletter/newslettertestgroup/add/")
    officer_ui.page.get_by_label("Name").fill("Comms team")
    officer_ui.page.get_by_label("Email addresses").fill(
        "press.office@communities.gov.uk\ndigital.comms@communities.gov.uk"
    )
    officer_ui.follow(
        lambda: officer_ui.page.get_by_role("button", name="Save", exact=True).click()
    )
    assert NewsletterTestGroup.objects.get().name == "Comms team"

    officer_ui.goto(f"/admin/newsletter/newsletterissue/{issue.pk}/change/")
    officer_ui.page.get_by_label("Send a test to").select_option(label="Comms team (2 people)")
    officer_ui.follow(lambda: officer_ui.page.get_by_role("button", name="Send a test").click())
    assert "A test of this issue was sent to Comms team" in (
        officer_ui.page.locator(".messagelist").inner_text()
    )

    assert wait_until(lambda: smtp_sink.count() == 2, timeout=30), smtp_sink.received
    [received] = [
        received for received in smtp_sink.received if received.recipients == [reader.email]
    ]
    assert received.subject == "TEST: Round 5 is open"
    message = received.message
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"Unsubscribe: (http://\S+/newsletter/unsubscribe/\S+/)", text)
    assert link, text
    assert str(message["List-Unsubscribe"]).strip().startswith(f"<{link.group(1)}>")
    assert link.group(1).startswith(live_server.url)

    subscriber_ui.goto(link.group(1).removeprefix(live_server.url))
    heading = "Unsubscribe from the Local Digital newsletter"
    assert subscriber_ui.page.get_by_role("heading", name=heading).is_visible()
    assert reader.email in subscriber_ui.page.locator("main").inner_text()
    subscriber_ui.follow(
        lambda: subscriber_ui.page.get_by_role("button", name="Unsubscribe").click()
    )
    assert subscriber_ui.path() == "/newsletter/unsubscribed/"
    assert subscriber_ui.page.get_by_role("heading", name="You have unsubscribed").is_visible()
    assert Subscriber.objects.get(pk=reader.pk).status == SubscriberStatus.UNSUBSCRIBED

    issue.refresh_from_db()
    assert (issue.status, issue.recipient_count) == (IssueStatus.DRAFT, 0)
    assert sorted(recipient for r in smtp_sink.received for recipient in r.recipients) == [
        "digital.comms@communities.gov.uk",
        "press.office@communities.gov.uk",
    ]


@pytest.fixture
def colleague_ui(chromium: Chromium, live_server) -> Iterator[CheckedPage]:
    """A second member of staff's browser, JavaScript on, with cookies of its own."""
    yield from open_checked_page(chromium, live_server, javascript=True)


def test_an_issue_goes_to_everyone_only_once_a_second_comms_officer_approves_it(
    ui_without_js, colleague_ui, settings
):
    """The officer asks for approval and cannot approve it themselves; a colleague finds it
    in their work queue and returns it with a comment; the officer changes it and asks
    again; the colleague approves it; only then can the officer send it to every
    subscriber. Every admin page is checked with axe."""
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
    officer_ui = ui_without_js
    officer = UserFactory(email="comms@communities.gov.uk", staff=True, groups=["Communications"])
    colleague = UserFactory(
        email="editor@communities.gov.uk", staff=True, groups=["Communications"]
    )
    officer_device = TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    colleague_device = TOTPDevice.objects.create(user=colleague, name="default", confirmed=True)
    SubscriberFactory.create_batch(2)
    issue = NewsletterIssueFactory(subject="Round 5 is open", created_by=officer)
    change = f"/admin/newsletter/newsletterissue/{issue.pk}/change/"

    signs_in_to_the_admin(officer_ui, officer.email, officer_device)
    officer_ui.goto(change)
    assert officer_ui.page.get_by_role("button", name="Send now…").count() == 0
    officer_ui.follow(
        lambda: officer_ui.page.get_by_role("button", name="Ask for approval").click()
    )
    assert "Approval asked for" in officer_ui.page.locator(".messagelist").inner_text()
    assert officer_ui.page.get_by_role("button", name="Approve").count() == 0
    assert "Another member of staff must approve it: not you" in (
        officer_ui.page.locator("#newsletter-approval").inner_text()
    )

    signs_in_to_the_admin(colleague_ui, colleague.email, colleague_device)
    colleague_ui.goto("/admin/")
    colleague_ui.follow(
        lambda: colleague_ui.page.get_by_role(
            "link", name="1 newsletter issue waiting for approval"
        ).click()
    )
    colleague_ui.follow(
        lambda: colleague_ui.page.get_by_role("link", name="Round 5 is open").click()
    )
    colleague_ui.page.get_by_label("What needs to change").fill("Say when round 5 closes.")
    colleague_ui.follow(
        lambda: colleague_ui.page.get_by_role("button", name="Return to draft").click()
    )
    assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT

    officer_ui.goto(change)
    assert "Say when round 5 closes." in (
        officer_ui.page.locator("#newsletter-return-comment").inner_text()
    )
    body = officer_ui.page.get_by_label("Body")
    body.fill(body.input_value() + "\n\nRound 5 closes at 5pm on 30 January.")
    officer_ui.follow(
        lambda: officer_ui.page.get_by_role("button", name="Save and continue editing").click()
    )
    officer_ui.follow(
        lambda: officer_ui.page.get_by_role("button", name="Ask for approval").click()
    )

    colleague_ui.goto(change)
    colleague_ui.follow(lambda: colleague_ui.page.get_by_role("button", name="Approve").click())
    assert "The issue is approved" in colleague_ui.page.locator(".messagelist").inner_text()
    approved = NewsletterIssue.objects.get()
    assert (approved.status, approved.approved_by) == (IssueStatus.APPROVED, colleague)

    officer_ui.goto(change)
    assert f"Approved by {colleague.email}" in (
        officer_ui.page.locator("#newsletter-approval").inner_text()
    )
    officer_ui.follow(lambda: officer_ui.page.get_by_role("button", name="Send now…").click())
    officer_ui.follow(lambda: officer_ui.page.get_by_role("button", name="Send now").click())
    assert "The issue is being sent." in officer_ui.page.locator(".messagelist").inner_text()
    assert wait_until(
        lambda: len([m for m in mail.outbox if m.subject == "Round 5 is open"]) == 2, timeout=30
    )
    for message in mail.outbox:
        assert "Round 5 closes at 5pm on 30 January." in str(message.body)
