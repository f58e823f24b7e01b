"""Error pages are GOV.UK pages, not Django's defaults."""

import pytest
from django.test import RequestFactory

from localdigital.pages.views import server_error
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
