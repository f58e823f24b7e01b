"""The one way to write to the audit log."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from localdigital.accounts.models import User

from .errors import InvalidVerbError
from .models import AuditEvent

# app.entity.action, and deeper where an entity has parts: lowercase words joined by dots.
VERB_PATTERN = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){2,}")


def audit_record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``verb`` to ``target``, and return the event.

    ``actor`` is None for system jobs. ``verb`` is lowercase ``app.entity.action``, such as
    ``declaration.signatory.published``, where ``app`` is an installed app's label.
    ``target`` is a saved model instance, or None for an action on no one object (such as
    an import of the whole register). ``data`` is anything else worth keeping, in JSON;
    dates, decimals and UUIDs are allowed.

    The event is written in the caller's transaction, so it exists only if the action does.
    """
    if not VERB_PATTERN.fullmatch(verb):
        raise InvalidVerbError(
            f"{verb!r} is not a verb in the form app.entity.action "
            "(lowercase words joined by dots)."
        )
    try:
        apps.get_app_config(verb.split(".", 1)[0])
    except LookupError:
        raise InvalidVerbError(f"{verb!r} does not start with an installed app's label.") from None
    if target is not None and target.pk is None:
        raise ValueError("The target of an audit event must be saved first.")
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else AuditEvent.SYSTEM_ACTOR_LABEL,
        verb=verb,
        target_content_type=(
            ContentType.objects.get_for_model(target, for_concrete_model=False)
            if target is not None
            else None
        ),
        target_object_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        data=data or {},
    )
