"""Writes about rounds: making a round, changing its configuration (its budget, dates and
rules) and the parts staff set beside it (its phases' caps, its criteria and its questions),
each with an audit event that says what was set, or what changed from what to what.

A round is configured, not coded, and what staff change in it (the budget, a close, the
number of partners) changes what applicants may do: so every change is on record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.changes import changes_set, unknown_fields_refused, values_set
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from ..errors import TransitionNotAllowed
from ..models import REPORTING_FIELDS, ROUND_DATE_FIELDS, Round, RoundQuestion

# What staff configure in a round, in the order its page shows it. Nothing else about a
# round changes through ``round_update``: its decisions, approval and announcement change
# through their own services.
ROUND_FIELDS = (
    "fund",
    "number",
    "name",
    "slug",
    "summary",
    "budget",
    "is_published",
    *ROUND_DATE_FIELDS,
    "date_precision",
    "min_participants",
    "participants_must_be_signatories",
    "max_led_applications",
    "restricted_to_round",
    "assessors_per_application",
    "reminder_offsets_days",
    *REPORTING_FIELDS,
)
# Fixed once the Minister has approved the round's decisions.
LOCKED_ONCE_APPROVED = frozenset({"decisions_announced_at"})


def round_create(*, values: Mapping[str, Any], created_by: User) -> Round:
    """Make a round configured with ``values`` (as ``round_update`` takes them), and return
    it. One audit event (``funding.round.created``) lists every value it was given. Raise
    ``ValueError`` for a field that is not configured here (a bug in the caller)."""
    unknown_fields_refused("round", ROUND_FIELDS, values)
    with transaction.atomic():
        round = Round()
        given = values_set(round, ROUND_FIELDS, values)
        round.save()
        audit_record(
            actor=created_by, verb="funding.round.created", target=round, data={"values": given}
        )
        content_changed("funding")
    return round


def round_parts_save(
    *, round: Round, saved: Sequence[models.Model], deleted: Sequence[models.Model], by: User
) -> None:
    """Save the ``saved`` parts of ``round`` (its phases' caps, criteria or questions, new or
    changed) and delete the ``deleted`` ones, with one audit event
    (``funding.round.parts_changed``) naming each part added, changed or removed. A question
    is public from the moment it is published, and not once unpublished."""
    if not saved and not deleted:
        return
    now = timezone.now()
    changes: list[dict[str, str]] = []
    with transaction.atomic():
        for part in saved:
            if isinstance(part, RoundQuestion):
                if part.is_published and part.published_at is None:
                    part.published_at = now
                elif not part.is_published:
                    part.published_at = None
            change = "changed" if part.pk else "added"
            part.save()
            changes.append(
                {"part": str(part._meta.verbose_name), "change": change, "row": str(part)}
            )
        for part in deleted:
            changes.append(
                {"part": str(part._meta.verbose_name), "change": "removed", "row": str(part)}
            )
            part.delete()
        audit_record(
            actor=by, verb="funding.round.parts_changed", target=round, data={"changes": changes}
        )
        content_changed("funding")


def round_update(*, round_id: int, values: Mapping[str, Any], updated_by: User) -> Round:
    """Change the round's configuration to ``values`` (field name to value, a related round
    or fund as a row or its key), and return the round.

    Only the fields that differ from what is saved are written, and one audit event
    (``funding.round.updated``) lists each of them with its old and new value. Giving the
    values the round has already changes nothing and records nothing. Raise
    ``TransitionNotAllowed`` for a change of the announcement time once the Minister has
    approved the round's decisions, and ``ValueError`` for a field that is not configured
    here (a bug in the caller, not a refusal).
    """
    unknown_fields_refused("round", ROUND_FIELDS, values)
    with transaction.atomic():
        round = Round.objects.select_for_update(no_key=True).get(pk=round_id)
        changes = changes_set(round, ROUND_FIELDS, values)
        locked = [change for change in changes if change["field"] in LOCKED_ONCE_APPROVED]
        if locked and round.decisions_approved_at is not None:
            raise TransitionNotAllowed(
                f"The decisions of {round.name} are approved, so their announcement time "
                "can no longer change."
            )
        if not changes:
            return round
        round.save(update_fields=[*(change["field"] for change in changes), "updated_at"])
        audit_record(
            actor=updated_by,
            verb="funding.round.updated",
            target=round,
            data={"changes": changes},
        )
        content_changed("funding")
    return round
