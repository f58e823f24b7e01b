"""The staff work queue on the admin's home page makes the same number of queries however many
rows are waiting."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.pages.waiting_rows import WaitingRows

pytestmark = pytest.mark.django_db


def queries_and_texts(client: Client) -> tuple[int, list[str]]:
    """Return how many queries the admin's home page made, and what its queue says."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    sections = response.context["work_queue"]
    return len(captured), [waiting.text for section in sections for waiting in section.waiting]


@pytest.mark.parametrize("group", [None, "Assessor"], ids=["superuser", "assessor"])
def test_the_work_queue_makes_the_same_number_of_queries_for_10_and_1000_rows(
    otp_verified_client_for, group
):
    """No query per row waiting, whatever there is of each."""
    assessor = UserFactory(staff=True, groups=["Assessor"])
    viewer = assessor if group else UserFactory(staff=True, is_superuser=True, groups=["Assessor"])
    client = otp_verified_client_for(viewer)
    rows = WaitingRows.make(assessor=assessor, second_assessor=UserFactory(staff=True))

    rows.grow(10)
    small, first = queries_and_texts(client)
    rows.grow(990)
    large, second = queries_and_texts(client)

    assert small == large, f"{small} queries with 10 rows of each, {large} with 1,000"
    assert first != second
    assert "1,000" in " ".join(second)
