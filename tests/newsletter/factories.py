"""Factories for the newsletter's models: subscribers and issues, in each of their states."""

import datetime

import factory
from django.utils import timezone

from newsletter.models import (
    IssueStatus,
    NewsletterIssue,
    NewsletterTestGroup,
    Subscriber,
    SubscriberStatus,
    issue_content_hash,
)
from tests.accounts.factories import UserFactory


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber; ``pending=True`` and ``unsubscribed=True`` give the others."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@borsetshire.gov.uk")
    status = SubscriberStatus.CONFIRMED
    created_at = factory.LazyFunction(lambda: _days_ago(3))
    subscribed_at = factory.LazyFunction(lambda: _days_ago(3))
    confirmed_at = factory.LazyFunction(lambda: _days_ago(2))

    class Params:
        pending = factory.Trait(
            status=SubscriberStatus.PENDING,
            subscribed_at=factory.LazyFunction(timezone.now),
            confirmed_at=None,
        )
        unsubscribed = factory.Trait(
            status=SubscriberStatus.UNSUBSCRIBED,
            unsubscribed_at=factory.LazyFunction(lambda: _days_ago(1)),
        )


def _approval(**states: object) -> dict[str, object]:
    """Return an approval of the issue's content as it is made, by another member of staff
    than the one who wrote it and asked."""
    return {
        "approval_requested_at": factory.LazyFunction(lambda: _days_ago(1)),
        "approval_requested_by": factory.SelfAttribute("created_by"),
        "approved_at": factory.LazyFunction(timezone.now),
        "approved_by": factory.SubFactory(UserFactory, staff=True),
        "approved_content_hash": factory.LazyAttribute(
            lambda issue: issue_content_hash(subject=issue.subject, body=issue.body)
        ),
        **states,
    }


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    """A draft issue; ``awaiting_approval``, ``approved``, ``scheduled``, ``sending``,
    ``paused``, ``cancelled`` and ``sent`` give the other states, with their times. An
    approved issue, and one scheduled, was approved by another member of staff than its
    author, who asked."""

    class Meta:
        model = NewsletterIssue

    subject = factory.Sequence(lambda n: f"Local Digital news, issue {n}")
    body = (
        "## Round 5 of the Local Digital Fund is open\n\n"
        "Councils that have signed the Declaration can send an **expression of interest**.\n\n"
        "- Up to £350,000 for each project\n"
        "- At least 3 councils in each bid\n\n"
        "[Read the round's rules](https://localdigital.gov.uk/funding/)"
    )
    created_by = factory.SubFactory(UserFactory, staff=True)
    edited_by = factory.SelfAttribute("created_by")

    class Params:
        awaiting_approval = factory.Trait(
            status=IssueStatus.AWAITING_APPROVAL,
            approval_requested_at=factory.LazyFunction(timezone.now),
            approval_requested_by=factory.SelfAttribute("created_by"),
        )
        approved = factory.Trait(**_approval(status=IssueStatus.APPROVED))
        scheduled = factory.Trait(
            **_approval(),
            status=IssueStatus.SCHEDULED,
            scheduled_for=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
            scheduled_at=factory.LazyFunction(timezone.now),
        )
        sending = factory.Trait(
            status=IssueStatus.SENDING,
            started_at=factory.LazyFunction(timezone.now),
            fanout_progressed_at=factory.LazyFunction(timezone.now),
        )
        paused = factory.Trait(
            status=IssueStatus.PAUSED,
            started_at=factory.LazyFunction(timezone.now),
            paused_at=factory.LazyFunction(timezone.now),
            fanout_progressed_at=factory.LazyFunction(timezone.now),
        )
        cancelled = factory.Trait(
            status=IssueStatus.CANCELLED,
            cancelled_at=factory.LazyFunction(timezone.now),
        )
        sent = factory.Trait(
            status=IssueStatus.SENT,
            started_at=factory.LazyFunction(lambda: _days_ago(1)),
            fanout_progressed_at=factory.LazyFunction(lambda: _days_ago(1)),
            fanout_completed_at=factory.LazyFunction(lambda: _days_ago(1)),
            sent_at=factory.LazyFunction(lambda: _days_ago(1)),
        )


class NewsletterTestGroupFactory(factory.django.DjangoModelFactory):
    """A test group of two people."""

    class Meta:
        model = NewsletterTestGroup

    name = factory.Sequence(lambda n: f"Comms team {n}")
    recipients = factory.LazyFunction(
        lambda: ["press.office@communities.gov.uk", "digital.comms@communities.gov.uk"]
    )
