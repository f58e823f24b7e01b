"""Writes about rounds: changing a round's configuration (its budget, dates and rules), with
an audit event that says what changed from what to what.

A round is configured, not coded, and what staff change in it (the budget, a close, the
number of partners) changes what applicants may do: so every change is on record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from ..errors import TransitionNotAllowed
from ..models import REPORTING_FIELDS, ROUND_DATE_FIELDS, Round

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


def _stored(round: Round, field: models.Field) -> Any:
    """Return the field's value as the database holds it: a related row's key, not the row."""
    return getattr(round, field.attname)


def _given(field: models.Field, value: Any) -> Any:
    """Return a value given for the field as the database would hold it."""
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def _audited(field: models.Field, value: Any) -> Any:
    """Return a value as the audit event keeps it: money to the penny, times in full."""
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
        return f"{value:.{field.decimal_places}f}"
    if isinstance(value, datetime):
        return value.isoformat()
    return value


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
    unknown = set(values) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"A round's {', '.join(sorted(unknown))} is not changed here.")
    with transaction.atomic():
        round = Round.objects.select_for_update(no_key=True).get(pk=round_id)
        changes: list[dict[str, Any]] = []
        for name in ROUND_FIELDS:
            if name not in values:
                continue
            field = Round._meta.get_field(name)
            assert isinstance(field, models.Field)
            old, new = _stored(round, field), _given(field, values[name])
            if old == new:
                continue
            if name in LOCKED_ONCE_APPROVED and round.decisions_approved_at is not None:
                raise TransitionNotAllowed(
                    f"The decisions of {round.name} are approved, so their announcement time "
                    "can no longer change."
                )
            setattr(round, field.attname, new)
            changes.append(
                {"field": name, "old": _audited(field, old), "new": _audited(field, new)}
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
