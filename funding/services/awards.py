"""Writes about awards once announced: the lead organisation's admin accepting or declining
the grant offer, staff recording that work started and finished and marking instalments
paid (the amount and the date), and the project team posting progress updates and
outputs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from declaration.selectors.organisation_admin import organisation_member_is_admin
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue
from localdigital.public_cache import content_changed

from .. import formats
from ..errors import FundingError, NotPermitted, TransitionNotAllowed
from ..models import (
    ApplicationPartner,
    Award,
    AwardStatus,
    Decision,
    Instalment,
    ProgressUpdate,
    ProjectOutput,
)
from ..selectors import payments as payment_selectors
from ..selectors.payments import PaymentState
from .assessment import _require_fund_manager
from .common import person_name, require_member
from .reporting import award_schedule_create


def _lock(award: Award) -> Award:
    return (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__round", "application__lead_organisation")
        .get(pk=award.pk)
    )


def is_lead_admin(*, award: Award, user: User) -> bool:
    """Return whether ``user`` is an approved admin of the award's lead organisation: who
    answers the grant offer."""
    return organisation_member_is_admin(
        organisation_id=award.application.lead_organisation_id, user=user
    )


def _respond(award: Award, *, user: User, now: datetime) -> Award:
    award = _lock(award)
    if not is_lead_admin(award=award, user=user):
        raise NotPermitted(
            f"Only an organisation admin of {award.application.lead_organisation.name} can "
            "answer the grant offer."
        )
    if award.status != AwardStatus.OFFERED:
        raise TransitionNotAllowed(
            f"The grant offer for {award.title} has been {award.get_status_display().lower()}."
        )
    award.responded_at = now
    award.responded_by = user
    return award


def award_offer_accept(*, award: Award, accepted_by: User, now: datetime | None = None) -> Award:
    """Accept the grant offer: offered → accepted. The project's reporting schedule is made
    (``award_schedule_create``), and the fund managers are told."""
    now = now or timezone.now()
    with transaction.atomic():
        award = _respond(award, user=accepted_by, now=now)
        award.status = AwardStatus.ACCEPTED
        award.save(update_fields=["status", "responded_at", "responded_by"])
        award_schedule_create(award=award, now=now)
        content_changed("funding")
        audit_record(actor=accepted_by, verb="funding.award.accepted", target=award)
        _staff_told(award, accepted=True)
    return award


def award_offer_decline(
    *, award: Award, declined_by: User, reason: str, now: datetime | None = None
) -> Award:
    """Decline the grant offer: offered → declined. The project leaves the public lists,
    open data and 360Giving, and its amount goes back to the round."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise FundingError("Say why you are declining the offer.")
    with transaction.atomic():
        award = _respond(award, user=declined_by, now=now)
        award.status = AwardStatus.DECLINED
        award.decline_reason = reason
        award.save(update_fields=["status", "responded_at", "responded_by", "decline_reason"])
        content_changed("funding")
        audit_record(
            actor=declined_by, verb="funding.award.declined", target=award, data={"reason": reason}
        )
        _staff_told(award, accepted=False)
    return award


def _staff_told(award: Award, *, accepted: bool) -> None:
    decision = (
        Decision.objects.filter(application=award.application).select_related("decided_by").first()
    )
    manager = decision.decided_by if decision else None
    if manager is None or not manager.is_active:
        return
    verb = "accepted" if accepted else "declined"
    email_queue(
        to=manager.email,
        subject=(
            f"{award.application.lead_organisation.name} has {verb} the grant for {award.title}"
        ),
        body=render_to_string(
            "funding/email/award_answered.txt",
            {
                "award": award,
                "verb": verb,
                "award_url": absolute_url("admin:funding_award_change", award.pk),
            },
        ),
        idempotency_key=f"funding.award.{verb}.{award.pk}",
    )


def award_start(
    *, award: Award, started_by: User, now: datetime | None = None, report_name: str = ""
) -> Award:
    """Record that the project's work has started: accepted → active. ``report_name``
    names the progress report whose acceptance showed it (see ``report_accept``)."""
    now = now or timezone.now()
    _require_fund_manager(started_by, "record that a project started")
    with transaction.atomic():
        award = _lock(award)
        if award.status != AwardStatus.ACCEPTED:
            raise TransitionNotAllowed(f"{award.title} is not an accepted offer.")
        award.status = AwardStatus.ACTIVE
        award.started_at = now
        award.save(update_fields=["status", "started_at"])
        content_changed("funding")
        audit_record(
            actor=started_by,
            verb="funding.award.started",
            target=award,
            data={"report": report_name} if report_name else None,
        )
    return award


def award_complete(*, award: Award, completed_by: User, now: datetime | None = None) -> Award:
    """Record that the project has finished: active → completed."""
    now = now or timezone.now()
    _require_fund_manager(completed_by, "record that a project finished")
    with transaction.atomic():
        award = _lock(award)
        if award.status != AwardStatus.ACTIVE:
            raise TransitionNotAllowed(f"{award.title} is not active.")
        award.status = AwardStatus.COMPLETED
        award.completed_at = now
        award.save(update_fields=["status", "completed_at"])
        content_changed("funding")
        audit_record(actor=completed_by, verb="funding.award.completed", target=award)
    return award


