"""Reads about the newsletter: subscription links, organisations to choose, an issue's content
and its progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from declaration.models import Organisation
from declaration.selectors import organisations as organisation_selectors
from localdigital.links import absolute_url
from localdigital.mail import selectors as mail_selectors
from localdigital.markdown import markdown_to_html, markdown_to_text

from ..models import (
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterTestGroup,
    Subscriber,
    SubscriberStatus,
)

CONFIRM_SALT = "declaration.newsletter.confirm"
UNSUBSCRIBE_SALT = "declaration.newsletter.unsubscribe"
MANAGE_SALT = "declaration.newsletter.manage"
# A confirmation link works for this long after it was sent.
CONFIRM_LINK_MAX_AGE = timedelta(days=7)
# A link to manage a subscription works for this long: the one in an issue's footer until the
# next issue comes, about a month later. Anyone can ask for a new one on the manage page.
MANAGE_LINK_MAX_AGE = timedelta(days=30)
# Stand for each subscriber's own links in an issue rendered once for a batch. Staff cannot
# type them: form fields refuse null characters.
UNSUBSCRIBE_URL_PLACEHOLDER = "\x00unsubscribe-url\x00"
MANAGE_URL_PLACEHOLDER = "\x00manage-url\x00"


def _request_stamp(moment: datetime) -> str:
    """Return a short mark of when someone asked to subscribe, to tie a link to that request."""
    return format(int(moment.timestamp() * 1_000_000), "x")


def subscriber_confirm_token(*, subscriber: Subscriber) -> str:
    """Return the token of the confirmation link for the subscriber's latest request."""
    value = f"{subscriber.pk}.{_request_stamp(subscriber.subscribed_at)}"
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(value)


def subscriber_unsubscribe_token(*, subscriber: Subscriber) -> str:
    """Return the token of the subscriber's unsubscribe link, which never expires."""
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def subscriber_manage_token(*, subscriber: Subscriber) -> str:
    """Return the token of a link to the subscriber's manage page, which works for 30 days."""
    return signing.TimestampSigner(salt=MANAGE_SALT).sign(str(subscriber.pk))


@dataclass(frozen=True)
class ConfirmToken:
    """What a valid confirmation token says: whose request, and which one."""

    subscriber_id: int
    stamp: str

    def matches(self, subscriber: Subscriber) -> bool:
        """Return whether the token is for the subscriber's latest request."""
        return subscriber.pk == self.subscriber_id and self.stamp == _request_stamp(
            subscriber.subscribed_at
        )


def confirm_token_read(*, token: str) -> ConfirmToken | None:
    """Return what a confirmation token says, or None if it is tampered with or too old."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=CONFIRM_LINK_MAX_AGE
        )
        subscriber_id, stamp = value.split(".", 1)
        return ConfirmToken(subscriber_id=int(subscriber_id), stamp=stamp)
    except (signing.BadSignature, ValueError):
        return None


def unsubscribe_token_read(*, token: str) -> int | None:
    """Return the subscriber id an unsubscribe token is for, or None if it is tampered with."""
    try:
        return int(signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def manage_token_read(*, token: str) -> int | None:
    """Return the subscriber id a manage token is for, or None if tampered with or too old."""
    try:
        return int(
            signing.TimestampSigner(salt=MANAGE_SALT).unsign(token, max_age=MANAGE_LINK_MAX_AGE)
        )
    except (signing.BadSignature, ValueError):
        return None


def subscriber_from_confirm_token(*, token: str) -> Subscriber | None:
    """Return the subscriber a confirmation link is for, if it is valid and their latest."""
    reading = confirm_token_read(token=token)
    if reading is None:
        return None
    subscriber = Subscriber.objects.filter(pk=reading.subscriber_id).first()
    if subscriber is None or not reading.matches(subscriber):
        return None
    return subscriber


def subscriber_from_unsubscribe_token(*, token: str) -> Subscriber | None:
    """Return the subscriber an unsubscribe link is for, or None if it is not valid."""
    subscriber_id = unsubscribe_token_read(token=token)
    if subscriber_id is None:
        return None
    return Subscriber.objects.filter(pk=subscriber_id).first()


def subscriber_from_manage_token(*, token: str) -> Subscriber | None:
    """Return the subscriber a manage link is for, or None if it is not valid (any more)."""
    subscriber_id = manage_token_read(token=token)
    if subscriber_id is None:
        return None
    return Subscriber.objects.filter(pk=subscriber_id).first()


@dataclass(frozen=True)
class Subscription:
    """What the manage page shows of a subscription, and what it offers."""

    email: str
    status_label: str
    is_pending: bool
    can_unsubscribe: bool
    can_subscribe: bool


SUBSCRIPTION_LABELS = {
    SubscriberStatus.CONFIRMED: "Subscribed",
    SubscriberStatus.PENDING: "Not confirmed yet",
    SubscriberStatus.UNSUBSCRIBED: "Unsubscribed",
}


def subscription_for(*, subscriber: Subscriber) -> Subscription:
    """Return the subscriber's subscription as the manage page shows it."""
    return Subscription(
        email=subscriber.email,
        status_label=SUBSCRIPTION_LABELS[SubscriberStatus(subscriber.status)],
        is_pending=subscriber.status == SubscriberStatus.PENDING,
        can_unsubscribe=subscriber.can_unsubscribe(),
        can_subscribe=subscriber.can_resubscribe(),
    )


