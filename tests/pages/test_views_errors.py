"""Error pages are GOV.UK pages, not Django's defaults."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from localdigital.pages.views import bad_request, csrf_failure, server_error
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_page_not_found_is_a_gov_uk_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.text
    assert "govuk-footer" in response.text


def test_forbidden_is_a_gov_uk_page(client):
    """A council user asking for a staff page is told plainly, not shown a stack trace."""
    client.force_login(UserFactory())
    response = client.get("/staff/two-factor/setup/")
    assert response.status_code == 403
    assert "You cannot see this page" in response.text


def test_server_error_renders_without_any_context():
    """The 500 page must render even when the failure was in the request's own context."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_a_crashing_view_gives_the_500_page(client, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "localdigital.pages.views.declaration_selectors.organisation_counts_by_type", crash
    )
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text


def test_csrf_failure_view_explains_an_expired_session_on_a_gov_uk_page():
    """The page tells people what to do, not Django's technical reason."""
    request = RequestFactory().post("/account/sign-in/")
    response = csrf_failure(request, reason="CSRF cookie not set.")
    text = response.content.decode()
    assert response.status_code == 403
    assert '<h1 class="govuk-heading-l">Your session has expired</h1>' in text
    assert "Go back to the previous page, refresh it, and try again." in text
    assert "govuk-footer" in text
    assert "CSRF cookie not set" not in text


def test_a_form_posted_without_its_csrf_token_gets_the_gov_uk_page():
    """Needs CSRF_FAILURE_VIEW = "localdigital.pages.views.csrf_failure" in the settings."""
    assert settings.CSRF_FAILURE_VIEW == "localdigital.pages.views.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign-in"), {"email": "officer@borsetshire.gov.uk"})
    assert response.status_code == 403
    assert "Your session has expired" in response.text
    assert "govuk-header" in response.text


def test_bad_request_renders_without_any_context():
    """The 400 page renders even when the request cannot be trusted, such as its host."""
    response = bad_request(RequestFactory().get("/"))
    assert response.status_code == 400
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_a_request_for_an_unknown_host_gets_the_gov_uk_400_page(client):
    """A Host header outside ALLOWED_HOSTS is refused with handler400's page."""
    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with the service" in response.text
    assert "govuk-footer" in response.text


def test_a_button_address_opened_by_its_address_gets_the_gov_uk_405_page(client):
    """A POST-only address, typed or reloaded, says what happened, with the methods it takes."""
    response = client.get("/account/sign-out/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This page cannot be opened this way" in response.text
    assert 'class="govuk-header' in response.text
    assert response.headers.get("Content-Security-Policy")
