"""The yearly reminder to a signatory to post an update on its declaration project.

Each year after a signing was published, on the anniversary of that day (London time), the
organisation's active admins and its digital lead are asked for an update. An imported
signing is published, by ``signings_import``, at the start of the day it signed (London), so
it is reminded on the anniversaries of signing, not of the import; one with no publication
time at all counts from the date it signed. Someone who signed on 29 February is reminded on
28 February in the years that have no 29th.

Only anniversaries that fell due within ``DECLARATION_REMINDER_WINDOW_DAYS`` (7 by default)
of the run are acted on, so importing years of history sends nothing; and an
``AnniversaryReminder`` row, written in the same transaction as the emails and unique per
signing and anniversary, makes each reminder go once however often the job runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail.services import email_queue
from localdigital.queueing import enqueue_each_on_commit

from ..models import AnniversaryReminder, Signing, SigningStatus
from ..selectors.organisation_admin import organisation_admins_active

logger = logging.getLogger(__name__)

# The Postgres advisory lock that keeps two runs from overlapping.
REMINDER_LOCK = lock_register("declaration.anniversary_reminders")


@dataclass(frozen=True)
class Anniversary:
    """The ``years``-th anniversary of a signing, which falls on ``on``."""

    years: int
    on: date


@dataclass(frozen=True)
class DueReminder:
    """A reminder to send: for this signing, for the anniversary on this date."""

    signing_id: int
    anniversary: date


def anniversary_in_year(start: date, year: int) -> date:
    """Return the anniversary of ``start`` in ``year``: 28 February for a 29 February start
    in a year without one."""
    try:
        return start.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def anniversary_latest(*, start: date, today: date) -> Anniversary | None:
    """Return the last anniversary of ``start`` on or before ``today``, or None before the
    first one."""
    years = today.year - start.year
    if years >= 1 and anniversary_in_year(start, today.year) > today:
        years -= 1
    if years < 1:
        return None
    return Anniversary(years=years, on=anniversary_in_year(start, start.year + years))


def signing_anniversary_start(
    *, published_at: datetime | None, signed_on: date | None
) -> date | None:
    """Return the date a signing's anniversaries count from: the London date it was
    published, or the date it was signed when it has no publication time.

    An imported signing's publication time is the start of the day it signed, so both give
    the date it signed.
    """
    if published_at is not None:
        return timezone.localdate(published_at)
    return signed_on


def _window(today: date) -> tuple[date, date]:
    """Return the first and last dates of the window of anniversaries acted on today."""
    days = max(settings.DECLARATION_REMINDER_WINDOW_DAYS, 1)
    return today - timedelta(days=days - 1), today


def _anniversary_due(
    *, published_at: datetime | None, signed_on: date | None, today: date
) -> Anniversary | None:
    start = signing_anniversary_start(published_at=published_at, signed_on=signed_on)
    if start is None:
        return None
    latest = anniversary_latest(start=start, today=today)
    earliest, _ = _window(today)
    if latest is None or latest.on < earliest:
        return None
    return latest


def anniversary_reminders_queue(*, now: datetime) -> list[DueReminder] | None:
    """Find the anniversaries due at ``now`` with no reminder sent, and queue one
    ``send_anniversary_reminder`` task for each after commit; return them.

    A Postgres advisory lock keeps two runs from overlapping: while another holds it, this
    does nothing and returns None. The same ``now`` finds the same reminders, less those sent
    since; each task checks again before it sends, so a repeat sends nothing twice.
    """
    today = timezone.localdate(now)
    earliest, latest = _window(today)
    with advisory_lock(REMINDER_LOCK) as locked:
        if not locked:
            logger.info("Another run of the anniversary reminders holds the lock; skipping.")
            return None
        sent = set(
            AnniversaryReminder.objects.filter(
                anniversary__gte=earliest, anniversary__lte=latest
            ).values_list("signing_id", "anniversary")
        )
        due = []
        signings = (
            Signing.objects.filter(status=SigningStatus.PUBLISHED)
            .order_by("pk")
            .values_list("pk", "published_at", "signed_on")
        )
        for signing_id, published_at, signed_on in signings.iterator(chunk_size=2000):
            anniversary = _anniversary_due(
                published_at=published_at, signed_on=signed_on, today=today
            )
            if anniversary is not None and (signing_id, anniversary.on) not in sent:
                due.append(DueReminder(signing_id=signing_id, anniversary=anniversary.on))
        if due:
            logger.info("Queuing %d anniversary reminders for %s.", len(due), today)
            from ..tasks import send_anniversary_reminder

            run_at = now.isoformat()
            enqueue_each_on_commit(
                send_anniversary_reminder,
                ((r.signing_id, r.anniversary.isoformat(), run_at) for r in due),
            )
    return due


def _reminder_recipients(signing: Signing) -> list[str]:
    """Return the addresses of the organisation's active admins and of the digital lead,
    once each."""
    organisation = signing.organisation
    assert organisation is not None  # a published signing always has one
    admins = organisation_admins_active(organisation=organisation)
    addresses = {admin.user.email.lower(): admin.user.email for admin in admins}
    if signing.digital_lead_email:
        addresses.setdefault(signing.digital_lead_email.lower(), signing.digital_lead_email)
    return [addresses[key] for key in sorted(addresses)]


def anniversary_reminder_send(
    *, signing_id: int, anniversary: date, now: datetime
) -> AnniversaryReminder | None:
    """Email the signatory's admins and digital lead asking for an update on its project,
    for the anniversary on ``anniversary``; return the record of it, or None if not sent.

    Nothing is sent unless the signing is still published, ``anniversary`` is its latest
    anniversary at ``now`` and within the window, and no reminder for it was sent before.
    The signing is locked while this is checked, and the record is written in the same
    transaction as the emails, so two runs at once send once.
    """
    today = timezone.localdate(now)
    with transaction.atomic():
        signing = (
            Signing.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=signing_id)
            .first()
        )
        if signing is None or signing.status != SigningStatus.PUBLISHED:
            return None
        due = _anniversary_due(
            published_at=signing.published_at, signed_on=signing.signed_on, today=today
        )
        if due is None or due.on != anniversary:
            return None
        if AnniversaryReminder.objects.filter(signing=signing, anniversary=anniversary).exists():
            return None
        reminder = AnniversaryReminder.objects.create(
            signing=signing, anniversary=anniversary, sent_at=timezone.now()
        )
        recipients = _reminder_recipients(signing)
        organisation = signing.organisation
        assert organisation is not None  # a published signing always has one
        context = {
            "organisation_name": organisation.name,
            "years": due.years,
            "signed_on": signing.signed_on,
            "project_title": signing.project_title,
            "post_update_url": absolute_url("declaration:update-new", slug=organisation.slug),
            "signatory_url": absolute_url("declaration:signatory", slug=organisation.slug),
        }
        subject = render_to_string("declaration/email/reminder_subject.txt", context).strip()
        body = render_to_string("declaration/email/reminder_anniversary.txt", context)
        for address in recipients:
            email_queue(
                to=address,
                subject=subject,
                body=body,
                idempotency_key=(
                    f"declaration.signing.anniversary.{signing.pk}.{anniversary.isoformat()}"
                    f".{address.lower()}"
                ),
            )
        audit_record(
            actor=None,
            verb="declaration.signing.anniversary_reminded",
            target=signing,
            data={"anniversary": anniversary, "years": due.years, "recipients": len(recipients)},
        )
    return reminder
