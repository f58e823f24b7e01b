"""What the Fund's staff screens share: read-only inlines, and how they name expressions of
interest. Their actions use ``localdigital.admin_actions`` directly."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from localdigital.formats import count_of


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on their parent's page, for reading only.

    They are whoever may view the parent's to read: the applicant's partners, budget and
    history are the applicant's, and are changed only through the services.
    """

    extra = 0
    can_delete = False
    # Related rows each row shows, read in the same query.
    related: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related(*self.related)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def eois_named(count: int) -> str:
    """Return "1 expression of interest" or "3 expressions of interest"."""
    return count_of(count, "expression of interest", "expressions of interest")
