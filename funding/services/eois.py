"""Writes about expressions of interest by applicants: starting, saving, partners,
submitting and withdrawing. Staff's clustering, invitations and declines live in
``clustering``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from declaration.models import Organisation
from funding import rules_eois
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import time_on_day
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from .. import formats, rules
from ..errors import (
    DeadlinePassed,
    FundingError,
    LeadLimitReached,
    RulesNotMet,
    TransitionNotAllowed,
    WindowNotOpen,
)
from ..models import (
    EoiChange,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)
from .common import (
    bid_submitted,
    field_label,
    lead_bids_lock,
    partner_admins_tell,
    person_name,
    require_draft,
    require_member,
    require_partner_allowed,
    require_signatory_member,
)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _lock(eoi: ExpressionOfInterest) -> ExpressionOfInterest:
    return (
        ExpressionOfInterest.objects.select_for_update(of=("self",))
        .select_related("round", "lead_organisation")
        .get(pk=eoi.pk)
    )


def _require_open_draft(eoi: ExpressionOfInterest, *, user: User, now: datetime) -> None:
    """Raise unless ``user`` may still change the draft at ``now``: a member of its lead
    organisation, before the EOI window closes."""
    require_member(
        user=user, organisation_ids=[eoi.lead_organisation_id], action="change this draft"
    )
    require_draft(eoi, consequence="so it can no longer be changed")
    closes_at = eoi.round.eoi_closes_at
    if closes_at is not None and now >= closes_at:
        raise DeadlinePassed(
            f"The deadline for expressions of interest in {eoi.round.name} was "
            f"{formats.date_and_time(closes_at)}, so this draft can no longer be changed."
        )


def _eoi_start_check(
    *, round: Round, lead_organisation: Organisation, started_by: User, now: datetime
) -> None:
    if not round.is_published or not round.has_eoi_stage:
        raise WindowNotOpen(f"{round.name} does not take expressions of interest.")
    problems = rules.window_problems(
        opens_at=round.eoi_opens_at, closes_at=round.eoi_closes_at, now=now, what=rules.EOIS
    )
    if problems:
        raise WindowNotOpen(problems[0].message)
    require_signatory_member(user=started_by, organisation=lead_organisation)
    problems = rules.lead_limit_problems(
        round=round,
        lead=lead_organisation,
        others=rules.led_eoi_count(round=round, organisation=lead_organisation),
        kind=rules.EOI_KIND,
    )
    if problems:
        raise LeadLimitReached(problems[0].message)


def eoi_start_check(
    *, round: Round, lead_organisation: Organisation, started_by: User, now: datetime | None = None
) -> None:
    """Raise unless ``started_by`` may start an EOI to ``round`` led by
    ``lead_organisation`` at ``now``, as ``eoi_start`` checks; nothing is written.

    The start page asks this, so that someone who may not start is told before they
    answer anything, and a draft is made only when they save their first answers.
    """
    _eoi_start_check(
        round=round, lead_organisation=lead_organisation, started_by=started_by, now=_now(now)
    )


def eoi_start(
    *,
    round: Round,
    lead_organisation: Organisation,
    started_by: User,
    title: str = "",
    problem: str = "",
    phase: str = "",
    estimated_cost: Decimal | None = None,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    """Start a draft EOI to ``round`` led by ``lead_organisation`` with its first answers,
    and return it.

    Only an approved member of a published signatory may start one, while the round's EOI
    window is open, and not beyond the round's limit of bids one organisation may lead
    (drafts count). An estimated cost over the cap of its phase is refused
    (``RulesNotMet``), as ``eoi_details_save`` refuses it.
    """
    now = _now(now)
    with transaction.atomic():
        # Starts for one organisation queue here, so two at once cannot both pass the limit.
        lead_bids_lock(round=round, organisation_id=lead_organisation.pk)
        _eoi_start_check(
            round=round, lead_organisation=lead_organisation, started_by=started_by, now=now
        )
        eoi = ExpressionOfInterest(
            round=round,
            lead_organisation=lead_organisation,
            created_by=started_by,
            created_at=now,
            **_detail_values(title, problem, phase, estimated_cost),
        )
        problems = rules_eois.eoi_phase_problems(eoi=eoi)
        if problems:
            raise RulesNotMet(problems)
        eoi.save()
        EoiChange.objects.create(
            eoi=eoi, changed_by=started_by, changed_at=now, description="Started the draft"
        )
        audit_record(actor=started_by, verb="funding.eoi.started", target=eoi)
    return eoi


def _detail_values(
    title: str, problem: str, phase: str, estimated_cost: Decimal | None
) -> dict[str, Any]:
    return {
        "title": title.strip(),
        "problem": problem.strip(),
        "phase": phase,
        "estimated_cost": estimated_cost,
    }


def eoi_details_save(
    *,
    eoi: ExpressionOfInterest,
    title: str,
    problem: str,
    phase: str,
    estimated_cost: Decimal | None,
    saved_by: User,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    """Keep the draft's title, problem, proposed phase and estimated cost.

    An estimated cost over the cap of its phase is refused (``RulesNotMet``): the page
    shows it beside the answer, and nothing is saved.
    """
    now = _now(now)
    with transaction.atomic():
        eoi = _lock(eoi)
        _require_open_draft(eoi, user=saved_by, now=now)
        values = _detail_values(title, problem, phase, estimated_cost)
        changed = [name for name, value in values.items() if getattr(eoi, name) != value]
        for name, value in values.items():
            setattr(eoi, name, value)
        problems = rules_eois.eoi_phase_problems(eoi=eoi)
        if problems:
            raise RulesNotMet(problems)
        eoi.save(update_fields=[*rules.EOI_DETAIL_FIELDS, "updated_at"])
        if changed:
            labels = ", ".join(field_label(ExpressionOfInterest, name) for name in changed)
            EoiChange.objects.create(
                eoi=eoi, changed_by=saved_by, changed_at=now, description=f"Changed {labels}"
            )
    return eoi


def eoi_partner_add(
    *,
    eoi: ExpressionOfInterest,
    organisation: Organisation,
    added_by: User,
    now: datetime | None = None,
) -> EoiPartner:
    """Add ``organisation`` as a partner in the draft."""
    now = _now(now)
    with transaction.atomic():
        eoi = _lock(eoi)
        _require_open_draft(eoi, user=added_by, now=now)
        require_partner_allowed(bid=eoi, organisation=organisation)
        partner, created = EoiPartner.objects.get_or_create(
            eoi=eoi, organisation=organisation, defaults={"added_by": added_by, "added_at": now}
        )
        if not created:
            raise FundingError(f"{organisation.name} is already a partner in this bid.")
        EoiChange.objects.create(
            eoi=eoi,
            changed_by=added_by,
            changed_at=now,
            description=f"Added {organisation.name} as a partner",
        )
    return partner


def eoi_partner_remove(
    *, partner: EoiPartner, removed_by: User, now: datetime | None = None
) -> None:
    """Take a partner out of the draft."""
    now = _now(now)
    with transaction.atomic():
        eoi = _lock(partner.eoi)
        _require_open_draft(eoi, user=removed_by, now=now)
        name = partner.organisation.name
        deleted, _ = EoiPartner.objects.filter(pk=partner.pk, eoi=eoi).delete()
        if deleted:
            EoiChange.objects.create(
                eoi=eoi, changed_by=removed_by, changed_at=now, description=f"Removed {name}"
            )


def eoi_submit(
    *, eoi: ExpressionOfInterest, submitted_by: User, now: datetime | None = None
) -> ExpressionOfInterest:
    """Submit the draft to staff: draft → submitted.

    Every rule of the round is checked again, the window to the second; ``RulesNotMet``
    lists what is wrong. The submitter is sent a copy.
    """
    now = _now(now)
    with transaction.atomic():
        eoi = _lock(eoi)
        bid_submitted(
            eoi,
            submitted_by=submitted_by,
            now=now,
            action="submit it",
            problems=lambda: rules_eois.eoi_problems(eoi=eoi, now=now),
            change="Submitted",
        )
        audit_record(
            actor=submitted_by,
            verb="funding.eoi.submitted",
            target=eoi,
            data={"round": eoi.round.slug, "lead": eoi.lead_organisation.name},
        )
        context = {
            "eoi": eoi,
            "round": eoi.round,
            "partners": [p.organisation.name for p in eoi.partners.select_related("organisation")],
            "submitted_at": time_on_day(now, weekday=True),
            "estimated_cost": formats.money(eoi.estimated_cost),
            "eoi_url": absolute_url("funding:eoi-detail", eoi.reference),
            "submitter": person_name(submitted_by),
        }
        email_queue(
            to=submitted_by.email,
            subject=f"Expression of interest {eoi.reference} submitted to {eoi.round.name}",
            body=render_to_string("funding/email/eoi_submitted.txt", context),
            idempotency_key=f"funding.eoi.submitted.{eoi.pk}",
        )
        eoi_partners_tell(eoi=eoi)
    return eoi


def eoi_partners_tell(*, eoi: ExpressionOfInterest) -> None:
    """Email the admins of each partner organisation that the submitted EOI names it:
    who submitted what, and where they can read it. Once per organisation and admin,
    however often it runs."""
    partner_admins_tell(
        kind="expression of interest",
        reference=eoi.reference,
        title=eoi.title,
        round=eoi.round,
        lead=eoi.lead_organisation,
        partners=[partner.organisation for partner in eoi.partners.select_related("organisation")],
        submitted_by=eoi.submitted_by,
        submitted_at=eoi.submitted_at,
        url=absolute_url("funding:eoi-detail", eoi.reference),
        idempotency_key=f"funding.eoi.partner_told.{eoi.pk}",
    )


def eoi_withdraw(
    *, eoi: ExpressionOfInterest, withdrawn_by: User, now: datetime | None = None
) -> ExpressionOfInterest:
    """Take the EOI back before the EOI window closes: draft or submitted → withdrawn."""
    now = _now(now)
    with transaction.atomic():
        eoi = _lock(eoi)
        require_member(
            user=withdrawn_by, organisation_ids=[eoi.lead_organisation_id], action="withdraw it"
        )
        if eoi.status not in (EoiStatus.DRAFT, EoiStatus.SUBMITTED):
            raise TransitionNotAllowed(
                f"Expression of interest {eoi.reference} has been "
                f"{eoi.get_status_display().lower()}, so it cannot be withdrawn."
            )
        closes_at = eoi.round.eoi_closes_at
        if closes_at is not None and now >= closes_at:
            raise DeadlinePassed(
                "Expressions of interest can be withdrawn only until the deadline, "
                f"{formats.date_and_time(closes_at)}."
            )
        previous = eoi.status
        eoi.status = EoiStatus.WITHDRAWN
        eoi.withdrawn_at = now
        eoi.withdrawn_by = withdrawn_by
        eoi.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "updated_at"])
        EoiChange.objects.create(
            eoi=eoi, changed_by=withdrawn_by, changed_at=now, description="Withdrew it"
        )
        audit_record(
            actor=withdrawn_by, verb="funding.eoi.withdrawn", target=eoi, data={"from": previous}
        )
    return eoi


def eoi_delete(*, eoi: ExpressionOfInterest, deleted_by: User, now: datetime | None = None) -> None:
    """Delete a draft EOI that was never submitted, with its partners and its history.

    Only a member of its lead organisation may (those who may change the draft), before the
    EOI window closes. It then no longer counts towards the lead's limit. The audit log
    keeps who deleted which draft.
    """
    now = _now(now)
    with transaction.atomic():
        eoi = _lock(eoi)
        require_member(
            user=deleted_by,
            organisation_ids=[eoi.lead_organisation_id],
            action="delete it (the lead organisation does)",
        )
        require_draft(eoi, consequence="so it cannot be deleted")
        closes_at = eoi.round.eoi_closes_at
        if closes_at is not None and now >= closes_at:
            raise DeadlinePassed(
                "Drafts can be deleted only until the deadline for expressions of interest, "
                f"{formats.date_and_time(closes_at)}."
            )
        audit_record(
            actor=deleted_by,
            verb="funding.eoi.deleted",
            target=eoi,
            data={
                "reference": eoi.reference,
                "title": eoi.title,
                "round": eoi.round.slug,
                "lead": eoi.lead_organisation.name,
            },
        )
        eoi.delete()
