"""Submitting an application, and withdrawing it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string

from funding.services.applications import _lock, _now
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import time_on_day
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from .. import formats, rules
from ..errors import (
    DeadlinePassed,
    TransitionNotAllowed,
)
from ..models import (
    Application,
    ApplicationChange,
    ApplicationStatus,
)
from ..selectors.applications import application_answers
from .common import (
    bid_submitted,
    partner_admins_tell,
    person_name,
    require_member,
)


def application_submit(
    *, application: Application, submitted_by: User, now: datetime | None = None
) -> Application:
    """Submit the application for assessment: draft → submitted.

    Every rule is checked again, the deadline to the second: ``RulesNotMet`` lists what is
    wrong. Only a member of the lead organisation may submit. The submitter, and the
    application's creator, are sent a copy of the answers.
    """
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        bid_submitted(
            application,
            submitted_by=submitted_by,
            now=now,
            action="submit it (the lead organisation submits)",
            problems=lambda: rules.application_problems(application=application, now=now),
            change="Submitted the application",
        )
        audit_record(
            actor=submitted_by,
            verb="funding.application.submitted",
            target=application,
            data={
                "round": application.round.slug,
                "lead": application.lead_organisation.name,
                "requested": application.requested_amount,
            },
        )
        _submitted_emails_queue(application, submitted_by=submitted_by, now=now)
        application_partners_tell(application=application)
    return application


def application_partners_tell(*, application: Application) -> None:
    """Email the admins of each partner organisation that the submitted application names
    it: who submitted what, and where they can read it. Once per organisation and admin,
    however often it runs."""
    partner_admins_tell(
        kind="application",
        reference=application.reference,
        title=application.title,
        round=application.round,
        lead=application.lead_organisation,
        partners=[
            partner.organisation for partner in application.partners.select_related("organisation")
        ],
        submitted_by=application.submitted_by,
        submitted_at=application.submitted_at,
        url=absolute_url("funding:application-detail", application.reference),
        idempotency_key=f"funding.application.partner_told.{application.pk}",
    )


def _submitted_emails_queue(application: Application, *, submitted_by: User, now: datetime) -> None:
    context = {
        "application": application,
        "round": application.round,
        "answers": application_answers(application=application),
        "submitted_at": time_on_day(now, weekday=True),
        "submitter": person_name(submitted_by),
        "application_url": absolute_url("funding:application-detail", application.reference),
    }
    body = render_to_string("funding/email/application_submitted.txt", context)
    recipients = {u.email: u for u in (submitted_by, application.created_by) if u is not None}
    for email in sorted(recipients):
        email_queue(
            to=email,
            subject=(
                f"Application {application.reference} submitted to {application.round.name}: "
                "your copy"
            ),
            body=body,
            idempotency_key=f"funding.application.submitted.{application.pk}.{recipients[email].pk}",
        )


def application_withdraw(
    *,
    application: Application,
    withdrawn_by: User,
    reason: str = "",
    now: datetime | None = None,
) -> Application:
    """Withdraw the application before the close: draft or submitted → withdrawn.

    Only a member of the lead organisation may. It no longer counts towards the lead's
    limit in the round.
    """
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        require_member(
            user=withdrawn_by,
            organisation_ids=[application.lead_organisation_id],
            action="withdraw it (the lead organisation does)",
        )
        if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
            raise TransitionNotAllowed(
                f"Application {application.reference} has been withdrawn already."
            )
        closes_at = application.round.applications_close_at
        if now >= closes_at:
            raise DeadlinePassed(
                "Applications can be withdrawn here only until the deadline, "
                f"{formats.date_and_time(closes_at)}. Email the Local Digital team instead."
            )
        previous = application.status
        application.status = ApplicationStatus.WITHDRAWN
        application.withdrawn_at = now
        application.withdrawn_by = withdrawn_by
        application.withdrawal_reason = reason.strip()
        application.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "withdrawn_by",
                "withdrawal_reason",
                "updated_at",
            ]
        )
        ApplicationChange.objects.create(
            application=application,
            description="Withdrew the application",
            changed_by=withdrawn_by,
            changed_at=now,
        )
        audit_record(
            actor=withdrawn_by,
            verb="funding.application.withdrawn",
            target=application,
            data={"from": previous, "reason": application.withdrawal_reason},
        )
    return application
