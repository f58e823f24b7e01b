"""Council users sign in by an emailed link: one use, 15 minutes, and a Continue button."""

import threading
import time
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from sesame.utils import get_token

from localdigital.accounts import services
from localdigital.mail.models import OutgoingEmail
from tests.accounts.conftest import link_in, token_in
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


class TestSignInForm:
    def test_shows_the_form(self, client):
        response = client.get(reverse("accounts:sign-in"))
        assert response.status_code == 200
        assert "Send me a sign-in link" in response.text

    def test_says_enter_your_email_when_it_is_empty(self, client):
        """An empty form gets a GOV.UK error summary and the error beside the field."""
        response = client.post(reverse("accounts:sign-in"), {"email": ""})
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert response.text.count("Enter your email address") == 2
        assert response.text.startswith("<!DOCTYPE html>")
        assert "<title>Error: Sign in" in response.text
        assert not OutgoingEmail.objects.exists()

    def test_a_post_with_no_fields_at_all_is_answered_with_the_error_not_a_blank_form(self, client):
        response = client.post(reverse("accounts:sign-in"))

        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert response.text.count("Enter your email address") == 2

    def test_keeps_what_was_typed_when_the_address_is_malformed(self, client):
        response = client.post(reverse("accounts:sign-in"), {"email": "someone at council"})
        assert response.status_code == 200
        assert "Enter an email address in the correct format" in response.text
        assert 'value="someone at council"' in response.text
        assert not OutgoingEmail.objects.exists()


class TestRequestingALink:
    def test_emails_a_link_when_the_address_is_known(self, request_link):
        user = UserFactory(email="clerk@leeds.gov.uk")
        response = request_link("Clerk@Leeds.gov.uk")
        assert response.status_code == 302
        assert response.url == reverse("accounts:check-email")
        email = OutgoingEmail.objects.get()
        assert email.recipient == user.email
        assert "/account/sign-in/link/?token=" in email.body_text

    def test_answers_the_same_when_the_address_is_unknown(self, client, request_link):
        """Nobody can tell from the reply whether an address has an account."""
        UserFactory(email="known@leeds.gov.uk")
        known = request_link("known@leeds.gov.uk")
        known_page = client.get(known.url).text.replace("known@leeds.gov.uk", "ADDRESS")
        unknown = request_link("unknown@leeds.gov.uk")
        unknown_page = client.get(unknown.url).text.replace("unknown@leeds.gov.uk", "ADDRESS")
        assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
        assert known_page == unknown_page

    def test_creates_an_unverified_account_when_the_address_is_new(self, request_link):
        request_link("new.person@stockport.gov.uk")
        user = User.objects.get(email="new.person@stockport.gov.uk")
        assert user.email_verified_at is None
        assert not user.has_usable_password()
        assert OutgoingEmail.objects.get().recipient == "new.person@stockport.gov.uk"

    def test_sends_staff_to_the_admin_instead_of_sending_a_link(self, request_link):
        """A staff account needs a password and a second factor, so it gets no link."""
        UserFactory(email="officer@communities.gov.uk", staff=True)
        request_link("officer@communities.gov.uk")
        email = OutgoingEmail.objects.get()
        assert "token=" not in email.body_text
        assert "/admin/" in email.body_text

    def test_sends_nothing_when_the_account_is_deactivated(self, request_link):
        UserFactory(email="left@leeds.gov.uk", is_active=False)
        response = request_link("left@leeds.gov.uk")
        assert response.url == reverse("accounts:check-email")
        assert not OutgoingEmail.objects.exists()

    def test_refuses_with_a_message_when_one_address_asks_too_often(self, request_link, settings):
        settings.SIGN_IN_RATE_PER_EMAIL = "3/h"
        for _ in range(3):
            assert request_link("busy@leeds.gov.uk").status_code == 302
        response = request_link("BUSY@leeds.gov.uk")
        assert response.status_code == 429
        assert "too many sign-in links for this email address" in response.text
        assert 'value="BUSY@leeds.gov.uk"' in response.text
        assert OutgoingEmail.objects.count() == 3

    def test_refuses_with_a_message_when_one_network_asks_too_often(self, request_link, settings):
        settings.SIGN_IN_RATE_PER_IP = "4/h"
        for n in range(4):
            assert request_link(f"person{n}@leeds.gov.uk").status_code == 302
        response = request_link("person99@leeds.gov.uk")
        assert response.status_code == 429
        assert "too many requests for sign-in links from your network" in response.text
        assert OutgoingEmail.objects.count() == 4


