"""The newsletter's public pages (newsletter/views/newsletter.py): subscribing, confirming and
unsubscribing, and their errors. Managing a subscription from its link is tested in
test_newsletter_manage.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from localdigital.mail.models import OutgoingEmail
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.selectors import newsletter as selectors
from tests.declaration.factories import OrganisationFactory
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.support import MANAGE, SUBSCRIBE, SUBSCRIPTION, opened

pytestmark = pytest.mark.django_db


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
