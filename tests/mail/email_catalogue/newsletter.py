"""The newsletter's emails: confirming a subscription, an issue, a test send, the link to
manage one's subscription."""

from __future__ import annotations

from tests.mail.email_catalogue import (
    scenario,
    staff_in,
)

NEWSLETTER_BODY = (
    "## Round 5 of the Local Digital Fund is open\n\n"
    "Read [the round's rules](/funding/) and [who has signed](/signatories/)."
)


@scenario
def newsletter_confirmation() -> None:
    from newsletter.services import subscriber_subscribe

    subscriber_subscribe(email="reader@borsetshire.gov.uk", organisation=None)


@scenario
def newsletter_issue() -> None:
    from newsletter.services import newsletter_issue_fan_out
    from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory

    SubscriberFactory.create()
    issue = NewsletterIssueFactory.create(
        sending=True, body=NEWSLETTER_BODY, created_by=staff_in("Communications")
    )
    newsletter_issue_fan_out(issue_id=issue.pk, after=0)


@scenario
def newsletter_test_to_a_group() -> None:
    """One of the group subscribes (their own links), one does not (the public pages')."""
    from newsletter.services import newsletter_issue_test_send
    from tests.newsletter.factories import (
        NewsletterIssueFactory,
        NewsletterTestGroupFactory,
        SubscriberFactory,
    )

    subscriber = SubscriberFactory.create()
    group = NewsletterTestGroupFactory.create(
        recipients=[subscriber.email, "press.office@communities.gov.uk"]
    )
    issue = NewsletterIssueFactory.create(
        body=NEWSLETTER_BODY, created_by=staff_in("Communications")
    )
    newsletter_issue_test_send(
        issue_id=issue.pk, sent_by=staff_in("Communications"), group_id=group.pk
    )


@scenario
def newsletter_manage_link() -> None:
    from newsletter.services import subscriber_manage_link_send
    from tests.newsletter.factories import SubscriberFactory

    subscriber_manage_link_send(email=SubscriberFactory.create(unsubscribed=True).email)
