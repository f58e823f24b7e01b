"""How the service speaks HTTP (localdigital/http.py): HEAD is answered like GET and never
acts. The walk over every URL is in tests/access/test_access.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.training.factories import EnrolmentFactory
from training.models import EnrolmentStatus

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestHead:
    def test_head_of_a_page_that_asks_to_confirm_never_does_it(self):
        """A link checker sending HEAD to "cancel your enrolment" gets the question's
        headers; the enrolment stays."""
        enrolment = EnrolmentFactory()
        url = reverse("training:enrolment-cancel", kwargs={"pk": enrolment.pk})
        response = signed_in(enrolment.user).head(url)
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
