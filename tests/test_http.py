"""How the service speaks HTTP (localdigital/http.py): HEAD is answered like GET and never
acts, and what is sent to a signed-in person is kept out of caches while public pages and
files stay cacheable. The walks over every URL are in tests/access/test_access.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.support.clients import client_for
from tests.training.factories import EnrolmentFactory
from training.models import EnrolmentStatus

pytestmark = pytest.mark.django_db

PRIVATE = ("no-cache", "no-store", "private")


class TestHead:
    def test_head_of_a_page_that_asks_to_confirm_never_does_it(self):
        """A link checker sending HEAD to "cancel your enrolment" gets the question's
        headers; the enrolment stays."""
        enrolment = EnrolmentFactory()
        url = reverse("training:enrolment-cancel", kwargs={"pk": enrolment.pk})
        response = client_for(enrolment.user).head(url)
        assert response.status_code == 200
        assert response.content == b""
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ENROLLED

    def test_healthz_answers_head(self):
        response = Client().head("/healthz")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"

    def test_methods_a_page_does_not_take_are_refused(self):
        response = Client().put(reverse("accounts:sign-in"))
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, POST"


class TestPrivateCache:
    def test_a_signed_in_persons_account_page_is_kept_out_of_caches(self):
        response = client_for(UserFactory()).get(reverse("pages:account"))
        assert response.status_code == 200
        for directive in PRIVATE:
            assert directive in response["Cache-Control"]

    def test_a_signed_in_persons_public_file_is_kept_out_of_caches_too(self):
        """Whatever the view said (open data is ``public``), a signed-in response is private."""
        response = client_for(UserFactory()).get(reverse("declaration:signatories-csv"))
        assert "public" not in response["Cache-Control"]
        for directive in PRIVATE:
            assert directive in response["Cache-Control"]

    def test_public_files_for_visitors_keep_their_own_header_and_do_not_vary(self):
        """A visitor with no session gets open data cacheable by everyone, without
        ``Vary: Cookie`` (their session was never looked at)."""
        response = Client().get(reverse("declaration:signatories-csv"))
        assert response["Cache-Control"] == "public, max-age=300"
        assert "Cookie" not in response.get("Vary", "")
