"""Managing a subscription from the link in every newsletter: asking for the link, and the
subscription's page with its choices."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from localdigital.mail.models import OutgoingEmail
from newsletter.models import Subscriber, SubscriberStatus
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.support import MANAGE, SUBSCRIBE, SUBSCRIPTION, manage_link, opened

pytestmark = pytest.mark.django_db


def banner(page: str) -> str:
    match = re.search(
        r'govuk-notification-banner--success".*?<p class="govuk-notification-banner__heading">'
        r"(.*?)</p>",
        page,
        re.DOTALL,
    )
    return match.group(1) if match else ""


class TestManagePage:
    """Anyone can ask for a link to manage their subscription: no old issue needed."""

    def test_the_newsletter_page_links_to_it(self, client):
        page = client.get(SUBSCRIBE).content.decode()
        assert f'<a class="govuk-link" href="{MANAGE}">Manage your subscription</a>' in page

    def test_asks_for_an_email_address(self, client):
        response = client.get(MANAGE)
        content = response.content.decode()
        assert response.status_code == 200
        assert "<title>Manage your newsletter subscription \N{EN DASH} Local Digital</title>" in (
            content
        )
        assert 'type="email"' in content
        assert "Send me a link</button>" in content

    def test_emails_a_link_to_a_subscriber_and_says_to_check_their_email(
        self, client, django_capture_on_commit_callbacks, mailoutbox
    ):
        SubscriberFactory(email="clerk@stockport.gov.uk")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(MANAGE, {"email": " Clerk@Stockport.gov.uk "})
        assert (response.status_code, response["Location"]) == (
            302,
            "/newsletter/manage/check-your-email/",
        )
        [message] = mailoutbox
        assert message.to == ["clerk@stockport.gov.uk"]
        page = client.get(response["Location"]).content.decode()
        assert "Clerk@Stockport.gov.uk" in page
        assert "It works for 30 days" in page

    def test_gives_the_same_answer_and_sends_nothing_to_an_address_that_never_subscribed(
        self, client, django_capture_on_commit_callbacks, mailoutbox
    ):
        SubscriberFactory(email="clerk@stockport.gov.uk")
        known = client.post(MANAGE, {"email": "clerk@stockport.gov.uk"})
        known_page = client.get(known["Location"]).content.decode()
        other = Client()
        with django_capture_on_commit_callbacks(execute=True):
            unknown = other.post(MANAGE, {"email": "nobody@stockport.gov.uk"})
        unknown_page = other.get(unknown["Location"]).content.decode()
        assert known["Location"] == unknown["Location"]
        # The same page, but for the address each typed (and the form's CSRF token).
        csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        assert csrf.sub("", known_page).replace("clerk@", "someone@") == csrf.sub(
            "", unknown_page
        ).replace("nobody@", "someone@")
        assert mailoutbox == []
        assert not OutgoingEmail.objects.filter(recipient="nobody@stockport.gov.uk").exists()

    @pytest.mark.parametrize(
        ("email", "message"),
        [
            ("", "Enter your email address"),
            (
                "not an email",
                "Enter an email address in the correct format, like name@example.gov.uk",
            ),
            ("a" * 250 + "@x.uk", "Email address must be 254 characters or fewer"),
        ],
        ids=["missing", "invalid", "too-long"],
    )
    def test_shows_a_gov_uk_error_and_keeps_the_input_when_invalid(self, client, email, message):
        response = client.post(MANAGE, {"email": email})
        content = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: Manage your newsletter subscription" in content
        assert f'<a href="#id_email">{message}</a>' in content
        assert content.count(message) >= 2
        if email:
            assert f'value="{email}"' in content
        assert not OutgoingEmail.objects.exists()

    def test_refuses_more_links_for_one_address_than_its_limit(self, client, settings):
        settings.NEWSLETTER_MANAGE_RATE_PER_EMAIL = "2/h"
        SubscriberFactory(email="clerk@stockport.gov.uk")
        for _ in range(2):
            assert client.post(MANAGE, {"email": "clerk@stockport.gov.uk"}).status_code == 302
        response = client.post(MANAGE, {"email": "CLERK@stockport.gov.uk"})
        content = response.content.decode()
        assert response.status_code == 429
        assert (
            '<a href="#id_email">You have asked for too many links for this email address. '
            "Wait an hour, then try again</a>"
        ) in content
        assert 'value="CLERK@stockport.gov.uk"' in content
        assert OutgoingEmail.objects.count() == 2
        assert client.post(MANAGE, {"email": "other@stockport.gov.uk"}).status_code == 302

    def test_refuses_more_links_from_one_network_than_its_limit(self, client, settings):
        settings.NEWSLETTER_MANAGE_RATE_PER_IP = "2/h"
        for n in range(2):
            assert client.post(MANAGE, {"email": f"clerk{n}@stockport.gov.uk"}).status_code == 302
        response = client.post(MANAGE, {"email": "clerk9@stockport.gov.uk"})
        assert response.status_code == 429
        assert (
            "There have been too many requests for links from your network. "
            "Wait an hour, then try again"
        ) in response.content.decode()


class TestSubscriptionPage:
    """The page a manage link opens: the subscription, with a button to change it."""

    def test_keeps_the_link_out_of_the_page_address_and_changes_nothing_when_opened(self, client):
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
        response = opened(client, subscriber).get(SUBSCRIPTION)
        content = response.content.decode()
        assert response.status_code == 200
        assert "<title>Your newsletter subscription \N{EN DASH} Local Digital</title>" in content
        assert "clerk@stockport.gov.uk" in content
        assert '<dd class="govuk-summary-list__value">Subscribed</dd>' in content
        assert 'value="unsubscribe"' in content
        assert 'value="subscribe"' not in content
        assert (
            response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
        )
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_unsubscribes_then_shows_it_with_a_success_banner_and_a_way_back(self, client):
        subscriber = SubscriberFactory()
        response = opened(client, subscriber).post(SUBSCRIPTION, {"action": "unsubscribe"})
        assert (response.status_code, response["Location"]) == (302, SUBSCRIPTION)
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED
        page = client.get(SUBSCRIPTION).content.decode()
        assert banner(page) == "You have unsubscribed from the Local Digital newsletter"
        assert '<dd class="govuk-summary-list__value">Unsubscribed</dd>' in page
        assert "Subscribe again</button>" in page
        assert 'value="unsubscribe"' not in page

    def test_subscribes_again_then_shows_it_with_a_success_banner(self, client):
        subscriber = SubscriberFactory(unsubscribed=True)
        response = opened(client, subscriber).post(SUBSCRIPTION, {"action": "subscribe"})
        assert (response.status_code, response["Location"]) == (302, SUBSCRIPTION)
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED
        page = client.get(SUBSCRIPTION).content.decode()
        assert banner(page) == "You are subscribed to the Local Digital newsletter"
        assert '<dd class="govuk-summary-list__value">Subscribed</dd>' in page

    def test_offers_someone_who_never_confirmed_to_confirm_or_to_stop(self, client):
        subscriber = SubscriberFactory(pending=True)
        page = opened(client, subscriber).get(SUBSCRIPTION).content.decode()
        assert '<dd class="govuk-summary-list__value">Not confirmed yet</dd>' in page
        assert "Confirm your subscription</button>" in page
        assert "Unsubscribe</button>" in page

    @pytest.mark.parametrize("action", ["", "delete", "UNSUBSCRIBE"])
    def test_shows_a_gov_uk_error_and_changes_nothing_for_an_action_it_does_not_offer(
        self, client, action
    ):
        subscriber = SubscriberFactory()
        response = opened(client, subscriber).post(SUBSCRIPTION, {"action": action})
        content = response.content.decode()
        assert response.status_code == 400
        assert "<title>Error: Your newsletter subscription" in content
        message = "Choose whether to unsubscribe or to subscribe"
        assert f'<a href="#id_action">{message}</a>' in content
        assert '<div class="govuk-button-group" id="id_action">' in content
        assert content.count(message) == 2
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_needs_the_csrf_token_to_change_anything(self):
        subscriber = SubscriberFactory()
        client = opened(Client(enforce_csrf_checks=True), subscriber)
        assert client.post(SUBSCRIPTION, {"action": "unsubscribe"}).status_code == 403
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_says_the_link_is_not_valid_without_one_or_with_one_tampered_with(self, client, method):
        subscriber = SubscriberFactory()
        response = getattr(client, method)(SUBSCRIPTION, {"action": "unsubscribe"})
        assert "This link has expired or is not valid" in response.content.decode()
        url = manage_link(subscriber)
        client.get(url[:-2] + ("A" if url[-2] != "A" else "B") + "/")
        response = getattr(client, method)(SUBSCRIPTION, {"action": "unsubscribe"})
        content = response.content.decode()
        assert "This link has expired or is not valid" in content
        assert f'href="{MANAGE}">ask for a new link</a>' in content
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_says_the_link_has_expired_after_30_days(self, client, monkeypatch):
        subscriber = SubscriberFactory()
        opened(client, subscriber)
        later = timezone.now().timestamp() + 30 * 24 * 3600 + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        response = client.post(SUBSCRIPTION, {"action": "unsubscribe"})
        assert "A link to manage your newsletter subscription works for 30 days" in (
            response.content.decode()
        )
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED
