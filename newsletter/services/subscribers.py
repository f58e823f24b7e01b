"""Writes about subscribers: subscribing, confirming, unsubscribing, resubscribing, importing
confirmed subscribers, and emailing a link to manage a subscription.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail import services as mail_services

from ..errors import (
    NewsletterLinkInvalid,
)
from ..models import (
    Subscriber,
    SubscriberStatus,
)
from ..selectors import newsletter as selectors

MANAGE_LINK_INVALID = "This link to manage a subscription is not valid, or has expired."


def subscriber_subscribe(*, email: str, organisation: Organisation | None) -> None:
    """Ask for the newsletter for ``email``, and email a confirmation link unless confirmed.

    A new address, one still waiting for confirmation and one that unsubscribed are each
    sent a new link, valid for 7 days; an earlier link stops working. A confirmed subscriber
    is left exactly as they are and sent nothing, so the reply reveals nothing about who
    subscribes. Returns nothing, for the same reason.
    """
    address = email.strip()
    now = timezone.now()
    with transaction.atomic():
        subscriber = selectors.subscriber_for_address(email=address).select_for_update().first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=address, organisation=organisation, created_at=now, subscribed_at=now
                    )
            except IntegrityError:
                # Subscribed by a concurrent request since the lookup: as if asked twice.
                subscriber = (
                    selectors.subscriber_for_address(email=address).select_for_update().get()
                )
            else:
                _subscription_requested(subscriber=subscriber)
                return
        if subscriber.status == SubscriberStatus.CONFIRMED:
            return
        subscriber.status = SubscriberStatus.PENDING
        subscriber.subscribed_at = now
        subscriber.organisation = organisation
        subscriber.save(update_fields=["status", "subscribed_at", "organisation"])
        _subscription_requested(subscriber=subscriber)


def subscribers_import_confirmed(
    *, emails: Iterable[str], imported_by: User | None, organisation: Organisation | None = None
) -> int:
    """Add subscribers who confirmed elsewhere (an earlier mailing list); return how many.

    Addresses already known, in any state and whatever their case, are left alone: someone
    who unsubscribed stays unsubscribed, and someone waiting to confirm still has to. Blank
    lines are skipped. One audit event records an import that added anyone. Raise
    ``ValidationError`` for an address that is not valid; then nobody is added.
    """
    now = timezone.now()
    added = 0
    already_known = 0
    with transaction.atomic():
        for email in emails:
            address = email.strip()
            if not address:
                continue
            validate_email(address)
            # Locked, so that a concurrent subscription to the address waits for the import.
            if selectors.subscriber_for_address(email=address).select_for_update().exists():
                already_known += 1
                continue
            Subscriber.objects.create(
                email=address,
                organisation=organisation,
                status=SubscriberStatus.CONFIRMED,
                created_at=now,
                subscribed_at=now,
                confirmed_at=now,
            )
            added += 1
        if added:
            audit_record(
                actor=imported_by,
                verb="declaration.subscriber.imported",
                target=None,
                data={
                    "added": added,
                    "already_known": already_known,
                    "organisation": organisation.pk if organisation is not None else None,
                },
            )
    return added


def _subscription_requested(*, subscriber: Subscriber) -> None:
    audit_record(
        actor=None,
        verb="declaration.subscriber.subscribed",
        target=subscriber,
        data={"organisation": subscriber.organisation_id},
    )
    token = selectors.subscriber_confirm_token(subscriber=subscriber)
    confirm_url = absolute_url("newsletter:confirm", token=token)
    days = selectors.CONFIRM_LINK_MAX_AGE.days
    mail_services.email_queue(
        to=subscriber.email,
        subject="Confirm your subscription to the Local Digital newsletter",
        body=render_to_string(
            "newsletter/email/confirm.txt",
            {"confirm_url": confirm_url, "days": days},
        ),
        idempotency_key=(
            f"declaration.subscriber.confirm.{subscriber.pk}."
            f"{int(subscriber.subscribed_at.timestamp() * 1_000_000)}"
        ),
        # The link confirms a subscription: like a sign-in link, it is not kept once sent.
        sensitive=True,
    )


def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the subscription that a confirmation link is for, and return the subscriber.

    Confirming again changes nothing more. Raise ``NewsletterLinkInvalid`` when the link is
    tampered with, older than 7 days, not the latest sent to the address, or the subscriber
    has unsubscribed since.
    """
    reading = selectors.confirm_token_read(token=token)
    if reading is None:
        raise NewsletterLinkInvalid("This confirmation link is not valid, or has expired.")
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=reading.subscriber_id).first()
        if subscriber is None or not reading.matches(subscriber):
            raise NewsletterLinkInvalid("This confirmation link is not valid, or has expired.")
        if subscriber.status == SubscriberStatus.CONFIRMED:
            return subscriber
        if not subscriber.can_confirm():
            raise NewsletterLinkInvalid("This subscription was cancelled after the link was sent.")
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
        audit_record(actor=None, verb="declaration.subscriber.confirmed", target=subscriber)
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Unsubscribe the subscriber an unsubscribe link is for, and return them.

    Their newsletter emails not yet sent are cancelled too. Unsubscribing again changes
    nothing more. Raise ``NewsletterLinkInvalid`` when the link is tampered with.
    """
    subscriber_id = selectors.unsubscribe_token_read(token=token)
    if subscriber_id is None:
        raise NewsletterLinkInvalid("This unsubscribe link is not valid.")
    return _subscriber_unsubscribe(subscriber_id=subscriber_id, via="unsubscribe link")


def subscriber_manage_unsubscribe(*, token: str) -> Subscriber:
    """Unsubscribe the subscriber a manage link is for, from their manage page; return them.

    As ``subscriber_unsubscribe`` does. Raise ``NewsletterLinkInvalid`` when the link is
    tampered with or older than 30 days.
    """
    subscriber_id = selectors.manage_token_read(token=token)
    if subscriber_id is None:
        raise NewsletterLinkInvalid(MANAGE_LINK_INVALID)
    return _subscriber_unsubscribe(subscriber_id=subscriber_id, via="manage page")


def _subscriber_unsubscribe(*, subscriber_id: int, via: str) -> Subscriber:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            raise NewsletterLinkInvalid("This link is not valid.")
        if not subscriber.can_unsubscribe():
            return subscriber
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        cancelled = mail_services.emails_cancel(
            email_ids=subscriber.deliveries.filter(email__isnull=False).values("email_id")
        )
        audit_record(
            actor=None,
            verb="declaration.subscriber.unsubscribed",
            target=subscriber,
            data={"emails_cancelled": cancelled, "via": via},
        )
    return subscriber


def subscriber_resubscribe(*, token: str) -> Subscriber:
    """Subscribe the subscriber a manage link is for, from their manage page; return them.

    Someone who unsubscribed, or never confirmed, is confirmed at once: the link was emailed
    to the address, so it proves the address as a confirmation link does, and pressing the
    button is their consent. A confirmed subscriber stays as they are. Raise
    ``NewsletterLinkInvalid`` when the link is tampered with or older than 30 days.
    """
    subscriber_id = selectors.manage_token_read(token=token)
    if subscriber_id is None:
        raise NewsletterLinkInvalid(MANAGE_LINK_INVALID)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            raise NewsletterLinkInvalid(MANAGE_LINK_INVALID)
        if not subscriber.can_resubscribe():
            return subscriber
        previous = subscriber.status
        now = timezone.now()
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.subscribed_at = now
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["status", "subscribed_at", "confirmed_at"])
        audit_record(
            actor=None,
            verb="declaration.subscriber.resubscribed",
            target=subscriber,
            data={"from": previous},
        )
    return subscriber


def subscriber_manage_link_send(*, email: str) -> None:
    """Email a link to manage the subscription of ``email``, whatever its state, if any.

    An address that never subscribed is sent nothing. The caller shows the same page either
    way, so nobody can learn from it who subscribes. Each request sends a new link (the
    view limits how often), which works for 30 days.
    """
    subscriber = selectors.subscriber_for_address(email=email).first()
    if subscriber is None:
        return
    with transaction.atomic():
        mail_services.email_queue(
            to=subscriber.email,
            subject="Manage your Local Digital newsletter subscription",
            body=render_to_string(
                "newsletter/email/manage.txt",
                {
                    "manage_url": selectors.manage_url(subscriber=subscriber),
                    "days": selectors.MANAGE_LINK_MAX_AGE.days,
                    "request_url": selectors.manage_page_url(),
                },
            ),
            idempotency_key=f"declaration.subscriber.manage.{subscriber.pk}.{uuid.uuid4().hex}",
            # Like a sign-in link, the link is a key to the subscription: not kept once sent.
            sensitive=True,
        )
