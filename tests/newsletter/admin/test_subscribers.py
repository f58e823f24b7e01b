"""Subscribers in the admin (newsletter/admin/subscribers.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


class TestSubscriberAdmin:
    def test_communications_see_subscribers_but_change_nothing(self, comms):
        subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
        changelist = comms.get(reverse("admin:newsletter_subscriber_changelist"))
        assert "clerk@stockport.gov.uk" in changelist.content.decode()
        change_url = reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])
        page = comms.get(change_url).content.decode()
        assert 'name="email"' not in page
        comms.post(change_url, {"email": "someone@else.gov.uk", "status": "pending"})
        subscriber.refresh_from_db()
        assert subscriber.email == "clerk@stockport.gov.uk"

    def test_nobody_adds_a_subscriber_by_hand(self, otp_verified_superuser_client):
        response = otp_verified_superuser_client.get(reverse("admin:newsletter_subscriber_add"))
        assert response.status_code == 403
