"""Staff screens for the outbox and the suppression list."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import ServiceSaveMixin, ViewOnlyMixin

from . import services
from .forms import SuppressionForm
from .models import SENSITIVE_BODY_HIDDEN, OutgoingEmail, Suppression


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """The outbox, read-only: staff can only retry emails that failed.

    The body of a sensitive email (a sign-in link, say) is never shown, to anyone: the
    content fields are methods that hide it, and the model's own body fields are not listed.
    """

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
    list_filter = ["status", "stream", "delivery_status", "is_sensitive"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fieldsets = [
        (
            None,
            {"fields": ["recipient", "subject", "stream", "is_sensitive", "status", "last_error"]},
        ),
        ("Content", {"fields": ["text_body", "html_body", "headers"]}),
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

    def has_retry_permission(self, request: HttpRequest) -> bool:
        """Return whether the user may queue failed emails again."""
        return request.user.has_perm("mail.change_outgoingemail")

    @admin.display(description="body text")
    def text_body(self, email: OutgoingEmail) -> str:
        """Return the text body, or a note in its place when the email holds a secret."""
        return SENSITIVE_BODY_HIDDEN if email.is_sensitive else email.body_text

    @admin.display(description="body HTML")
    def html_body(self, email: OutgoingEmail) -> str:
        """Return the HTML body as text, or a note in its place when the email holds a secret."""
        return SENSITIVE_BODY_HIDDEN if email.is_sensitive else email.body_html

    @admin.action(description="Retry", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        """Queue the selected failed emails again."""
        retried, refused = 0, []
        for email in queryset.order_by("pk"):
            try:
                services.email_retry(email_id=email.pk, actor=request_staff_user(request))
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
class SuppressionAdmin(ServiceSaveMixin, admin.ModelAdmin):
    """Addresses nothing is sent to. Taking one off the list lets it be sent to again."""

    form = SuppressionForm
    list_display = ["email", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Suppression | None = None
    ) -> list[str]:
        return ["email", "created_at"] if obj else []

    def save_through_service(
        self, request: HttpRequest, obj: Suppression, form: SuppressionForm, change: bool
    ) -> Suppression:
        return services.suppression_add(
            email=obj.email, reason=obj.reason, note=obj.note, actor=request_staff_user(request)
        )

    def delete_model(self, request: HttpRequest, obj: Suppression) -> None:
        services.suppression_remove(suppression_id=obj.pk, actor=request_staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Suppression]) -> None:
        for suppression_id in queryset.values_list("pk", flat=True):
            services.suppression_remove(
                suppression_id=suppression_id, actor=request_staff_user(request)
            )
