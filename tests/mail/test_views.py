import json

import pytest
from django.test import Client
from django.urls import reverse

from localdigital.mail.models import DeliveryStatus, OutgoingEmail, Suppression, SuppressionReason

from .factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-token-shared-with-notify"


@pytest.fixture(autouse=True)
def callback_token(settings):
    settings.GOVUK_NOTIFY_CALLBACK_TOKEN = TOKEN


@pytest.fixture
def notify():
    """A client like GOV.UK Notify: no session, no CSRF token, and CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def receipt(email: OutgoingEmail, status: str) -> dict:
    return {
        "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
        "reference": email.message_id,
        "to": email.recipient,
        "status": status,
        "created_at": "2026-06-01T11:55:00.000000Z",
        "completed_at": "2026-06-01T11:55:07.000000Z",
        "sent_at": "2026-06-01T11:55:02.000000Z",
        "notification_type": "email",
        "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "template_version": 1,
    }


def post_receipt(client: Client, body: object, authorization: str | None = f"Bearer {TOKEN}"):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return client.post(
        reverse("mail:notify-delivery-receipt"),
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


class TestNotifyDeliveryReceipt:
    def test_suppresses_the_address_and_records_it_when_notify_reports_a_permanent_failure(
        self, notify
    ):
        """A hard bounce from Notify is recorded on the email and suppresses its address."""
        sent = OutgoingEmailFactory(sent=True)
        response = post_receipt(notify, receipt(sent, "permanent-failure"))
        assert response.status_code == 204
        sent.refresh_from_db()
        assert sent.delivery_status == DeliveryStatus.PERMANENT_FAILURE
        suppression = Suppression.objects.get()
        assert suppression.email == sent.recipient
        assert suppression.reason == SuppressionReason.HARD_BOUNCE

    def test_records_the_delivery_when_notify_reports_the_email_delivered(self, notify):
        """A delivered receipt is recorded, and suppresses nothing."""
        sent = OutgoingEmailFactory(sent=True)
        assert post_receipt(notify, receipt(sent, "delivered")).status_code == 204
        sent.refresh_from_db()
        assert sent.delivery_status == DeliveryStatus.DELIVERED
        assert sent.provider_reference == "740e5834-3a29-46b4-9a6f-16142fde533a"
        assert not Suppression.objects.exists()

    @pytest.mark.parametrize("authorization", [None, "", "Basic dXNlcjpwYXNz", "Bearer "])
    def test_answers_401_when_there_is_no_bearer_token(self, notify, authorization):
        """Without a bearer token the receipt is refused and nothing is written."""
        sent = OutgoingEmailFactory(sent=True)
        response = post_receipt(notify, receipt(sent, "permanent-failure"), authorization)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert not Suppression.objects.exists()

    def test_answers_403_when_the_token_is_wrong(self, notify):
        """Someone who does not know the token cannot suppress an address."""
        sent = OutgoingEmailFactory(sent=True)
        response = post_receipt(notify, receipt(sent, "permanent-failure"), "Bearer guessed")
        assert response.status_code == 403
        assert not Suppression.objects.exists()

    def test_answers_403_when_no_token_is_configured(self, notify, settings):
        """An unset token refuses every receipt, rather than accepting any."""
        settings.GOVUK_NOTIFY_CALLBACK_TOKEN = ""
        sent = OutgoingEmailFactory(sent=True)
        response = post_receipt(notify, receipt(sent, "permanent-failure"), "Bearer anything")
        assert response.status_code == 403
        assert not Suppression.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ("{not json", None),
            ([], "id"),
            ({"id": "740e5834", "to": "officer@borsetshire.gov.uk", "status": "lost"}, "status"),
            ({"id": "740e5834", "to": "not an address", "status": "delivered"}, "to"),
        ],
    )
    def test_answers_400_when_the_body_is_not_a_receipt(self, notify, body, field):
        """A malformed receipt is refused and says which field is wrong."""
        response = post_receipt(notify, body)
        assert response.status_code == 400
        if field:
            assert field in response.json()["errors"]

    def test_answers_405_when_not_posted(self, notify):
        """Notify only ever posts receipts."""
        response = notify.get(
            reverse("mail:notify-delivery-receipt"), headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 405
