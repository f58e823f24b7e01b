"""Rotating SECRET_KEY: with the old key in SECRET_KEY_FALLBACKS, nobody is signed out and
links already sent still work; once it is removed, what it signed works no more."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from localdigital.mail.models import OutgoingEmail
from newsletter.selectors import newsletter as newsletter_selectors
from tests.accounts.conftest import link_in
from tests.accounts.factories import UserFactory
from tests.newsletter.factories import SubscriberFactory
from tests.support.deployment import manage, production_environment

pytestmark = pytest.mark.django_db
NEW_KEY = "rotated-secret-key-" + "z" * 40


def test_production_reads_the_fallbacks_from_the_environment():
    code = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    rotated = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        environment=production_environment(SECRET_KEY_FALLBACKS="first-old-key,second-old-key"),
    )
    assert rotated.stdout.strip() == "['first-old-key', 'second-old-key']", rotated.stderr
    unset = manage("shell", "--no-imports", "-c", code, environment=production_environment())
    assert unset.stdout.strip() == "[]", unset.stderr


class TestSignedInPeople:
    def test_stay_signed_in_while_the_old_key_is_a_fallback(self, client, settings):
        client.force_login(UserFactory())
        old = settings.SECRET_KEY
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [old]
        assert client.get(reverse("pages:account")).status_code == 200

    def test_are_signed_out_once_the_old_key_is_removed(self, client, settings):
        client.force_login(UserFactory())
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
        response = client.get(reverse("pages:account"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign-in"))


class TestSignInLinksAlreadySent:
    def _link(self) -> str:
        UserFactory(email="clerk@leeds.gov.uk")
        Client().post(reverse("accounts:sign-in"), {"email": "clerk@leeds.gov.uk"})
        return link_in(OutgoingEmail.objects.get())

    def _signs_in(self, link: str) -> bool:
        client = Client()
        client.get(link)
        client.post(reverse("accounts:link"))
        return client.get(reverse("pages:account")).status_code == 200

    def test_work_while_the_old_key_is_a_fallback(self, settings):
        link = self._link()
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [settings.SECRET_KEY]
        assert self._signs_in(link)

    def test_work_no_more_once_the_old_key_is_removed(self, settings):
        link = self._link()
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
        assert not self._signs_in(link)


class TestNewsletterUnsubscribeLinks:
    """They never expire, and are signed with SECRET_KEY: emails sent before a rotation keep
    working only while the old key stays in SECRET_KEY_FALLBACKS (docs/operations.md)."""

    def test_work_while_the_old_key_is_a_fallback_and_not_after(self, settings):
        subscriber = SubscriberFactory()
        token = newsletter_selectors.subscriber_unsubscribe_token(subscriber=subscriber)
        old = settings.SECRET_KEY
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [old]
        assert newsletter_selectors.unsubscribe_token_read(token=token) == subscriber.pk
        settings.SECRET_KEY_FALLBACKS = []
        assert newsletter_selectors.unsubscribe_token_read(token=token) is None
