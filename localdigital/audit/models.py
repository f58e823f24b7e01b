"""The audit log: an append-only record of who did what to which object, and when."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .errors import AuditEventImmutableError


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Audit events in bulk, which may be read and added to but never changed or deleted."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutableError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditEventImmutableError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One domain action: who (``actor``) did what (``verb``) to which object (``target``).

    Events are append-only. ``save()`` refuses a row that already has a primary key,
    ``delete()`` and the queryset's ``update()`` and ``delete()`` refuse outright, and a
    trigger added by migration 0001 makes PostgreSQL reject every ``UPDATE`` and ``DELETE``
    of the table, whatever code issues it. A later migration that has to rewrite rows must
    disable that trigger around its own statements, in plain sight.

    The actor is a foreign key with no database constraint and ``on_delete=DO_NOTHING``.
    Deleting a user must not change the log: ``SET_NULL`` or ``CASCADE`` would update or
    delete events (which the trigger refuses, so the user could never be deleted), and an
    ordinary constraint would refuse the deletion outright. So the event keeps the user's
    id even when that user has gone, and ``actor_label`` keeps their email address so the
    event still says who acted. ``actor`` is empty for scheduled and other system jobs.

    The target is named by content type and primary key (as text, so any key type fits),
    with ``target_label`` keeping what the object was called at the time. ``data`` holds
    whatever else the action needs to be understood later, such as the values it changed.
    """

    SYSTEM_ACTOR_LABEL = "system"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="Empty for system jobs. May name a user who has since been deleted.",
    )
    actor_label = models.CharField(
        max_length=254, help_text="The actor's email address at the time, or 'system'."
    )
    verb = models.CharField(
        max_length=100, db_index=True, help_text="What happened, as app.entity.action."
    )
    target_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_object_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit event"
        indexes = [
            models.Index(
                fields=["target_content_type", "target_object_id"],
                name="audit_event_target_idx",
            )
        ]

    def __str__(self) -> str:
        target = f" {self.target_label}" if self.target_label else ""
        return f"{self.actor_label} {self.verb}{target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new event; refuse to save one that is already stored."""
        if self.pk is not None:
            raise AuditEventImmutableError("Audit events cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutableError("Audit events cannot be deleted.")
