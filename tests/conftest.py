"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.accounts.models import User
from tests.accounts.factories import UserFactory

pytest_plugins = ["tests.fixtures.worker"]

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
def otp_verified_client_for(db: None) -> Callable[[User], Client]:
    """Return a function that signs a user in on a new client, with two factors.

    The admin site needs a session verified by a confirmed TOTP device, which is what
    ``django_otp.login`` records after a correct code. Each call makes its own client, so a
    test can act as several people at once.
    """
    return lambda user: sign_in_staff(Client(), user)


@pytest.fixture
def otp_verified_superuser_client(otp_verified_client_for: Callable[[User], Client]) -> Client:
    """A client signed in to the admin as a superuser, with two factors."""
    return otp_verified_client_for(UserFactory.create(staff=True, is_superuser=True))
