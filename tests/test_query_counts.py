"""List pages make the same number of queries whatever the number of rows.

Each list page is rendered at two sizes of data; the query counts must be equal. Later issues
add their list pages here.
"""

from __future__ import annotations

from collections.abc import Callable

import factory
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from declaration.models import OrganisationType
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def assert_flat(client: Client, path: str, grow: Callable[[int], object]) -> None:
    """Render ``path`` after ``grow(2)`` and again after ``grow(20)`` more rows: same queries."""
    grow(2)
    small = queries_for(client, path)
    grow(20)
    large = queries_for(client, path)
    assert small == large, f"{path}: {small} queries with few rows, {large} with many"


def test_home_page(client):
    types = factory.Iterator(OrganisationType.values)
    assert_flat(client, "/", lambda n: OrganisationFactory.create_batch(n, organisation_type=types))


def test_account_page(client):
    user = UserFactory()
    client.force_login(user)
    assert_flat(client, "/account/", lambda n: MembershipFactory.create_batch(n, user=user))
