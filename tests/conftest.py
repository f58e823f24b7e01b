"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.accounts.models import User
from tests.accounts.factories import UserFactory

STAFF_GROUPS = ("Fund manager", "Assessor", "Training administrator", "Communications")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Start every test with empty rate-limit counters."""
    cache.clear()


def sign_in_staff(client: Client, user: User) -> Client:
    """Sign ``user`` in as if with password and authenticator app (an OTP-verified session)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def staff_client(client: Client) -> Callable[..., Client]:
    """Return a client signed in, with two factors, as a member of the given staff group."""

    def make(group: str | None = None, *, superuser: bool = False, **fields: object) -> Client:
        user = UserFactory(staff=True, is_superuser=superuser, **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return sign_in_staff(client, user)

    return make
