"""The newsletter's public pages: subscribing, confirming and unsubscribing, and their errors."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from localdigital.mail.models import OutgoingEmail
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.selectors import newsletter as selectors
from tests.declaration.factories import OrganisationFactory
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/"


def confirm_url(subscriber: Subscriber) -> str:
    token = selectors.subscriber_confirm_token(subscriber=subscriber)
    return reverse("newsletter:confirm", kwargs={"token": token})


def unsubscribe_url(subscriber: Subscriber) -> str:
    token = selectors.subscriber_unsubscribe_token(subscriber=subscriber)
    return reverse("newsletter:unsubscribe", kwargs={"token": token})


def assert_error(response, message: str, field_id: str) -> None:
    """A GOV.UK error summary that links to the field, and the message beside the field."""
    content = response.content.decode()
    assert response.status_code in (200, 429)
    assert (
        "<title>Error: Subscribe to the Local Digital newsletter \N{EN DASH} Local Digital</title>"
        in (content)
    )
    assert 'class="govuk-error-summary"' in content
    assert f'<a href="#{field_id}">{message}</a>' in content
    assert content.count(message) >= 2


class TestSubscribePage:
    def test_shows_the_form_with_the_open_organisations_to_choose_from(self, client):
        open_council = OrganisationFactory(name="Stockport Metropolitan Borough Council")
        OrganisationFactory(name="Closed District Council", closed=True)
        response = client.get(SUBSCRIBE)
        content = response.content.decode()
        assert response.status_code == 200
        assert (
            "<title>Subscribe to the Local Digital newsletter \N{EN DASH} Local Digital</title>"
            in content
        )
        assert 'type="email"' in content
        assert f'<option value="{open_council.pk}">' in content
        assert "Closed District Council" not in content
        assert "Not listed, or I would rather not say" in content

    def test_subscribes_and_sends_to_the_check_your_email_page(
        self, client, django_capture_on_commit_callbacks, mailoutbox
    ):
        council = OrganisationFactory()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                SUBSCRIBE, {"email": "clerk@stockport.gov.uk", "organisation": council.pk}
            )
        assert response.status_code == 302
        assert response["Location"] == "/newsletter/check-your-email/"
        subscriber = Subscriber.objects.get()
        assert (subscriber.status, subscriber.organisation) == (SubscriberStatus.PENDING, council)
        assert len(mailoutbox) == 1
        page = client.get(response["Location"]).content.decode()
        assert "clerk@stockport.gov.uk" in page
        assert "within 7 days" in page

    def test_subscribes_without_an_organisation(self, client):
        response = client.post(SUBSCRIBE, {"email": "clerk@stockport.gov.uk", "organisation": ""})
        assert response.status_code == 302
        assert Subscriber.objects.get().organisation is None

    def test_gives_the_same_answer_and_changes_nothing_when_already_confirmed(
        self, client, django_capture_on_commit_callbacks, mailoutbox
    ):
        """Nothing tells a visitor whether an address is subscribed."""
        SubscriberFactory(email="clerk@stockport.gov.uk")
        before = Subscriber.objects.values().get()
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = client.post(SUBSCRIBE, {"email": "clerk@stockport.gov.uk"})
            new = Client().post(SUBSCRIBE, {"email": "new@stockport.gov.uk"})
        assert (confirmed.status_code, confirmed["Location"]) == (new.status_code, new["Location"])
        assert Subscriber.objects.values().get(email="clerk@stockport.gov.uk") == before
        assert [message.to for message in mailoutbox] == [["new@stockport.gov.uk"]]

    @pytest.mark.parametrize(
        ("data", "message", "field_id"),
        [
            ({"email": ""}, "Enter your email address", "id_email"),
            (
                {"email": "not an email"},
                "Enter an email address in the correct format, like name@example.gov.uk",
                "id_email",
            ),
            (
                {"email": "a" * 250 + "@stockport.gov.uk"},
                "Email address must be 254 characters or fewer",
                "id_email",
            ),
            (
                {"email": "clerk@stockport.gov.uk", "organisation": "999999"},
                "Choose your organisation from the list",
                "id_organisation",
            ),
            (
                {"email": "clerk@stockport.gov.uk", "organisation": "not-a-number"},
                "Choose your organisation from the list",
                "id_organisation",
            ),
        ],
        ids=["missing", "invalid", "too-long", "unknown-organisation", "garbled-organisation"],
    )
    def test_shows_a_gov_uk_error_and_keeps_the_input_when_invalid(
        self, client, data, message, field_id
    ):
        response = client.post(SUBSCRIBE, data)
        assert response.status_code == 200
        assert_error(response, message, field_id)
        if data["email"]:
            assert f'value="{data["email"]}"' in response.content.decode()
        assert not Subscriber.objects.exists()

    def test_keeps_the_chosen_organisation_when_the_email_is_invalid(self, client):
        council = OrganisationFactory()
        response = client.post(SUBSCRIBE, {"email": "nope", "organisation": council.pk})
        assert f'<option value="{council.pk}" selected>' in response.content.decode()

    def test_refuses_more_requests_for_one_address_than_its_limit(self, client, settings):
        settings.NEWSLETTER_SUBSCRIBE_RATE_PER_EMAIL = "2/h"
        for _ in range(2):
            assert client.post(SUBSCRIBE, {"email": "clerk@stockport.gov.uk"}).status_code == 302
        response = client.post(SUBSCRIBE, {"email": "CLERK@stockport.gov.uk"})
        assert response.status_code == 429
        assert_error(
            response,
            "There have been too many requests to subscribe this email address. "
            "Wait an hour, then try again",
            "id_email",
        )
        assert 'value="CLERK@stockport.gov.uk"' in response.content.decode()
        # Another address is still welcome.
        assert client.post(SUBSCRIBE, {"email": "other@stockport.gov.uk"}).status_code == 302

    def test_refuses_more_requests_from_one_network_than_its_limit(self, client, settings):
        settings.NEWSLETTER_SUBSCRIBE_RATE_PER_IP = "2/h"
        for n in range(2):
            assert client.post(SUBSCRIBE, {"email": f"clerk{n}@stockport.gov.uk"}).status_code == (
                302
            )
        response = client.post(SUBSCRIBE, {"email": "clerk9@stockport.gov.uk"})
        assert response.status_code == 429
        assert_error(
            response,
            "There have been too many requests to subscribe from your network. "
            "Wait an hour, then try again",
            "id_email",
        )
        assert Subscriber.objects.count() == 2


class TestConfirmPage:
    def test_shows_a_button_and_confirms_nothing_when_opened(self, client):
        """Mail scanners open links: only the button's POST confirms."""
        subscriber = SubscriberFactory(pending=True, email="clerk@stockport.gov.uk")
        response = client.get(confirm_url(subscriber))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Confirm your subscription</button>" in content
        assert "clerk@stockport.gov.uk" in content
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    def test_confirms_when_the_button_is_pressed(self, client):
        subscriber = SubscriberFactory(pending=True)
        response = client.post(confirm_url(subscriber))
        assert (response.status_code, response["Location"]) == (302, "/newsletter/confirmed/")
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED
        page = client.get("/newsletter/confirmed/").content.decode()
        assert "govuk-panel--confirmation" in page
        assert "Subscription confirmed" in page

    def test_goes_to_the_confirmed_page_when_already_confirmed(self, client):
        subscriber = SubscriberFactory()
        response = client.get(confirm_url(subscriber))
        assert response["Location"] == "/newsletter/confirmed/"

    def test_needs_the_csrf_token_to_confirm(self):
        subscriber = SubscriberFactory(pending=True)
        response = Client(enforce_csrf_checks=True).post(confirm_url(subscriber))
        assert response.status_code == 403
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_says_the_link_is_not_valid_when_tampered_with(self, client, method):
        subscriber = SubscriberFactory(pending=True)
        url = confirm_url(subscriber)
        response = getattr(client, method)(url[:-2] + ("A" if url[-2] != "A" else "B") + "/")
        assert response.status_code == 200
        assert "This link has expired or is not valid" in response.content.decode()
        assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    def test_says_the_link_is_not_valid_once_they_have_unsubscribed(self, client):
        subscriber = SubscriberFactory(pending=True)
        url = confirm_url(subscriber)
        client.post(unsubscribe_url(subscriber))
        response = client.get(url)
        assert "This link has expired or is not valid" in response.content.decode()


