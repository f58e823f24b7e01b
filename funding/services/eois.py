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
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.mail.services import email_queue

from .. import formats, rules
from ..errors import (
    DeadlinePassed,
    FundingError,
    LeadLimitReached,
    RuleCode,
    RuleProblem,
    RulesNotMet,
    TransitionNotAllowed,
    WindowNotOpen,
)
from ..models import (
    EOI_COUNTED_STATUSES,
    EoiChange,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)
from .common import (
    field_label,
    partner_admins_tell,
    person_name,
    require_member,
    require_signatory_member,
    site_url,
)

WHAT = "expressions of interest"


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
    if eoi.status != EoiStatus.DRAFT:
        raise TransitionNotAllowed(
            f"Expression of interest {eoi.reference} has been {eoi.get_status_display().lower()}"
            ", so it can no longer be changed."
        )
    closes_at = eoi.round.eoi_closes_at
    if closes_at is not None and now >= closes_at:
        raise DeadlinePassed(
            f"The deadline for expressions of interest in {eoi.round.name} was "
            f"{formats.date_and_time(closes_at)}, so this draft can no longer be changed."
        )


def led_eoi_count(*, round: Round, organisation: Organisation) -> int:
    """Return how many EOIs ``organisation`` leads in ``round`` that count towards its limit."""
    return ExpressionOfInterest.objects.filter(
        round=round, lead_organisation=organisation, status__in=EOI_COUNTED_STATUSES
    ).count()


def eoi_start(
    *, round: Round, lead_organisation: Organisation, started_by: User, now: datetime | None = None
) -> ExpressionOfInterest:
    """Start a draft EOI to ``round`` led by ``lead_organisation``, and return it.

    Only an approved member of a published signatory may start one, while the round's EOI
    window is open, and not beyond the round's limit of bids one organisation may lead
    (drafts count).
    """
    now = _now(now)
    with transaction.atomic():
        if not round.is_published or not round.has_eoi_stage:
            raise WindowNotOpen(f"{round.name} does not take expressions of interest.")
        problems = rules.window_problems(
            opens_at=round.eoi_opens_at, closes_at=round.eoi_closes_at, now=now, what=WHAT
        )
        if problems:
            raise WindowNotOpen(problems[0].message)
        require_signatory_member(user=started_by, organisation=lead_organisation)
        # Starts for one organisation queue here, so two at once cannot both pass the limit.
        Organisation.objects.select_for_update().filter(pk=lead_organisation.pk).first()
        limit = round.max_led_applications
        if limit is not None and led_eoi_count(round=round, organisation=lead_organisation) >= (
            limit
        ):
            raise LeadLimitReached(
                f"{lead_organisation.name} already leads {limit} expression"
                f"{'s' if limit != 1 else ''} of interest in {round.name}, the most the round "
                "allows. Carry on with one of them, or withdraw one first."
            )
        eoi = ExpressionOfInterest.objects.create(
            round=round, lead_organisation=lead_organisation, created_by=started_by, created_at=now
        )
        EoiChange.objects.create(
            eoi=eoi, changed_by=started_by, changed_at=now, description="Started the draft"
        )
        audit_record(actor=started_by, verb="funding.eoi.started", target=eoi)
    return eoi


EOI_DETAIL_FIELDS = ("title", "problem", "phase", "estimated_cost")


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
    """Keep the draft's title, problem, proposed phase and estimated cost."""
    now = _now(now)
    with transaction.atomic():
        eoi = _lock(eoi)
        _require_open_draft(eoi, user=saved_by, now=now)
        values: dict[str, Any] = {
            "title": title.strip(),
            "problem": problem.strip(),
            "phase": phase,
            "estimated_cost": estimated_cost,
        }
        changed = [name for name, value in values.items() if getattr(eoi, name) != value]
        for name, value in values.items():
            setattr(eoi, name, value)
        eoi.save(update_fields=[*EOI_DETAIL_FIELDS, "updated_at"])
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
        if organisation.pk == eoi.lead_organisation_id:
            raise FundingError(f"{organisation.name} leads this bid, so it cannot be a partner.")
        if not organisation.is_active:
            raise FundingError(f"{organisation.name} has closed, so it cannot be a partner.")
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


def eoi_problems(*, eoi: ExpressionOfInterest, now: datetime) -> list[RuleProblem]:
    """Return every rule of its round the EOI does not meet at ``now``: the window, missing
    answers, the partner minimum, signatories, the lead limit and the phase cap."""
    round = eoi.round
    problems = rules.window_problems(
        opens_at=round.eoi_opens_at, closes_at=round.eoi_closes_at, now=now, what=WHAT
    )
    missing = [
        field_label(ExpressionOfInterest, name)
        for name in EOI_DETAIL_FIELDS
        if getattr(eoi, name) in ("", None)
    ]
    if missing:
        problems.append(
            RuleProblem(
                RuleCode.INCOMPLETE,
                f"Answer every question about the bid: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing.",
                section="details",
            )
        )
    partners = [p.organisation for p in eoi.partners.select_related("organisation")]
    problems += rules.participant_problems(
        round=round, participants=rules.Participants(lead=eoi.lead_organisation, partners=partners)
    )
    led = led_eoi_count(round=round, organisation=eoi.lead_organisation)
    if eoi.status not in EOI_COUNTED_STATUSES:
        led += 1
    problems += rules.lead_limit_problems(round=round, led_count=led, what=WHAT)
    problems += rules.phase_problems(
        phase=eoi.phase,
        amount=eoi.estimated_cost,
        caps=list(round.phase_caps.all()),
        what="estimated cost",
        section="details",
    )
    return problems


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
        require_member(
            user=submitted_by, organisation_ids=[eoi.lead_organisation_id], action="submit it"
        )
        if eoi.status != EoiStatus.DRAFT:
            raise TransitionNotAllowed(f"Expression of interest {eoi.reference} is not a draft.")
        # Submissions by one lead queue here, so the lead limit counts each of them.
        Organisation.objects.select_for_update().filter(pk=eoi.lead_organisation_id).first()
        problems = eoi_problems(eoi=eoi, now=now)
        if problems:
            raise RulesNotMet(problems)
        eoi.status = EoiStatus.SUBMITTED
        eoi.submitted_at = now
        eoi.submitted_by = submitted_by
        eoi.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        EoiChange.objects.create(
            eoi=eoi, changed_by=submitted_by, changed_at=now, description="Submitted"
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
            "submitted_at": formats.date_and_time(now),
            "estimated_cost": formats.money(eoi.estimated_cost),
            "eoi_url": site_url("funding:eoi-detail", eoi.reference),
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
        url=site_url("funding:eoi-detail", eoi.reference),
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