def instalment_mark_paid(
    *,
    instalment: Instalment,
    paid_by: User,
    amount: Decimal | None = None,
    paid_on: date | None = None,
    now: datetime | None = None,
) -> Instalment:
    """Record that an instalment due for payment was paid: ``amount`` (the instalment's, by
    default) on ``paid_on`` (today, by default). One tied to a report is due only once the
    report is accepted; paying twice, paying more than the award, or a payment dated in the
    future are refused."""
    now = now or timezone.now()
    _require_fund_manager(paid_by, "mark payments")
    with transaction.atomic():
        instalment = (
            Instalment.objects.select_for_update(of=("self",))
            .select_related("award", "report")
            .get(pk=instalment.pk)
        )
        award = instalment.award
        amount = instalment.amount if amount is None else amount
        paid_on = paid_on or timezone.localdate(now)
        state = payment_selectors.instalment_payment_state(instalment=instalment)
        if state == PaymentState.PAID:
            raise TransitionNotAllowed("This instalment is already paid.")
        if state == PaymentState.WAITING_REPORT:
            assert instalment.report is not None
            raise TransitionNotAllowed(
                f"This instalment is paid once {instalment.report.name_in_text} is accepted, "
                f"and it is {instalment.report.get_status_display().lower()}."
            )
        if state == PaymentState.WAITING_OFFER:
            raise TransitionNotAllowed(
                f"The offer for {award.title} has not been accepted yet: only an accepted "
                "offer is paid."
            )
        if state != PaymentState.DUE:
            raise TransitionNotAllowed(f"The offer for {award.title} was declined: it is not paid.")
        _check_payment(award, amount=amount, paid_on=paid_on, today=timezone.localdate(now))
        instalment.paid_at = now
        instalment.paid_by = paid_by
        instalment.paid_amount = amount
        instalment.paid_on = paid_on
        instalment.save(update_fields=["paid_at", "paid_by", "paid_amount", "paid_on"])
        audit_record(
            actor=paid_by,
            verb="funding.award.instalment_paid",
            target=award,
            data={"instalment": instalment.pk, "amount": amount, "paid_on": paid_on},
        )
    return instalment


def _check_payment(award: Award, *, amount: Decimal, paid_on: date, today: date) -> None:
    if amount <= 0:
        raise FundingError("The amount paid must be more than £0.")
    paid = payment_selectors.award_payments(award=award).paid
    if paid + amount > award.amount:
        raise FundingError(
            f"{formats.money(paid)} of the {formats.money(award.amount)} awarded is paid "
            f"already, so no more than {formats.money(award.amount - paid)} can be paid."
        )
    if paid_on > today:
        raise FundingError("The date paid must be today or in the past.")
    if paid_on < award.awarded_on:
        raise FundingError(
            f"The date paid must be on or after the award, {formats.day(award.awarded_on)}."
        )


def _team_ids(award: Award) -> list[int]:
    return [
        award.application.lead_organisation_id,
        *ApplicationPartner.objects.filter(application=award.application).values_list(
            "organisation_id", flat=True
        ),
    ]


def _require_team(award: Award, user: User) -> None:
    if not award.is_public:
        raise TransitionNotAllowed(f"{award.title} was declined, so it takes no updates.")
    require_member(user=user, organisation_ids=_team_ids(award), action="post about the project")


def progress_update_post(
    *, award: Award, title: str, body: str, posted_by: User, now: datetime | None = None
) -> ProgressUpdate:
    """Post a progress update on a funded project; its team (members of the lead and the
    partners) may. It is public on the project's page."""
    now = now or timezone.now()
    with transaction.atomic():
        award = _lock(award)
        _require_team(award, posted_by)
        update = ProgressUpdate.objects.create(
            award=award, title=title.strip(), body=body.strip(), posted_by=posted_by, posted_at=now
        )
        content_changed("funding")
        audit_record(
            actor=posted_by,
            verb="funding.award.update_posted",
            target=award,
            data={"update": update.pk, "title": update.title, "by": person_name(posted_by)},
        )
    return update


def project_output_add(
    *, award: Award, title: str, url: str, output_type: str, added_by: User
) -> ProjectOutput:
    """Add an output of a funded project (a link to code, research or a pattern)."""
    with transaction.atomic():
        award = _lock(award)
        _require_team(award, added_by)
        output = ProjectOutput.objects.create(
            award=award,
            title=title.strip(),
            url=url.strip(),
            output_type=output_type,
            added_by=added_by,
        )
        content_changed("funding")
        audit_record(
            actor=added_by,
            verb="funding.award.output_added",
            target=award,
            data={"output": output.pk, "url": output.url},
        )
    return output


def project_output_remove(*, output: ProjectOutput, removed_by: User) -> None:
    """Take an output off a funded project's page."""
    with transaction.atomic():
        award = _lock(output.award)
        _require_team(award, removed_by)
        content_changed("funding")
        audit_record(
            actor=removed_by,
            verb="funding.award.output_removed",
            target=award,
            data={"title": output.title, "url": output.url},
        )
        output.delete()


def instalment_cancel(*, instalment: Instalment, cancelled_by: User) -> None:
    """Cancel an instalment not yet paid (a fund manager): it is removed from the payment
    schedule, as when a project closes without needing it. A paid one is never cancelled."""
    _require_fund_manager(cancelled_by, "cancel payments")
    with transaction.atomic():
        instalment = (
            Instalment.objects.select_for_update(of=("self",))
            .select_related("award")
            .get(pk=instalment.pk)
        )
        if instalment.paid_at is not None:
            raise TransitionNotAllowed("This instalment is paid, so it cannot be cancelled.")
        award = instalment.award
        audit_record(
            actor=cancelled_by,
            verb="funding.award.instalment_cancelled",
            target=award,
            data={
                "instalment": instalment.pk,
                "amount": instalment.amount,
                "due_on": instalment.due_on,
            },
        )
        instalment.delete()
