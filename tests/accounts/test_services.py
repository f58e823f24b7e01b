from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from localdigital.accounts import services
from localdigital.accounts.models import User
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestUser:
    def test_refuses_a_second_account_when_the_email_differs_only_in_case(self):
        UserFactory(email="clerk@leeds.gov.uk")
        with pytest.raises(IntegrityError):
            User.objects.create_user("Clerk@Leeds.gov.uk")

    def test_finds_the_account_whatever_the_case_when_signing_in(self):
        user = UserFactory(email="clerk@leeds.gov.uk")
        assert User.objects.get_by_natural_key("CLERK@leeds.GOV.uk") == user


class TestUserCreate:
    def test_creates_an_account_without_a_password_and_records_who(self):
        officer = UserFactory(staff=True)
        user = services.user_create(email="new@leeds.gov.uk", full_name="New", created_by=officer)
        assert not user.has_usable_password()
        assert not user.created_by_sign_in
        event = AuditEvent.objects.get(verb="accounts.user.created")
        assert event.actor == officer

    def test_is_kept_by_the_prune_when_staff_created_it(self):
        user = services.user_create(email="invited@leeds.gov.uk", created_by=None)
        later = timezone.now() + timedelta(days=30)
        assert services.unverified_users_prune(now=later, older_than=timedelta(days=7)) == 0
        assert User.objects.filter(pk=user.pk).exists()


class TestUserPrivilegesRecord:
    def test_records_a_change_of_staff_status(self):
        user = UserFactory(is_staff=True)
        services.user_privileges_record(
            user=user, changed=["is_staff", "full_name"], changed_by=None
        )
        event = AuditEvent.objects.get(verb="accounts.user.privileges_changed")
        assert event.data["fields"] == ["is_staff"]
        assert event.data["is_staff"] is True

    def test_records_nothing_when_no_privilege_changed(self):
        services.user_privileges_record(user=UserFactory(), changed=["full_name"], changed_by=None)
        assert not AuditEvent.objects.exists()
