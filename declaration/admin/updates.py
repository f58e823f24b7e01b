"""Staff screens for declaration project updates: read them, and remove one with a reason.

Members post updates from their account; staff never write or edit one. Removing is an
action that asks for a reason on a page of its own, then calls ``project_update_remove``, so
it is audited with what the update said. There is no other way to delete an update.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from declaration.models import ProjectUpdate
from declaration.selectors import moderation as selectors
from declaration.services.updates import project_update_remove
from localdigital.accounts.requests import request_staff_user
from localdigital.errors import DomainError


class RemovalReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=(
            "Kept in the audit log with the update's title and text. Nobody is emailed: tell "
            "the organisation yourself if it needs to know."
        ),
        error_messages={"required": "Give a reason: nothing is removed without one."},
    )


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
        """Ask for the reason on a page of its own, then remove each update."""
        staff = request_staff_user(request)
        form = RemovalReasonForm(request.POST if "confirm" in request.POST else None)
        updates = list(queryset.order_by("pk"))
        if form.is_valid():
            removed, refused = 0, []
            for update in updates:
                try:
                    project_update_remove(
                        update=update, removed_by=staff, reason=form.cleaned_data["reason"]
                    )
                except DomainError as error:
                    refused.append(str(error))
                else:
                    removed += 1
            if removed:
                count = ngettext("%d update", "%d updates", removed) % removed
                self.message_user(request, f"Removed {count}.", messages.SUCCESS)
            if refused:
                self.message_user(request, "Not removed: " + " ".join(refused), messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Remove updates",
            "intro": (
                "They are deleted from their signatory's public page. This cannot be undone."
            ),
            "submit": "Remove",
            "form": form,
            "objects": [
                (update.pk, f"“{update.title}” on {update.signing.organisation_name}")
                for update in updates
            ],
            "action": "remove_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "return_to": "",
        }
        return TemplateResponse(request, "admin/declaration/signing/reason.html", context)
