"""The users' admin pages: a superuser adds an account and changes someone's privileges,
each through the accounts' services and audited; an address another account holds, in any
case, is refused once, beside the field, with what was typed kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localdigital.accounts.admin.forms import EMAIL_TAKEN
from localdigital.accounts.models import User
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounts_user_add")


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


class TestAddingAUser:
    def test_adds_the_account_through_the_service_and_audits_it(
        self, otp_verified_superuser_client
    ):
        response = otp_verified_superuser_client.post(
            ADD, {"email": "new.officer@borsetshire.gov.uk", "full_name": "New Officer"}
        )

        user = User.objects.get(email="new.officer@borsetshire.gov.uk")
        assert response.status_code == 302
        assert user.full_name == "New Officer"
        assert not user.is_staff
        event = AuditEvent.objects.get(verb="accounts.user.created")
        assert event.target_object_id == str(user.pk)
        assert event.actor.is_superuser

    @pytest.mark.parametrize(
        "typed", ["taken@borsetshire.gov.uk", "TAKEN@Borsetshire.gov.uk"], ids=["same", "case"]
    )
    def test_says_once_beside_the_address_that_another_account_has_it(
        self, otp_verified_superuser_client, typed
    ):
        UserFactory(email="taken@borsetshire.gov.uk")

        response = otp_verified_superuser_client.post(
            ADD, {"email": typed, "full_name": "Second Officer"}
        )

        assert response.status_code == 200
        form = response.context["adminform"].form
        assert form.errors == {"email": [EMAIL_TAKEN]}
        assert response.text.count("already exists") == 1
        assert 'value="Second Officer"' in response.text
        assert User.objects.filter(email__iexact="taken@borsetshire.gov.uk").count() == 1
        assert not AuditEvent.objects.filter(verb="accounts.user.created").exists()

    def test_asks_for_an_address(self, otp_verified_superuser_client):
        response = otp_verified_superuser_client.post(ADD, {"email": "", "full_name": "Nobody"})

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["email"] == ["This field is required."]
        assert 'value="Nobody"' in response.text
        assert not User.objects.filter(full_name="Nobody").exists()


class TestChangingAUser:
    def post(self, client, user: User, **changes: object):
        data = {
            "email": user.email,
            "full_name": user.full_name,
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
            **changes,
        }
        return client.post(change_url(user), {k: v for k, v in data.items() if v is not None})

    def test_records_what_changed_in_their_privileges(self, otp_verified_superuser_client):
        user = UserFactory(full_name="Ann Officer")

        response = self.post(otp_verified_superuser_client, user, is_staff="on")

        assert response.status_code == 302
        user.refresh_from_db()
        assert user.is_staff
        event = AuditEvent.objects.get(verb="accounts.user.privileges_changed")
        assert event.target_object_id == str(user.pk)

    def test_keeps_another_accounts_address_from_being_taken_in_any_case(
        self, otp_verified_superuser_client
    ):
        UserFactory(email="taken@borsetshire.gov.uk")
        user = UserFactory(email="mine@borsetshire.gov.uk")

        response = self.post(otp_verified_superuser_client, user, email="Taken@borsetshire.gov.uk")

        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {"email": [EMAIL_TAKEN]}
        user.refresh_from_db()
        assert user.email == "mine@borsetshire.gov.uk"

    def test_keeps_its_own_address_when_other_fields_change(self, otp_verified_superuser_client):
        user = UserFactory(email="mine@borsetshire.gov.uk")

        response = self.post(otp_verified_superuser_client, user, full_name="New Name")

        assert response.status_code == 302
        user.refresh_from_db()
        assert user.full_name == "New Name"
