"""Writes about newsletter test groups: the named lists of people, such as the comms team,
whom staff send an issue to, marked as a test, before it goes to every subscriber.

Each change is audited. Sending a test is ``newsletter_issue_test_send`` in ``newsletter``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from ..errors import TestGroupInvalid
from ..models import NewsletterTestGroup
from ..models.issues import TEST_GROUP_MAX_RECIPIENTS


def test_group_recipients_clean(recipients: Iterable[str]) -> list[str]:
    """Return the addresses stripped, blanks dropped, and each once whatever its case, in
    the order given. Raise ``TestGroupInvalid`` for none, too many or one not valid.

    The admin's form calls it too, to show the reason beside the field."""
    cleaned: dict[str, str] = {}
    for address in (recipient.strip() for recipient in recipients):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as error:
            raise TestGroupInvalid(
                f"Enter each email address in the correct format, like name@example.gov.uk: "
                f"{address} is not"
            ) from error
        cleaned.setdefault(address.lower(), address)
    if not cleaned:
        raise TestGroupInvalid("Enter at least one email address")
    if len(cleaned) > TEST_GROUP_MAX_RECIPIENTS:
        raise TestGroupInvalid(
            f"A test group can have at most {TEST_GROUP_MAX_RECIPIENTS} email addresses"
        )
    return list(cleaned.values())


def test_group_name_clean(name: str) -> str:
    """Return the name stripped. Raise ``TestGroupInvalid`` when it is blank."""
    name = name.strip()
    if not name:
        raise TestGroupInvalid("Enter a name for the test group")
    return name


def _save(group: NewsletterTestGroup, fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            group.save(update_fields=fields)
    except IntegrityError as error:
        # Another member of staff gave a group the same name a moment ago.
        raise TestGroupInvalid("There is already a test group with this name") from error


def newsletter_test_group_create(
    *, name: str, recipients: Iterable[str], created_by: User
) -> NewsletterTestGroup:
    """Make a test group of the addresses ``recipients``.

    Addresses are kept once each, whatever their case. Raise ``TestGroupInvalid`` for a
    blank or taken name, an address that is not valid, or none or more than 50 addresses.
    """
    group = NewsletterTestGroup(
        name=test_group_name_clean(name),
        recipients=test_group_recipients_clean(recipients),
        created_by=created_by,
    )
    with transaction.atomic():
        _save(group)
        audit_record(
            actor=created_by,
            verb="declaration.newsletter_test_group.created",
            target=group,
            data={"name": group.name, "recipients": group.recipients},
        )
    return group


def newsletter_test_group_update(
    *, group_id: int, name: str, recipients: Iterable[str], changed_by: User
) -> NewsletterTestGroup:
    """Change a test group's name and addresses, with the rules of
    ``newsletter_test_group_create``; the audit event keeps what they were."""
    name, addresses = test_group_name_clean(name), test_group_recipients_clean(recipients)
    with transaction.atomic():
        group = NewsletterTestGroup.objects.select_for_update().get(pk=group_id)
        before = {"name": group.name, "recipients": group.recipients}
        group.name, group.recipients = name, addresses
        _save(group, ["name", "recipients", "updated_at"])
        audit_record(
            actor=changed_by,
            verb="declaration.newsletter_test_group.changed",
            target=group,
            data={"before": before, "after": {"name": name, "recipients": addresses}},
        )
    return group


def newsletter_test_group_delete(*, group_id: int, deleted_by: User) -> None:
    """Delete a test group; the audit event keeps its name and addresses."""
    with transaction.atomic():
        group = NewsletterTestGroup.objects.select_for_update().get(pk=group_id)
        audit_record(
            actor=deleted_by,
            verb="declaration.newsletter_test_group.deleted",
            target=group,
            data={"name": group.name, "recipients": group.recipients},
        )
        group.delete()
