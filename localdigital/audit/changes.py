"""Setting the values staff gave on a row, and saying what was set, or what changed from what
to what, as an audit event keeps it: the one way every domain's services that staff's admin
pages save through (a round, a fund, a course, a cohort) record it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models


def _field(model: models.Model, name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _given(field: models.Field, value: Any) -> Any:
    """Return a value given for the field as the database would hold it: a related row by
    its key."""
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def audited(value: Any, field: models.Field | None = None) -> Any:
    """Return a value as the audit event keeps it: a date or a time in full, in ISO 8601, and
    an amount of a decimal field to its places (money to the penny)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
        return f"{value:.{field.decimal_places}f}"
    if isinstance(value, list):
        return list(value)
    return value


def unknown_fields_refused(kind: str, fields: Iterable[str], values: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` for a value given of a field not changed here (a bug in the
    caller, not a refusal)."""
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"A {kind}'s {', '.join(sorted(unknown))} is not changed here.")


def values_of(row: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return each of ``fields`` of ``row`` as the audit event keeps it, a related row by its
    key."""
    return {
        name: audited(getattr(row, field.attname), field)
        for name in fields
        for field in (_field(row, name),)
    }


def values_set(row: models.Model, fields: Iterable[str], values: Mapping[str, Any]) -> dict:
    """Set each of ``fields`` given in ``values`` on ``row``, and return them as the audit
    event keeps them."""
    given: dict[str, Any] = {}
    for name in fields:
        if name not in values:
            continue
        field = _field(row, name)
        value = _given(field, values[name])
        setattr(row, field.attname, value)
        given[name] = audited(value, field)
    return given


def changes_set(
    row: models.Model, fields: Iterable[str], values: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Set each of ``fields`` given in ``values`` that differs from what ``row`` holds, and
    return each as ``{"field", "old", "new"}``, in the order of ``fields``."""
    changes: list[dict[str, Any]] = []
    for name in fields:
        if name not in values:
            continue
        field = _field(row, name)
        old, new = getattr(row, field.attname), _given(field, values[name])
        if old == new:
            continue
        setattr(row, field.attname, new)
        changes.append({"field": name, "old": audited(old, field), "new": audited(new, field)})
    return changes


def differences(
    stored: models.Model, edited: models.Model, fields: Iterable[str]
) -> list[dict[str, Any]]:
    """Return each of ``fields`` whose value differs between the ``stored`` row and its
    ``edited`` copy as ``{"field", "old", "new"}``, in the order of ``fields``, as the audit
    event keeps them."""
    old, new = values_of(stored, fields), values_of(edited, fields)
    return [
        {"field": name, "old": old[name], "new": new[name]}
        for name in fields
        if old[name] != new[name]
    ]
