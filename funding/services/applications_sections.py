"""Saving an application's sections: answers, budget lines and partners' roles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from funding.services.applications import BudgetLineValue, _lock, _now, _require_open_draft
from localdigital.accounts.models import User

from .. import rules
from ..errors import (
    RulesNotMet,
    SectionConflict,
)
from ..models import (
    SECTION_FIELDS,
    Application,
    ApplicationChange,
    ApplicationSection,
    BudgetLine,
    Section,
)
from .common import (
    field_label,
    person_name,
)


def _changed_fields(application: Application, values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(application, name) != value]


def application_section_save(
    *,
    application: Application,
    section: str,
    values: Mapping[str, Any],
    completed: bool,
    version: int,
    saved_by: User,
    budget_lines: Sequence[BudgetLineValue] | None = None,
    partner_roles: Mapping[int, str] | None = None,
    now: datetime | None = None,
) -> ApplicationSection:
    """Save one section of the draft, and whether its writer has completed it.

    ``values`` gives the section's fields (``SECTION_FIELDS``); the budget section also takes
    its ``budget_lines``, which replace the old ones, and the team section each partner's
    role (``partner_roles``, by partner id). ``version`` is the section's version when the
    form was opened: if someone has saved the section since, ``SectionConflict`` says who
    and when, and nothing is saved.

    The round's rules are checked as submission checks them (``rules``): an answer that
    breaks one (an amount over its phase's cap) is refused whenever it is saved, and a
    section marked complete must leave nothing of its own still to do (each partner's
    role, budget lines that add up). ``RulesNotMet`` lists what, and nothing is saved.
    """
    now = _now(now)
    section = Section(section)
    unknown = sorted(set(values) - set(SECTION_FIELDS[section]))
    if unknown:
        raise ValueError(f"The {section.label} section has no fields {', '.join(unknown)}.")
    with transaction.atomic():
        application = _lock(application)
        _require_open_draft(application, user=saved_by, now=now)
        state = (
            ApplicationSection.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(application=application, section=section)
        )
        if state.version != version:
            raise SectionConflict(
                saved_by=person_name(state.updated_by),
                saved_at=state.updated_at,
                version=state.version,
            )
        cleaned = {
            name: value.strip() if isinstance(value, str) else value
            for name, value in values.items()
        }
        changed = [field_label(Application, name) for name in _changed_fields(application, cleaned)]
        for name, value in cleaned.items():
            setattr(application, name, value)
        application.save(update_fields=[*cleaned, "updated_at"])
        if budget_lines is not None and _budget_lines_replace(application, budget_lines):
            changed.append("budget lines")
        if partner_roles is not None and _partner_roles_save(application, partner_roles):
            changed.append("partners' roles")
        if completed != state.is_completed:
            changed.append("marked complete" if completed else "marked not complete")
        state.is_completed = completed
        state.version += 1
        state.updated_at = now
        state.updated_by = saved_by
        state.save(update_fields=["is_completed", "version", "updated_at", "updated_by"])
        typed = {*values, *(rules.partner_role_field(pk) for pk in partner_roles or {})}
        problems = rules.problems_stopping_a_save(
            rules.application_problems(application=application, now=now),
            section=section,
            typed=typed,
            completed=completed,
        )
        if problems:
            raise RulesNotMet(problems)
        ApplicationChange.objects.create(
            application=application,
            section=section,
            description=f"Saved {section.label.lower()}",
            fields=changed,
            changed_by=saved_by,
            changed_at=now,
        )
    return state


def _budget_lines_replace(application: Application, lines: Sequence[BudgetLineValue]) -> bool:
    """Replace the budget lines; return whether they changed."""
    before = list(application.budget_lines.values_list("description", "amount"))
    after = [(line.description.strip(), line.amount) for line in lines]
    if before == after:
        return False
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, description=description, amount=amount, position=i)
        for i, (description, amount) in enumerate(after)
    )
    return True


def _partner_roles_save(application: Application, roles: Mapping[int, str]) -> bool:
    """Keep each named partner's role; return whether any changed. Partners no longer in
    the application (removed meanwhile) are passed over."""
    changed = False
    for partner in application.partners.filter(pk__in=list(roles)):
        role = roles[partner.pk].strip()
        if partner.role != role:
            partner.role = role
            partner.save(update_fields=["role"])
            changed = True
    return changed
