"""Migrations of the outbox that change rows as well as the schema."""

from collections.abc import Iterator

import pytest
from django.db.migrations.state import StateApps

from localdigital.mail.models import SENSITIVE_BODY_REMOVED
from tests.support.migrations import migrate_to, migrate_to_latest

BEFORE = ("mail", "0002_staff_group_permissions")
AFTER = ("mail", "0003_outgoingemail_is_sensitive")


@pytest.fixture
def outbox_before_sensitive_emails(transactional_db: None) -> Iterator[StateApps]:
    """The outbox before 0003, migrated forward to the latest afterwards whatever happens."""
    try:
        yield migrate_to(BEFORE)
    finally:
        migrate_to_latest()


def test_0003_removes_the_links_of_sign_in_emails_already_sent(outbox_before_sensitive_emails):
    """Sent sign-in emails lose their links; unsent ones keep them; other email is untouched."""
    old_email = outbox_before_sensitive_emails.get_model("mail", "OutgoingEmail")
    now = "2026-11-25T09:00:00+00:00"

    def email(key: str, **fields: object) -> int:
        return old_email.objects.create(
            recipient="officer@borsetshire.gov.uk",
            subject="Your Local Digital sign-in link",
            body_text=f"Sign in: http://testserver/?token=secret-{key}",
            idempotency_key=key,
            message_id=f"<{key}@localdigital.gov.uk>",
            **fields,
        ).pk

    sent = email("accounts.sign-in.1", status="sent", sending_started_at=now, sent_at=now)
    queued = email("accounts.sign-in.2")
    newsletter = email("newsletter.1", status="sent", sending_started_at=now, sent_at=now)

    new_email = migrate_to(AFTER).get_model("mail", "OutgoingEmail")

    rows = {row.pk: row for row in new_email.objects.all()}
    assert (rows[sent].is_sensitive, rows[sent].body_text, rows[sent].body_html) == (
        True,
        SENSITIVE_BODY_REMOVED,
        "",
    )
    assert rows[queued].is_sensitive
    assert rows[queued].body_text.endswith("secret-accounts.sign-in.2")
    assert not rows[newsletter].is_sensitive
    assert rows[newsletter].body_text.endswith("secret-newsletter.1")
