"""Demo newsletter: confirmed subscribers from the demo's organisations, a draft issue, an
issue waiting for a second person's approval, and the comms team's test group."""

from __future__ import annotations

from declaration.models import Organisation
from localdigital.accounts.models import User
from newsletter import services as newsletter
from newsletter.models import NewsletterIssue, NewsletterTestGroup
from newsletter.services import test_groups

DRAFT_SUBJECT = "Local Digital news: Fund round open, and what signatories shipped"
DRAFT_BODY = """\
## The next Fund round is open

Councils that have signed the Declaration can now send expressions of interest. Each bid needs \
at least 3 signatory councils, the lead included.

## What signatories shipped this quarter

- Hackney opened its shared booking component for bulky waste collections.
- Leeds published the research behind its new council tax support journey.

Read every signatory's updates on the [list of signatories](/signatories/).
"""


TO_APPROVE_SUBJECT = "Local Digital news: training places for senior leaders"
TO_APPROVE_BODY = """\
## Digital leadership training: places open

Senior managers at signatory councils can take a free place on the next digital leadership \
course. Each council may send up to 2 people.

See the dates and places left on the [training page](/training/).
"""

TEST_GROUP = "Comms team"


def seed(*, communications: User) -> list[str]:
    """Add confirmed subscribers, one draft issue, one issue the Communications user wrote
    and asked approval for (which another member of staff, such as the superuser, approves),
    and the comms team's test group (the Communications user); return what was done, as
    lines."""
    added = 0
    for organisation in Organisation.objects.filter(signings__status="published").distinct()[:25]:
        added += newsletter.subscribers_import_confirmed(
            emails=[f"newsletter@{organisation.slug}.demo.localdigital.test"],
            organisation=organisation,
            imported_by=None,
        )
    drafted = 0
    if not NewsletterIssue.objects.filter(subject=DRAFT_SUBJECT).exists():
        newsletter.newsletter_issue_create(
            subject=DRAFT_SUBJECT, body=DRAFT_BODY, created_by=communications
        )
        drafted = 1
    asked = 0
    if not NewsletterIssue.objects.filter(subject=TO_APPROVE_SUBJECT).exists():
        issue = newsletter.newsletter_issue_create(
            subject=TO_APPROVE_SUBJECT, body=TO_APPROVE_BODY, created_by=communications
        )
        newsletter.newsletter_issue_ask_for_approval(issue_id=issue.pk, asked_by=communications)
        asked = 1
    grouped = 0
    if not NewsletterTestGroup.objects.filter(name=TEST_GROUP).exists():
        test_groups.newsletter_test_group_create(
            name=TEST_GROUP, recipients=[communications.email], created_by=communications
        )
        grouped = 1
    return [
        f"Newsletter: {added} confirmed subscribers added now; "
        f"{drafted} draft issue written now, for Communications staff to finish and ask for "
        "approval; "
        f"{asked} issue waiting for approval made now, which another member of staff than "
        f"{communications.email} (the superuser, say) approves or returns; "
        f"{grouped} test group ({TEST_GROUP}) made now, to send it to first."
    ]
