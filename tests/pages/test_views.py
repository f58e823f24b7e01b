import pytest
from django.db import DatabaseError
from django.urls import reverse

from tests.declaration.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class TestHome:
    def test_shows_the_service_and_the_register_counts(self, client):
        """The home page says what the Declaration is and counts organisations by type."""
        OrganisationFactory.create_batch(3)
        response = client.get(reverse("pages:home"))
        assert response.status_code == 200
        assert "Local Digital Declaration" in response.text
        assert "District council" in response.text


class TestHealthz:
    def test_answers_200_with_json_when_the_database_answers(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["database"] == "ok"
        assert response.json()["status"] == "ok"

    def test_answers_503_when_the_database_does_not(self, client, monkeypatch):
        """A database that does not answer makes the health check fail, for the load balancer."""

        def broken_cursor(*args, **kwargs):
            raise DatabaseError("connection refused")

        monkeypatch.setattr("localdigital.pages.views.connection.cursor", broken_cursor)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "database": "unavailable",
            "broker": response.json()["broker"],
        }
