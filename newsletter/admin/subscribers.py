"""Staff screens for newsletter subscribers: who subscribes, read only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from newsletter.models import Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Who subscribes, read-only: people subscribe, confirm and unsubscribe themselves.

    Nobody adds a subscriber here, since each must confirm their own address. A superuser
    may delete one, for someone who asks to be forgotten.
    """

    list_display = [
        "email",
        "status",
        "organisation",
        "subscribed_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    list_filter = ["status"]
    list_select_related = ["organisation"]
    search_fields = ["email"]
    fields = (
        "email",
        "status",
        "organisation",
        "created_at",
        "subscribed_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Subscriber | None = None) -> bool:
        return False
