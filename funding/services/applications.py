"""Writes about full applications by applicants: starting one, saving its sections,
partners and their confirmation, submitting and withdrawing.

Members of the lead and the partner organisations edit a draft together. Every save of a
section names the version its form was opened at (``ApplicationSection.version``); a save
against a version that has moved on is refused with ``SectionConflict`` and changes nothing,
so no edit is ever silently lost. Every save is kept in the draft's history
(``ApplicationChange``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from .. import formats, rules
from ..errors import (
    DeadlinePassed,
    LeadLimitReached,
    TransitionNotAllowed,
)
from ..models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    Round,
    Section,
)
from .common import (
    lead_bids_lock,
    require_draft,
    require_member,
)


@dataclass(frozen=True)
class BudgetLineValue:
    """One budget line as a form gives it."""

    description: str
    amount: Decimal


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "lead_organisation")
        .get(pk=application.pk)
    )


def participant_ids(application: Application) -> list[int]:
    """Return the ids of the lead and partner organisations of ``application``."""
    return [
        application.lead_organisation_id,
        *ApplicationPartner.objects.filter(application=application).values_list(
            "organisation_id", flat=True
        ),
    ]


def _require_open_draft(application: Application, *, user: User, now: datetime) -> None:
    """Raise unless ``user`` may still change the draft at ``now``: a member of the lead or
    a partner organisation, before the round's applications close."""
    require_member(
        user=user, organisation_ids=participant_ids(application), action="change this draft"
    )
    require_draft(application, consequence="so it can no longer be changed")
    closes_at = application.round.applications_close_at
    if now >= closes_at:
        raise DeadlinePassed(
            f"The deadline for applications to {application.round.name} was "
            f"{formats.date_and_time(closes_at)}, so this draft can no longer be changed."
        )


def _check_lead_limit(*, round: Round, organisation: Organisation) -> None:
    """Raise ``LeadLimitReached`` if ``organisation`` may not lead one more application in
    ``round``. Callers that go on to create one lock the organisation first."""
    problems = rules.lead_limit_problems(
        round=round,
        lead=organisation,
        others=rules.led_application_count(round=round, organisation=organisation),
        kind=rules.APPLICATION_KIND,
    )
    if problems:
        raise LeadLimitReached(problems[0].message)


def application_create(
    *,
    round: Round,
    lead_organisation: Organisation,
    created_by: User | None,
    values: Mapping[str, Any] | None = None,
    partners: Iterable[Organisation] = (),
    now: datetime | None = None,
) -> Application:
    """Create a draft application with its sections, partners and first history line.

    For the services that start one (an applicant in a round with no EOI stage, or staff
    inviting EOIs); the caller holds the transaction and has checked who may. The lead
    limit is checked here, under the lock on the bids the lead organisation leads.
    """
    now = _now(now)
    lead_bids_lock(round=round, organisation_id=lead_organisation.pk)
    _check_lead_limit(round=round, organisation=lead_organisation)
    application = Application.objects.create(
        round=round,
        lead_organisation=lead_organisation,
        created_by=created_by,
        created_at=now,
        **dict(values or {}),
    )
    ApplicationSection.objects.bulk_create(
        ApplicationSection(application=application, section=section) for section in Section
    )
    ApplicationPartner.objects.bulk_create(
        ApplicationPartner(application=application, organisation=organisation, added_at=now)
        for organisation in partners
        if organisation.pk != lead_organisation.pk
    )
    ApplicationChange.objects.create(
        application=application,
        changed_by=created_by,
        changed_at=now,
        description="Started the application",
    )
    return application


def application_delete(
    *, application: Application, deleted_by: User, now: datetime | None = None
) -> None:
    """Delete a draft application that was never submitted, with its sections, partners,
    budget and history.

    Only a member of the lead organisation may, before the round's applications close:
    members of partner organisations work on the draft but cannot delete it. A draft that
    staff made by inviting an expression of interest cannot be deleted (the invitation
    would be lost): it can be withdrawn. The audit log keeps who deleted which draft.
    """
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        require_member(
            user=deleted_by,
            organisation_ids=[application.lead_organisation_id],
            action="delete it (the lead organisation does)",
        )
        require_draft(application, consequence="so it cannot be deleted")
        closes_at = application.round.applications_close_at
        if now >= closes_at:
            raise DeadlinePassed(
                "Drafts can be deleted only until the deadline for applications, "
                f"{formats.date_and_time(closes_at)}."
            )
        if application.eois.exists():
            raise TransitionNotAllowed(
                f"Application {application.reference} comes from an invitation to an "
                "expression of interest, so it cannot be deleted. You can withdraw it instead."
            )
        audit_record(
            actor=deleted_by,
            verb="funding.application.deleted",
            target=application,
            data={
                "reference": application.reference,
                "title": application.title,
                "round": application.round.slug,
                "lead": application.lead_organisation.name,
            },
        )
        application.delete()
