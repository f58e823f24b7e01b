"""Staff screens for the outbox and the suppression list."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext

from localdigital.accounts.models import User

from . import services
from .forms import SuppressionForm
from .models import OutgoingEmail, Suppression


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: staff can only retry emails that failed."""

    list_display = [
        "created_at",
        "recipient",
        "subject",
        "stream",
        "status",
        "attempts",
        "sent_at",
        "delivery_status",
    ]
    list_filter = ["status", "stream", "delivery_status"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fieldsets = [
        (None, {"fields": ["recipient", "subject", "stream", "status", "last_error"]}),
        ("Content", {"fields": ["body_text", "body_html", "headers"]}),
        (
            "Sending",
            {
                "fields": [
                    "idempotency_key",
                    "message_id",
                    "attempts",
                    "created_at",
                    "queued_at",
                    "next_attempt_at",
                    "sending_started_at",
                    "sent_at",
                    "failed_at",
                ]
            },
        ),
        (
            "Provider",
            {"fields": ["provider_reference", "delivery_status", "delivery_reported_at"]},
        ),
    ]
    readonly_fields = [str(field) for _, options in fieldsets for field in options["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        """Return whether the user may queue failed emails again."""
        return request.user.has_perm("mail.change_outgoingemail")

    @admin.action(description="Retry", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        """Queue the selected failed emails again."""
        retried, refused = 0, []
        for email in queryset.order_by("pk"):
            try:
                services.email_retry(email_id=email.pk, actor=_staff_user(request))
            except services.TransitionNotAllowed:
                refused.append(f"{email.recipient} ({email.get_status_display().lower()})")
            except services.RecipientSuppressed:
                refused.append(f"{email.recipient} (on the suppression list)")
            else:
                retried += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%d email was queued to be sent again.",
                    "%d emails were queued to be sent again.",
                    retried,
                )
                % retried,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                "Only failed emails to addresses that are not suppressed can be retried. "
                "Not retried: " + ", ".join(refused) + ".",
                messages.WARNING,
            )


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses nothing is sent to. Taking one off the list lets it be sent to again."""

    form = SuppressionForm
    list_display = ["email", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Suppression | None = None
    ) -> list[str]:
        return ["email", "created_at"] if obj else []

    def save_model(
        self, request: HttpRequest, obj: Suppression, form: SuppressionForm, change: bool
    ) -> None:
        saved = services.suppression_add(
            email=obj.email, reason=obj.reason, note=obj.note, actor=_staff_user(request)
        )
        obj.pk, obj.email, obj.created_at = saved.pk, saved.email, saved.created_at

    def delete_model(self, request: HttpRequest, obj: Suppression) -> None:
        services.suppression_remove(suppression_id=obj.pk, actor=_staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Suppression]) -> None:
        for suppression_id in queryset.values_list("pk", flat=True):
            services.suppression_remove(suppression_id=suppression_id, actor=_staff_user(request))


def _staff_user(request: HttpRequest) -> User:
    """Return the member of staff acting; the admin site lets nobody else this far."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