def subscriber_for_address(*, email: str) -> QuerySet[Subscriber]:
    """Return the subscriber with ``email``, whatever its case, as a queryset of at most one."""
    return Subscriber.objects.alias(email_lower=Lower("email")).filter(
        email_lower=email.strip().lower()
    )


def subscribers_for_addresses(*, emails: Iterable[str]) -> QuerySet[Subscriber]:
    """Return the subscribers, in any state, with any of the addresses, whatever their case."""
    return Subscriber.objects.alias(email_lower=Lower("email")).filter(
        email_lower__in={email.strip().lower() for email in emails}
    )


def newsletter_test_group_choices() -> QuerySet[NewsletterTestGroup]:
    """Return the test groups staff may send a test of an issue to, by name."""
    return NewsletterTestGroup.objects.order_by("name")


def newsletter_organisation_choices() -> QuerySet[Organisation]:
    """Return the organisations a subscriber may say they work for: those still open."""
    return organisation_selectors.organisations_active()


def confirmed_subscriber_count() -> int:
    """Return how many confirmed subscribers an issue sent now would go to."""
    return Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count()


def unsubscribe_url(*, subscriber: Subscriber) -> str:
    """Return the subscriber's one-click unsubscribe link."""
    token = subscriber_unsubscribe_token(subscriber=subscriber)
    return absolute_url("newsletter:unsubscribe", token=token)


def manage_url(*, subscriber: Subscriber) -> str:
    """Return a link to the subscriber's manage page, for an email."""
    token = subscriber_manage_token(subscriber=subscriber)
    return absolute_url("newsletter:manage-link", token=token)


def manage_page_url() -> str:
    """Return the page where anyone asks for a link to manage their subscription."""
    return absolute_url("newsletter:manage")


@dataclass(frozen=True)
class RenderedIssue:
    """An issue as an email: the subject, the text body and the HTML body."""

    subject: str
    text: str
    html: str

    def for_recipient(self, *, unsubscribe_url: str, manage_url: str) -> RenderedIssue:
        """Return the email with one subscriber's own links in place of the marks."""
        text, html = self.text, self.html
        for mark, url in (
            (UNSUBSCRIBE_URL_PLACEHOLDER, unsubscribe_url),
            (MANAGE_URL_PLACEHOLDER, manage_url),
        ):
            text, html = text.replace(mark, url), html.replace(mark, escape(url))
        return RenderedIssue(subject=self.subject, text=text, html=html)


def newsletter_issue_body_html(*, issue: NewsletterIssue) -> SafeString:
    """Return the issue's Markdown body as HTML, as the email has it: no GOV.UK classes, and
    links made absolute, since a mail client has no page to resolve a relative one against."""
    # markdown_to_html escapes any raw HTML in the body, so its output is safe to include.
    html = markdown_to_html(issue.body, govuk_classes=False, absolute_links=True)
    return mark_safe(html)  # noqa: S308


