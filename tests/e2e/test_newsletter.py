"""Someone subscribes to the newsletter, confirms by the emailed link, gets an issue and
unsubscribes from it, in a real browser, with and without JavaScript."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from declaration.models import NewsletterIssue, Subscriber, SubscriberStatus
from declaration.services import newsletter as services
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory
from tests.declaration.newsletter_factories import NewsletterIssueFactory, SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def link_in_last_email_to(email: str, pattern: str) -> str:
    """Return the path of the first link matching ``pattern`` in the last email to ``email``."""
    body = [str(message.body) for message in mail.outbox if message.to == [email]][-1]
    match = re.search(rf"https?://[^/\s]+({pattern})", body)
    assert match, body
    return match.group(1)


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

    ui.goto(link_in_last_email_to("clerk@stockport.gov.uk", r"/newsletter/confirm/\S+/"))
    assert ui.page.get_by_role("heading", name="Confirm your subscription").is_visible()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    ui.follow(lambda: ui.page.get_by_role("button", name="Confirm your subscription").click())
    assert ui.page.get_by_role("heading", name="Subscription confirmed").is_visible()
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.organisation) == (SubscriberStatus.CONFIRMED, council)

    issue = NewsletterIssueFactory(subject="Round 5 is open")
    services.newsletter_issue_send(issue_id=issue.pk, sent_by=UserFactory(staff=True))
    [newsletter] = [message for message in mail.outbox if message.subject == "Round 5 is open"]
    assert newsletter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    ui.goto(link_in_last_email_to("clerk@stockport.gov.uk", r"/newsletter/unsubscribe/\S+/"))
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


def test_staff_follow_an_issue_sending_without_reloading_the_page(ui, settings):
    """The progress bar's script (a file, allowed by the CSP) refreshes the figures, and
    reloads the page once the issue is sent; the browser console stays clean."""
    settings.MAIL_NEWSLETTER_RATE_PER_MINUTE = 0
    # A superuser: the staff groups come from a migration, which a browser test's flush of
    # the database (before it, after another) does not bring back.
    staff = UserFactory(email="comms@communities.gov.uk", staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    SubscriberFactory.create_batch(3)
    issue = NewsletterIssueFactory(subject="Round 5 is open", sending=True, recipient_count=3)

    ui.goto("/admin/")
    ui.page.get_by_label("Email address").fill("comms@communities.gov.uk")
    ui.page.get_by_label("Password").fill("correct horse battery")
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    ui.page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    ui.follow(lambda: ui.page.get_by_role("button", name="Sign in").click())
    ui.goto(f"/admin/declaration/newsletterissue/{issue.pk}/preview/")
    heading = ui.page.get_by_role("heading", name="Round 5 of the Local Digital Fund is open")
    assert heading.is_visible()
    ui.goto(f"/admin/declaration/newsletterissue/{issue.pk}/change/")
    panel = ui.page.locator("#newsletter-sending")
    assert panel.locator('[data-progress="sent"]').inner_text() == "0"

    services.newsletter_issue_fan_out(issue_id=issue.pk, after=0)
    services.newsletter_issue_fan_out(
        issue_id=issue.pk, after=NewsletterIssue.objects.get().fanout_cursor
    )
    panel.locator('[data-progress="sent"]').filter(has_text="3").wait_for(timeout=10_000)
    assert panel.locator('[data-progress="percent"]').first.inner_text() == "100"
    assert ui.page.locator("progress").get_attribute("value") is not None

    services.newsletter_tick(now=timezone.now())
    with ui.page.expect_navigation(timeout=10_000):
        pass
    ui.check()
    assert ui.page.locator('#newsletter-sending [data-progress="status_label"]').inner_text() == (
        "Sent"
    )
