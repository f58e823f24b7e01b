"""What the funding services share: who may act on a bid, the checks that a bid is still a
draft and that an organisation may be its partner, the lock on the bids one organisation leads
in a round, and telling partner organisations about a bid that names them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils.text import capfirst

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from declaration.selectors.organisation_admin import organisation_admins_active
from localdigital.accounts.models import User
from localdigital.formats import time_on_day
from localdigital.locks import advisory_lock_take, lock_register
from localdigital.mail.services import email_queue

from ..errors import FundingError, NotPermitted, RuleProblem, RulesNotMet, TransitionNotAllowed
from ..models import Application, ExpressionOfInterest, Round
from ..models.bids import DRAFT, SUBMITTED

LEAD_BIDS_LOCK = lock_register("funding.lead_bids")


def lead_bids_lock(*, round: Round, organisation_id: int) -> None:
    """Wait for, then hold until the transaction ends, the lock on the bids the organisation
    leads in ``round``: starting, inviting and submitting them queue here, so two at once
    cannot both pass the round's limit on bids one organisation leads.

    An advisory lock, not a lock on the organisation's row: that row is the declaration's,
    and locking it would hold up its memberships, signings and enrolments while a bid is
    checked.
    """
    advisory_lock_take(LEAD_BIDS_LOCK, round.pk, organisation_id, wait=True)


def require_member(*, user: User, organisation_ids: Iterable[int], action: str) -> None:
    """Raise ``NotPermitted`` unless ``user`` is an approved member of one of the
    organisations; ``action`` says, for the message, what they tried to do."""
    if not set(organisation_ids) & declaration_selectors.organisation_ids_for_member(user=user):
        raise NotPermitted(f"Only members of the organisations in this bid can {action}.")


def require_signatory_member(*, user: User, organisation: Organisation) -> None:
    """Raise unless ``user`` is an approved member of ``organisation`` and it is a published
    signatory: only signatories bid to the Fund."""
    require_member(user=user, organisation_ids=[organisation.pk], action="bid for it")
    if not declaration_selectors.signatory_organisation_ids(organisation_ids=[organisation.pk]):
        raise FundingError(
            f"{organisation.name} has not signed the Local Digital Declaration, so it cannot "
            "lead a bid to the Fund."
        )


def require_draft(bid: Application | ExpressionOfInterest, *, consequence: str) -> None:
    """Raise ``TransitionNotAllowed`` unless ``bid`` is still a draft; ``consequence`` ends
    the message ("so it cannot be deleted")."""
    if bid.status != DRAFT:
        raise TransitionNotAllowed(
            f"{capfirst(bid._meta.verbose_name)} {bid.reference} has been "
            f"{bid.get_status_display().lower()}, {consequence}."
        )


def bid_submitted(
    bid: Application | ExpressionOfInterest,
    *,
    submitted_by: User,
    now: datetime,
    action: str,
    problems: Callable[[], list[RuleProblem]],
    change: str,
) -> None:
    """Mark the locked ``bid`` submitted by ``submitted_by`` at ``now``, with ``change`` in
    its history, once it is checked: they are a member of its lead (``action`` says what
    they tried, for the refusal), it is still a draft, and it meets every rule of the round
    (``problems``, asked once this lead's other submissions to the round have finished, so
    the lead limit counts each of them)."""
    require_member(user=submitted_by, organisation_ids=[bid.lead_organisation_id], action=action)
    if bid.status != DRAFT:
        raise TransitionNotAllowed(
            f"{capfirst(bid._meta.verbose_name)} {bid.reference} is not a draft."
        )
    lead_bids_lock(round=bid.round, organisation_id=bid.lead_organisation_id)
    found = problems()
    if found:
        raise RulesNotMet(found)
    bid.status = SUBMITTED
    bid.submitted_at = now
    bid.submitted_by = submitted_by
    bid.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    bid.changes.create(description=change, changed_by=submitted_by, changed_at=now)


def require_partner_allowed(
    *, bid: Application | ExpressionOfInterest, organisation: Organisation
) -> None:
    """Raise unless ``organisation`` may be a partner in ``bid``: not its lead, and open."""
    if organisation.pk == bid.lead_organisation_id:
        raise FundingError(f"{organisation.name} leads this bid, so it cannot be a partner.")
    if not organisation.is_active:
        raise FundingError(f"{organisation.name} has closed, so it cannot be a partner.")


def field_label(model: type[models.Model], name: str) -> str:
    """Return how a field of ``model`` is named to people: its verbose name."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def person_name(user: User | None) -> str:
    """Return how a collaborator is named to others: their name, else their email."""
    if user is None:
        return "Someone who no longer has an account"
    return user.full_name or user.email


def partner_admins_tell(
    *,
    kind: str,
    reference: str,
    title: str,
    round: Round,
    lead: Organisation,
    partners: Sequence[Organisation],
    submitted_by: User | None,
    submitted_at: datetime | None,
    url: str,
    idempotency_key: str,
) -> None:
    """Queue an email to each active admin of each partner organisation, saying that the
    bid ``reference`` (a ``kind``: expression of interest or application) naming it as a
    partner was submitted, by whom, and where its members can read it.

    Each email's key is ``idempotency_key`` with the organisation and the admin, so each
    admin of each organisation is told once per bid, however often this runs. The
    submitter is not told about their own bid.
    """
    for organisation in partners:
        for membership in organisation_admins_active(organisation=organisation):
            admin = membership.user
            if submitted_by is not None and admin.pk == submitted_by.pk:
                continue
            context = {
                "kind": kind,
                "reference": reference,
                "title": title or f"Untitled {kind}",
                "round": round,
                "lead": lead,
                "partner": organisation,
                "submitter": person_name(submitted_by),
                "submitter_email": submitted_by.email if submitted_by is not None else "",
                "feedback_email": settings.FEEDBACK_EMAIL,
                "submitted_at": time_on_day(submitted_at, weekday=True) if submitted_at else "",
                "url": url,
            }
            email_queue(
                to=admin.email,
                subject=(
                    f"{lead.name} named {organisation.name} as a partner in its {kind} to "
                    f"{round.name}"
                ),
                body=render_to_string("funding/email/partner_named.txt", context),
                idempotency_key=f"{idempotency_key}.{organisation.pk}.{admin.pk}",
            )
