"""Staff screens for declaration project updates: read them, and remove one with a reason.

Members post updates from their account; staff never write or edit one. Removing is an
action that asks for a reason on a page of its own, then calls ``project_update_remove``, so
it is audited with what the update said. There is no other way to delete an update.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from declaration.models import ProjectUpdate
from declaration.selectors import moderation as selectors
from declaration.services.updates import project_update_remove
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import action_form_page, confirmed_data, run_each

from .forms import RemovalReasonForm


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(admin.ModelAdmin):
    """Declaration project updates, newest first, read-only, with an action to remove them."""

    list_display = ["signatory", "title", "posted_by", "posted_at"]
    list_display_links = ["title"]
    search_fields = ["title", "body", "signing__organisation__name", "posted_by__email"]
    search_help_text = "Search by title, text, signatory or the poster's email address."
    ordering = ["-posted_at", "-pk"]
    date_hierarchy = "posted_at"
    fields = ["signatory", "signing", "title", "body", "posted_by", "posted_at"]
    readonly_fields = ["signatory", "signing", "title", "body", "posted_by", "posted_at"]
    actions = ["remove_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProjectUpdate]:
        return selectors.project_updates_for_admin()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ProjectUpdate | None = None) -> bool:
        # An update is its poster's words: staff may remove it, through the action, but not
        # edit it.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ProjectUpdate | None = None) -> bool:
        return False

    @admin.display(description="signatory", ordering="signing__organisation__name")
    def signatory(self, update: ProjectUpdate) -> str:
        return update.signing.organisation_name

    @admin.action(description="Remove selected updates", permissions=["change"])
    def remove_selected(self, request: HttpRequest, queryset: QuerySet[ProjectUpdate]) -> Any:
        """Ask for the reason on the action's page, then remove each update."""
        updates = list(queryset.order_by("pk"))
        form = RemovalReasonForm(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="remove_selected",
                title=("Remove an update", "Remove updates"),
                intro="They are deleted from their signatory's public page. This cannot be undone.",
                submit="Remove",
                form=form,
                objects=[
                    (update.pk, f"“{update.title}” on {update.signing.organisation_name}")
                    for update in updates
                ],
            )
        staff = request_staff_user(request)
        reason = form.cleaned_data["reason"]
        run_each(
            self,
            request,
            updates,
            lambda update: project_update_remove(update=update, removed_by=staff, reason=reason),
            label=lambda update: f"“{update.title}”",
            done="Removed {}.",
            counted=("update", "updates"),
            refused="Not removed:",
        )
        return None