class TestUnsubscribePage:
    def test_shows_an_unsubscribe_button_and_changes_nothing_when_opened(self, client):
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
        response = client.get(unsubscribe_url(subscriber))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Unsubscribe</button>" in content
        assert "clerk@stockport.gov.uk" in content
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_unsubscribes_with_one_click_from_a_mail_client_without_a_csrf_token(self):
        """RFC 8058: the mail client posts List-Unsubscribe=One-Click, with no cookie."""
        subscriber = SubscriberFactory()
        response = Client(enforce_csrf_checks=True).post(
            unsubscribe_url(subscriber),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You have unsubscribed" in response.content.decode()
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED

    def test_unsubscribes_when_the_button_is_pressed_then_shows_how_to_come_back(self, client):
        subscriber = SubscriberFactory()
        response = client.post(unsubscribe_url(subscriber))
        assert (response.status_code, response["Location"]) == (302, "/newsletter/unsubscribed/")
        assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED
        page = client.get("/newsletter/unsubscribed/").content.decode()
        assert "You have unsubscribed" in page
        assert 'href="/newsletter/"' in page

    def test_goes_to_the_unsubscribed_page_when_already_unsubscribed(self, client):
        subscriber = SubscriberFactory(unsubscribed=True)
        assert client.get(unsubscribe_url(subscriber))["Location"] == "/newsletter/unsubscribed/"

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_says_the_link_is_not_valid_when_tampered_with(self, client, method):
        subscriber = SubscriberFactory()
        url = unsubscribe_url(subscriber)
        response = getattr(client, method)(url[:-2] + ("A" if url[-2] != "A" else "B") + "/")
        assert response.status_code == 200
        assert "This link has expired or is not valid" in response.content.decode()
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    def test_lets_someone_subscribe_again_after_unsubscribing(
        self, client, django_capture_on_commit_callbacks, mailoutbox
    ):
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
        client.post(unsubscribe_url(subscriber))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(SUBSCRIBE, {"email": "clerk@stockport.gov.uk"})
        link = re.search(r"http://testserver(/newsletter/confirm/\S+/)", mailoutbox[-1].body)
        client.post(link.group(1))
        assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


def test_the_footer_links_to_the_newsletter(client):
    assert '<a class="govuk-footer__link" href="/newsletter/">Newsletter</a>' in (
        client.get("/").content.decode()
    )


def test_confirmation_emails_are_queued_as_sensitive_and_transactional(client):
    client.post(SUBSCRIBE, {"email": "clerk@stockport.gov.uk"})
    email = OutgoingEmail.objects.get()
    assert (email.is_sensitive, email.stream) == (True, "transactional")


MANAGE = "/newsletter/manage/"
SUBSCRIPTION = "/newsletter/manage/subscription/"


def manage_link(subscriber: Subscriber) -> str:
    token = selectors.subscriber_manage_token(subscriber=subscriber)
    return reverse("newsletter:manage-link", kwargs={"token": token})


def opened(client: Client, subscriber: Subscriber) -> Client:
    """Open the subscriber's manage link, as from the email, and return the client."""
    response = client.get(manage_link(subscriber))
    assert (response.status_code, response["Location"]) == (302, SUBSCRIPTION)
    return client


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
        assert f'<a href="#subscription-action">{message}</a>' in content
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


class TestPostRedirectGet:
    """Every newsletter form that succeeds redirects, so Back and reload never post again."""

    def test_subscribe(self, client):
        response = client.post(SUBSCRIBE, {"email": "clerk@stockport.gov.uk"})
        assert (response.status_code, response["Location"]) == (
            302,
            "/newsletter/check-your-email/",
        )

    def test_confirm(self, client):
        response = client.post(confirm_url(SubscriberFactory(pending=True)))
        assert (response.status_code, response["Location"]) == (302, "/newsletter/confirmed/")

    def test_unsubscribe(self, client):
        response = client.post(unsubscribe_url(SubscriberFactory()))
        assert (response.status_code, response["Location"]) == (302, "/newsletter/unsubscribed/")

    def test_ask_for_a_manage_link(self, client):
        SubscriberFactory(email="clerk@stockport.gov.uk")
        response = client.post(MANAGE, {"email": "clerk@stockport.gov.uk"})
        assert (response.status_code, response["Location"]) == (
            302,
            "/newsletter/manage/check-your-email/",
        )

    @pytest.mark.parametrize(
        ("state", "action"), [({}, "unsubscribe"), ({"unsubscribed": True}, "subscribe")]
    )
    def test_manage(self, client, state, action):
        response = opened(client, SubscriberFactory(**state)).post(SUBSCRIPTION, {"action": action})
        assert (response.status_code, response["Location"]) == (302, SUBSCRIPTION)


@pytest.mark.parametrize(
    "path",
    [
        SUBSCRIBE,
        "/newsletter/check-your-email/",
        "/newsletter/confirmed/",
        "/newsletter/unsubscribed/",
        MANAGE,
        "/newsletter/manage/check-your-email/",
        SUBSCRIPTION,
    ],
)
def test_every_page_answers_head(client, path):
    """Uptime monitors and link checkers send HEAD."""
    assert client.head(path).status_code == 200
