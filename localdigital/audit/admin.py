"""The audit log in the admin: for reading only, by anyone with the view permission."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html

from localdigital.admin_pages import ViewOnlyMixin

from .models import AuditEvent

EVENT_FIELDS = (
    "created_at",
    "verb",
    "actor_label",
    "actor_user_id",
    "target_content_type",
    "target_object_id",
    "target_label",
    "data_as_json",
)


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """List and show audit events. Nobody, superusers included, may add, change or delete one."""

    list_display = ["created_at", "verb", "actor_label", "target_content_type", "target_label"]
    list_filter = [
        "verb",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("target_content_type", admin.RelatedOnlyFieldListFilter),
    ]
    # "=" matches the target's id exactly, so searching 12 finds object 12 and not 112; with
    # the target type filter it lists every event for one object.
    search_fields = ["target_label", "actor_label", "=target_object_id"]
    search_help_text = (
        "Search by what the target was called, by who acted, or by the target's id (exact). "
        "Filter by target type to see every event for one object."
    )
    date_hierarchy = "created_at"
    list_select_related = ["target_content_type"]
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS

    @admin.display(description="actor's user id")
    def actor_user_id(self, event: AuditEvent) -> int | None:
        return event.actor_id

    @admin.display(description="data")
    def data_as_json(self, event: AuditEvent) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(event.data, indent=2, sort_keys=True, ensure_ascii=False)
        )