def open_link(client, link: str):
    """Open a sign-in link as a browser does: the token moves to the session."""
    response = client.get(link)
    assert response.status_code == 302
    assert response.url == reverse("accounts:link")
    return client.get(response.url)


def press_continue(client):
    return client.post(reverse("accounts:link"))


def signs_in_by_link(client, request_link, email: str = "clerk@leeds.gov.uk") -> str:
    """Ask for a link for a known ``email``, open it and press Continue; return the link."""
    UserFactory(email=email)
    request_link(email)
    link = link_in(OutgoingEmail.objects.get())
    open_link(client, link)
    press_continue(client)
    return link


class TestUsingALink:
    def test_opening_the_link_shows_continue_and_does_not_sign_in(self, client, request_link):
        """Mail scanners open links by themselves, so a GET must not use the token up."""
        UserFactory(email="clerk@leeds.gov.uk")
        request_link("clerk@leeds.gov.uk")
        link = link_in(OutgoingEmail.objects.get())
        for _ in range(3):
            response = open_link(client, link)
            assert response.status_code == 200
            assert "Continue" in response.text
            assert token_in(OutgoingEmail.objects.get()) not in response.text
        assert "_auth_user_id" not in client.session
        assert press_continue(client).status_code == 302
        assert "_auth_user_id" in client.session

    def test_continue_signs_in_and_verifies_the_email(self, client, request_link):
        UserFactory(email="newcomer@leeds.gov.uk", unverified=True)
        request_link("newcomer@leeds.gov.uk")
        open_link(client, link_in(OutgoingEmail.objects.get()))
        response = press_continue(client)
        assert response.status_code == 302
        assert response.url == reverse("pages:account")
        user = User.objects.get(email="newcomer@leeds.gov.uk")
        assert client.session["_auth_user_id"] == str(user.pk)
        assert user.email_verified_at is not None

    def test_back_after_continue_goes_to_the_account_not_an_error(self, client, request_link):
        signs_in_by_link(client, request_link)

        back = client.get(reverse("accounts:link"))

        assert (back.status_code, back.url) == (302, reverse("pages:account"))
        assert "_auth_user_id" in client.session

    def test_a_used_link_opened_again_while_signed_in_says_it_is_used(self, client, request_link):
        link = signs_in_by_link(client, request_link)

        again = open_link(client, link)

        assert "This link has expired or has been used" in again.text

    def test_a_link_works_only_once(self, client, request_link):
        link = signs_in_by_link(client, request_link)
        client.post(reverse("accounts:sign-out"))
        again = open_link(client, link)
        assert "This link has expired or has been used" in again.text
        assert "This link has expired or has been used" in press_continue(client).text
        assert "_auth_user_id" not in client.session

    def test_a_link_expires_after_15_minutes(self, client, request_link, monkeypatch):
        UserFactory(email="clerk@leeds.gov.uk")
        request_link("clerk@leeds.gov.uk")
        link = link_in(OutgoingEmail.objects.get())
        now = time.time()
        monkeypatch.setattr(time, "time", lambda: now + 14 * 60)
        assert "Continue" in open_link(client, link).text
        monkeypatch.setattr(time, "time", lambda: now + 15 * 60 + 1)
        response = press_continue(client)
        assert "This link has expired or has been used" in response.text
        assert "_auth_user_id" not in client.session

    def test_a_tampered_or_missing_token_is_refused(self, client):
        assert "expired or has been used" in client.get(reverse("accounts:link")).text
        for query in ("?token=", "?token=not-a-real-token"):
            response = open_link(client, f"{reverse('accounts:link')}{query}")
            assert response.status_code == 200
            assert "This link has expired or has been used" in response.text
        response = client.post(reverse("accounts:link"), {"token": "forged"})
        assert "This link has expired or has been used" in response.text
        assert "_auth_user_id" not in client.session

    def test_returns_to_the_page_that_asked_for_sign_in(self, client, request_link):
        UserFactory(email="clerk@leeds.gov.uk")
        request_link("clerk@leeds.gov.uk", next="/declaration/")
        open_link(client, link_in(OutgoingEmail.objects.get()))
        assert press_continue(client).url == "/declaration/"

    def test_ignores_a_next_address_on_another_site(self, client, request_link):
        UserFactory(email="clerk@leeds.gov.uk")
        request_link("clerk@leeds.gov.uk", next="https://evil.example.com/")
        email = OutgoingEmail.objects.get()
        assert "evil" not in email.body_text
        link = f"{reverse('accounts:link')}?token={token_in(email)}&next=https://evil.example.com/"
        open_link(client, link)
        assert press_continue(client).url == reverse("pages:account")

    def test_refuses_a_link_made_before_its_user_became_staff(self, client, request_link):
        """Staff sign in with a password and a second factor, never by link."""
        user = UserFactory(email="clerk@leeds.gov.uk")
        request_link("clerk@leeds.gov.uk")
        user.is_staff = True
        user.save()
        open_link(client, link_in(OutgoingEmail.objects.get()))
        assert "This link has expired or has been used" in press_continue(client).text
        assert "_auth_user_id" not in client.session


