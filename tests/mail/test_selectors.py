"""How many of a set of emails are in each status (localdigital/mail/selectors.py)."""

from __future__ import annotations

import pytest

from localdigital.mail import selectors
from localdigital.mail.models import SUPPRESSED_ERROR, EmailStatus
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory

pytestmark = pytest.mark.django_db


class TestEmailsStatusCounts:
    def test_counts_each_status_with_suppressed_failures_apart(self):
        emails = [
            OutgoingEmailFactory(newsletter=True),
            OutgoingEmailFactory(newsletter=True, sent=True),
            OutgoingEmailFactory(newsletter=True, sent=True),
            OutgoingEmailFactory(newsletter=True, failed=True),
            OutgoingEmailFactory(newsletter=True, failed=True, last_error=SUPPRESSED_ERROR),
            OutgoingEmailFactory(newsletter=True, status=EmailStatus.HELD),
        ]
        OutgoingEmailFactory(sent=True)
        counts = selectors.emails_status_counts(email_ids=[email.pk for email in emails])
        assert counts == {
            "queued": 1,
            "sending": 0,
            "sent": 2,
            "failed": 1,
            "held": 1,
            "cancelled": 0,
            "suppressed": 1,
        }
        assert not selectors.emails_are_finished(email_ids=[email.pk for email in emails])
        assert selectors.emails_are_finished(email_ids=[emails[1].pk, emails[3].pk])

    def test_finds_suppressed_addresses_whatever_their_case(self):
        SuppressionFactory(email="bounced@borsetshire.gov.uk")
        assert selectors.suppressed_addresses(
            emails=["Bounced@Borsetshire.gov.uk", "reader@borsetshire.gov.uk"]
        ) == {"bounced@borsetshire.gov.uk"}
        assert selectors.suppressed_addresses(emails=[]) == set()
