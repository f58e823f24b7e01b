"""Writes to an award's payment schedule: the instalments fund managers plan on the award's
page (added, changed or removed together, as the page saves them), each rule of the schedule
checked here once, whatever screen asked, with one audit event naming what changed.

Marking an instalment paid, and cancelling one not paid, are ``awards.instalment_mark_paid``
and ``awards.instalment_cancel``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from localdigital.accounts.models import User
from localdigital.audit.changes import differences, values_of
from localdigital.audit.services import audit_record

from .. import formats
from ..errors import FundingError, TransitionNotAllowed
from ..models import Award, AwardStatus, Instalment
from .assessment import _require_fund_manager
from .awards import _lock

# Instalments are planned for awards that may still be paid.
SCHEDULABLE = (AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.ACTIVE)
# What staff plan of an instalment; the rest records its payment (``instalment_mark_paid``).
PLANNED_FIELDS = ("due_on", "amount", "report", "on_offer_acceptance")
VERB = "funding.award.instalments_changed"


def _planned(instalment: Instalment) -> dict[str, Any]:
    """Return what is planned of ``instalment``, a report by its key."""
    return values_of(instalment, PLANNED_FIELDS)


def _stored(award: Award, given: Instalment, current: dict[int, Instalment]) -> Instalment:
    """Return the instalment of ``award`` that ``given`` is, as it is saved now."""
    stored = current.get(given.pk)
    if stored is None:
        raise TransitionNotAllowed(
            f"An instalment of {award.title} was cancelled since the page opened, so nothing "
            "was saved. Open the award again to plan its payments."
        )
    return stored


def _paid_refused(stored: Instalment) -> None:
    if stored.paid_at is not None:
        raise TransitionNotAllowed(
            f"The instalment due {formats.day(stored.due_on)} is paid, so it can no longer "
            "change or be removed."
        )


def _check_new(award: Award, instalment: Instalment) -> None:
    if award.status not in SCHEDULABLE:
        raise TransitionNotAllowed(
            f"This award is {award.get_status_display().lower()}, so it takes no new instalments."
        )
    _check_report(award, instalment)


def _check_report(award: Award, instalment: Instalment) -> None:
    report = instalment.report
    if report is not None and report.award_id != award.pk:
        raise FundingError(
            f"An instalment of {award.title} can be paid only once one of its own reports is "
            "accepted."
        )


def _check_total(award: Award, amounts: list[Decimal]) -> None:
    total = sum(amounts, Decimal(0))
    if total > award.amount:
        raise FundingError(
            f"The instalments add up to {formats.money(total)}, more than the "
            f"{formats.money(award.amount)} awarded."
        )


def instalments_save(
    *, award: Award, saved: Sequence[Instalment], deleted: Sequence[Instalment], by: User
) -> None:
    """Save the award's payment schedule as a fund manager planned it: the ``saved``
    instalments (new, or changed) and without the ``deleted`` ones.

    A paid instalment neither changes nor goes, only an award that may still be paid
    (offered, accepted or active) takes new ones, a new or changed one is paid only once a
    report of this award is accepted, and the instalments never add up to more than the
    award: any of these refused raises ``TransitionNotAllowed`` or ``FundingError``, and
    nothing is saved. One audit event (``funding.award.instalments_changed``) names each
    instalment added (what is planned of it), changed (each value, old and new) or removed;
    a schedule saved as it was records nothing. Only what is planned of an instalment is
    written, never its payment, so a payment recorded meanwhile stays.
    """
    _require_fund_manager(by, "plan payments")
    if not saved and not deleted:
        return
    with transaction.atomic():
        award = _lock(award)
        current = {
            instalment.pk: instalment
            for instalment in Instalment.objects.select_for_update().filter(award=award)
        }
        changes: list[dict[str, Any]] = []
        added: list[Instalment] = []
        changed: list[Instalment] = []
        for instalment in saved:
            if instalment.pk is None:
                _check_new(award, instalment)
                added.append(instalment)
                continue
            stored = _stored(award, instalment, current)
            fields = differences(stored, instalment, PLANNED_FIELDS)
            if not fields:
                continue
            _paid_refused(stored)
            _check_report(award, instalment)
            changed.append(instalment)
            changes.append({"change": "changed", "instalment": stored.pk, "fields": fields})
        removed = []
        for instalment in deleted:
            stored = _stored(award, instalment, current)
            _paid_refused(stored)
            removed.append(stored)
            changes.append({"change": "removed", "instalment": stored.pk, **_planned(stored)})
        if not (added or changes):
            return
        gone = {instalment.pk for instalment in [*changed, *removed]}
        _check_total(
            award,
            [i.amount for pk, i in current.items() if pk not in gone]
            + [i.amount for i in [*changed, *added]],
        )
        for instalment in changed:
            instalment.save(update_fields=list(PLANNED_FIELDS))
        for instalment in removed:
            instalment.delete()
        for instalment in added:
            instalment.award = award
            instalment.save()
        changes = [
            *({"change": "added", "instalment": i.pk, **_planned(i)} for i in added),
            *changes,
        ]
        audit_record(actor=by, verb=VERB, target=award, data={"changes": changes})
