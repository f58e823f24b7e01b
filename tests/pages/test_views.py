import pytest
from django.db import DatabaseError
from django.urls import reverse
from pytest_django.asserts import assertContains

from declaration.models import OrganisationType
from localdigital.celery import app as celery_app
from tests.declaration.factories import OrganisationFactory
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db


def count_row(label: str, count: int) -> str:
    """Return the home page's table row that counts ``label`` organisations."""
    return (
        '<tr class="govuk-table__row">'
        f'<th scope="row" class="govuk-table__header">{label}</th>'
        f'<td class="govuk-table__cell govuk-table__cell--numeric">{count}</td>'
        "</tr>"
    )


class TestHome:
    def test_shows_the_service_and_the_register_counts(self, client):
        """The home page says what the Declaration is and counts open organisations by type."""
        OrganisationFactory.create_batch(3, organisation_type=OrganisationType.DISTRICT)
        OrganisationFactory.create(organisation_type=OrganisationType.DISTRICT, closed=True)
        OrganisationFactory.create(organisation_type=OrganisationType.COUNTY)
        response = client.get(reverse("pages:home"))
        assert response.status_code == 200
        assert "Local Digital Declaration" in response.text
        assertContains(response, count_row("District council", 3), html=True)
        assertContains(response, count_row("County council", 1), html=True)

    def test_says_none_are_loaded_when_the_register_is_empty(self, client):
        response = client.get(reverse("pages:home"))
        assert "No organisations have been loaded yet." in response.text


@pytest.fixture
def broker_up(monkeypatch):
    """A broker that answers: kombu's in-memory transport."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "memory://")


@pytest.fixture
def broker_down(monkeypatch):
    """A broker that does not answer: Redis on a port where nothing listens."""
    monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")


class TestHealthz:
    def test_answers_200_with_json_when_the_database_and_broker_answer(self, client, broker_up):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}

    def test_answers_200_and_reports_the_broker_when_only_the_broker_is_down(
        self, client, broker_down
    ):
        """Without a broker pages still work (email waits in the outbox), so stay in service."""
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "broker": "unavailable"}

    def test_answers_503_when_the_database_does_not(self, client, monkeypatch, broker_up):
        """A database that does not answer makes the health check fail, for the load balancer."""

        def broken_cursor(*args, **kwargs):
            raise DatabaseError("connection refused")

        monkeypatch.setattr("localdigital.pages.views.connection.cursor", broken_cursor)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "database": "unavailable",
            "broker": "ok",
        }