class TestReturningWhereYouWereGoing:
    """After signing in, people go back to the page they were on or going to: only a path
    on this site, carried from the sign-in page through the emailed link."""

    @pytest.mark.parametrize(
        "next_url",
        [
            "/declaration/sign/new/",
            "/signatories/?q=borsetshire&type=CTY",
            "/funding/rounds/round-5/",
        ],
    )
    def test_returns_to_a_path_on_this_site(self, client, request_link, next_url):
        UserFactory(email="clerk@leeds.gov.uk")
        request_link("clerk@leeds.gov.uk", next=next_url)

        open_link(client, link_in(OutgoingEmail.objects.get()))

        assert press_continue(client).url == next_url

    @pytest.mark.parametrize(
        "next_url",
        [
            "http://testserver/declaration/",
            "https://evil.example.com/",
            "//evil.example.com/",
            "/\\evil.example.com/",
            "javascript:alert(1)",
            "declaration/",
            "/account/sign-in/",
            "/account/sign-in/link/",
        ],
    )
    def test_goes_to_the_account_for_anything_but_a_path_on_this_site(
        self, client, request_link, next_url
    ):
        """Full addresses, even this site's, other sites, relative paths and the sign-in
        pages themselves are ignored, in the email and when the link is opened."""
        UserFactory(email="clerk@leeds.gov.uk")
        request_link("clerk@leeds.gov.uk", next=next_url)
        email = OutgoingEmail.objects.get()
        assert "next=" not in link_in(email)
        link = (
            f"{reverse('accounts:link')}?{urlencode({'token': token_in(email), 'next': next_url})}"
        )

        open_link(client, link)

        assert press_continue(client).url == reverse("pages:account")

    def test_the_sign_in_form_carries_where_you_were_going(self, client):
        response = client.get(f"{reverse('accounts:sign-in')}?next=%2Fdeclaration%2Fsign%2Fnew%2F")

        assert '<input type="hidden" name="next" value="/declaration/sign/new/"' in response.text

    def test_asking_for_a_new_link_keeps_where_you_were_going(self, client, request_link):
        response = request_link("clerk@leeds.gov.uk", next="/declaration/sign/new/")

        page = client.get(response.url)

        new_link = f"{reverse('accounts:sign-in')}?next=%2Fdeclaration%2Fsign%2Fnew%2F"
        assert f'href="{new_link}">ask for a new link' in page.text

    def test_sign_in_in_the_navigation_returns_to_the_page_it_was_pressed_on(self, client):
        response = client.get("/signatories/?q=borsetshire")

        assert 'href="/account/sign-in/?next=%2Fsignatories%2F%3Fq%3Dborsetshire"' in response.text

    @pytest.mark.parametrize("path", ["/", "/account/sign-in/"])
    def test_sign_in_in_the_navigation_goes_to_the_account_from_home_and_sign_in(
        self, client, path
    ):
        response = client.get(path)

        assert 'class="govuk-service-navigation__link" href="/account/sign-in/"' in response.text
        assert "/account/sign-in/?next=" not in response.text


class TestSignOut:
    def test_signs_out_on_post(self, client):
        client.force_login(UserFactory())
        response = client.post(reverse("accounts:sign-out"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_refuses_get(self, client):
        """Signing out changes state, so a link or prefetch cannot do it."""
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:sign-out")).status_code == 405
        assert "_auth_user_id" in client.session


class TestOneLinkPressedTwiceAtOnce:
    @pytest.mark.django_db(transaction=True)
    def test_signs_in_once_when_two_requests_use_one_token_together(self):
        """Two presses of Continue racing each other: the row lock lets only one through."""
        user = UserFactory(email="racer@leeds.gov.uk")
        token = get_token(user)
        barrier = threading.Barrier(2)
        results: list[object] = []

        def press() -> None:
            barrier.wait()
            try:
                results.append(services.sign_in_link_use(token=token))
            finally:
                connection.close()

        threads = [threading.Thread(target=press) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(result is not None for result in results) == [False, True]
