"""Test clients signed in as someone, and the pages they read."""

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


def page(client: Client, path: str, status: int = 200) -> str:
    """Return the page at ``path``, which must answer ``status``."""
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()