def newsletter_issue_render(
    *,
    issue: NewsletterIssue,
    unsubscribe_url: str = UNSUBSCRIBE_URL_PLACEHOLDER,
    manage_url: str = MANAGE_URL_PLACEHOLDER,
) -> RenderedIssue:
    """Return the issue as an email: its Markdown rendered safely to HTML, and to plain text
    (links as words and address, made absolute; no Markdown punctuation).

    Without ``unsubscribe_url`` and ``manage_url`` it holds marks where each subscriber's own
    links go, to be filled in by ``RenderedIssue.for_recipient``, so an issue is rendered
    once per batch.
    """
    context = {
        "subject": issue.subject,
        "body": markdown_to_text(issue.body),
        "body_html": newsletter_issue_body_html(issue=issue),
        # Escaped in the HTML by the template; the marks have nothing to escape.
        "unsubscribe_url": unsubscribe_url,
        "manage_url": manage_url,
        "newsletter_url": absolute_url("newsletter:subscribe"),
    }
    return RenderedIssue(
        subject=issue.subject,
        # Template output is marked safe HTML; the text body is not HTML, so it is made a
        # plain string, which a page showing it (the admin's preview) escapes.
        text="".join(render_to_string("newsletter/email/issue.txt", context)),
        html=render_to_string("newsletter/email/issue.html", context),
    )


@dataclass(frozen=True)
class IssueProgress:
    """How far an issue has gone: its deliveries and their emails, for the progress bar.

    ``total`` is every subscriber it is going to; ``waiting`` those not yet sent, failed or
    skipped (not fanned out yet, queued, being sent or held while paused).
    """

    status: str
    status_label: str
    total: int
    sent: int
    failed: int
    skipped: int
    cancelled: int
    waiting: int
    is_active: bool

    @property
    def done(self) -> int:
        """Return how many deliveries are finished: sent, failed or skipped."""
        return self.sent + self.failed + self.skipped

    @property
    def percent(self) -> int:
        """Return the share finished, in whole per cent (100 when there is nobody to send to)."""
        return 100 if self.total == 0 else min(100, self.done * 100 // self.total)

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "status_label": self.status_label,
            "total": self.total,
            "sent": self.sent,
            "failed": self.failed,
            "skipped": self.skipped,
            "cancelled": self.cancelled,
            "waiting": self.waiting,
            "done": self.done,
            "percent": self.percent,
            "is_active": self.is_active,
        }


# The states of an issue that has not started sending, and may still.
NOT_STARTED = (
    IssueStatus.DRAFT,
    IssueStatus.AWAITING_APPROVAL,
    IssueStatus.APPROVED,
    IssueStatus.SCHEDULED,
)


def newsletter_issue_progress(*, issue: NewsletterIssue) -> IssueProgress:
    """Return how far the issue has gone, in three queries whatever its size.

    Before it starts (a draft, waiting for approval, approved or scheduled), ``total`` is the
    confirmed subscribers it would go to now; an issue cancelled before it started went to
    nobody.
    """
    status = IssueStatus(issue.status)
    if status in NOT_STARTED:
        total = confirmed_subscriber_count()
        return IssueProgress(
            status=status.value,
            status_label=status.label,
            total=total,
            sent=0,
            failed=0,
            skipped=0,
            cancelled=0,
            waiting=total,
            is_active=False,
        )
    deliveries = issue.deliveries.all()
    made = deliveries.aggregate(count=Count("pk"), skipped=Count("pk", filter=Q(is_skipped=True)))
    emails = mail_selectors.emails_status_counts(
        email_ids=deliveries.filter(email__isnull=False).values("email_id")
    )
    total = max(issue.recipient_count, made["count"])
    not_made = 0 if status == IssueStatus.CANCELLED else total - made["count"]
    return IssueProgress(
        status=status.value,
        status_label=status.label,
        total=total,
        sent=emails["sent"],
        failed=emails["failed"],
        skipped=made["skipped"] + emails["suppressed"],
        cancelled=emails["cancelled"],
        waiting=emails["queued"] + emails["sending"] + emails["held"] + not_made,
        is_active=status in (IssueStatus.SENDING, IssueStatus.PAUSED),
    )


def newsletter_issue_emails_are_finished(*, issue_id: int) -> bool:
    """Return whether none of the issue's emails is still queued, being sent or held."""
    return mail_selectors.emails_are_finished(
        email_ids=NewsletterDelivery.objects.filter(issue_id=issue_id, email__isnull=False).values(
            "email_id"
        )
    )


def newsletter_issue_ids_for_emails(*, email_ids: Iterable[int]) -> list[int]:
    """Return the issues that any of the outbox emails ``email_ids`` belong to."""
    return sorted(
        set(
            NewsletterDelivery.objects.filter(email_id__in=list(email_ids)).values_list(
                "issue_id", flat=True
            )
        )
    )
