"""Staff screens for the Declaration's versions: write one in Markdown, preview it, publish it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from declaration.models import DeclarationVersion
from declaration.selectors import moderation as selectors
from declaration.services import versions as version_services
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import ServiceSaveMixin
from localdigital.formats import calendar_date
from localdigital.markdown import markdown_to_html

from .forms import DeclarationVersionForm

VERSION_FIELDS = ["number", "text", "preview", "published_on", "created_at", "created_by"]


@admin.register(DeclarationVersion)
class DeclarationVersionAdmin(ServiceSaveMixin, admin.ModelAdmin):
    """Versions of the Declaration. Writing and publishing go through services, audited.

    Once anyone has signed a version, its page is read-only: signatories signed those words.
    Nobody deletes a version.
    """

    form = DeclarationVersionForm
    list_display = ["__str__", "state", "signing_count", "created_at", "created_by"]
    ordering = ["-number"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.declaration_versions_for_admin()

    def get_fields(self, request: HttpRequest, obj: DeclarationVersion | None = None) -> Any:
        if obj is None:
            return ["text", "published_on"]
        return VERSION_FIELDS

    def get_readonly_fields(
        self, request: HttpRequest, obj: DeclarationVersion | None = None
    ) -> Any:
        return ["number", "preview", "created_at", "created_by"]

    def has_change_permission(
        self, request: HttpRequest, obj: DeclarationVersion | None = None
    ) -> bool:
        if obj is not None and selectors.declaration_version_is_signed(version=obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: DeclarationVersion | None = None
    ) -> bool:
        return False

    @admin.display(description="state")
    def state(self, version: DeclarationVersion) -> str:
        published_on = version.published_on
        if published_on is None:
            return "Draft"
        if published_on > timezone.localdate():
            return f"Scheduled for {calendar_date(published_on)}"
        is_current = getattr(version, "current_number", None) == version.number
        return f"Published {calendar_date(published_on)}{' (current)' if is_current else ''}"

    @admin.display(description="signings")
    def signing_count(self, version: DeclarationVersion) -> int:
        return int(getattr(version, "signing_count", 0))

    @admin.display(description="preview")
    def preview(self, version: DeclarationVersion) -> SafeString:
        """Show the saved text as readers will see it; save to see a change."""
        # markdown_to_html escapes any raw HTML in the text, so its output is safe to show.
        html = mark_safe(markdown_to_html(version.text, govuk_classes=False))  # noqa: S308
        return format_html('<div class="declaration-preview">{}</div>', html)

    # The services refuse a change to a version signed since the page was opened.
    refused_save = "Nothing was saved. {error}"

    def save_through_service(
        self, request: HttpRequest, obj: DeclarationVersion, form: Any, change: bool
    ) -> DeclarationVersion:
        staff = request_staff_user(request)
        text = form.cleaned_data["text"]
        published_on = form.cleaned_data.get("published_on")
        if not change:
            return version_services.declaration_version_create(
                text=text, published_on=published_on, created_by=staff
            )
        saved = version_services.declaration_version_text_update(
            version=obj, text=text, updated_by=staff
        )
        if published_on is not None:
            saved = version_services.declaration_version_publish(
                version=saved, published_on=published_on, published_by=staff
            )
        return saved
