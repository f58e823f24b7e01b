"""Test clients signed in as someone."""

from __future__ import annotations

from django.test import Client

from localdigital.accounts.models import User


def client_for(user: User | None) -> Client:
    """Return a new client signed in as ``user``, with one factor (enough for every page but
    the admin, which needs two: see ``otp_verified_client_for``)."""
    assert user is not None, "nobody to sign in"
    client = Client()
    client.force_login(user)
    return client
