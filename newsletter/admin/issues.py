"""Staff screens for newsletter issues: write an issue, see who approved it and what is
sending, with the buttons of its change page (the actions they run are in
``issue_actions``; its preview, progress and test are in ``issue_pages``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import ServiceSaveMixin, without_save_buttons
from localdigital.formats import time_on_day
from newsletter import services
from newsletter.models import IssueStatus, NewsletterIssue
from newsletter.selectors import newsletter as selectors

from .forms import (
    NewsletterIssueForm,
    NewsletterReturnForm,
    NewsletterScheduleForm,
    NewsletterTestForm,
)
from .issue_actions import IssueActionsMixin
from .issue_pages import IssuePagesMixin

ISSUE_DETAIL_FIELDS = [
    "status",
    "scheduled_for",
    "recipient_count",
    "created_at",
    "created_by",
    "edited_by",
    "approval_requested_at",
    "approval_requested_by",
    "approved_at",
    "approved_by",
    "started_at",
    "started_by",
    "paused_at",
    "resumed_at",
    "cancelled_at",
    "sent_at",
]


# The buttons that the change page places, beside their field or under Approval.
PLACED_BUTTONS = {"ask_for_approval", "approve", "return_to_draft", "schedule"}


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(ServiceSaveMixin, IssuePagesMixin, IssueActionsMixin):
    """Newsletter issues. Every change goes through an audited service.

    An issue can be edited until it is scheduled; a change to one waiting for approval or
    approved takes it back to a draft. Its page previews it, sends a test to a test group
    or the member of staff at any time, asks for its approval, lets another member of staff
    (never whoever changed it last or asked) approve it or return it with a comment, and
    once approved schedules or sends it; while it sends, a progress bar (refreshed by a
    small script, or by reloading without JavaScript) shows what is sent, failed and
    skipped, with buttons to pause, resume or cancel. Each button runs one of the list's
    actions on the issue alone. Only an issue not yet scheduled can be deleted, one at a
    time from its own page, through the audited service: the list offers no bulk delete.
    """

    form = NewsletterIssueForm
    change_form_template = "admin/newsletter/newsletterissue/change_form.html"
    list_display = [
        "subject",
        "status",
        "scheduled_for",
        "started_at",
        "sent_at",
        "recipient_count",
    ]
    list_filter = ["status"]
    search_fields = ["subject"]
    ordering = ["-created_at"]

    def get_fields(self, request: HttpRequest, obj: NewsletterIssue | None = None) -> Any:
        if obj is None:
            return ["subject", "body"]
        return ["subject", "body", *ISSUE_DETAIL_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: NewsletterIssue | None = None) -> Any:
        if obj is None:
            return []
        if not obj.can_edit():
            return ["subject", "body", *ISSUE_DETAIL_FIELDS]
        return ISSUE_DETAIL_FIELDS

    def has_delete_permission(
        self, request: HttpRequest, obj: NewsletterIssue | None = None
    ) -> bool:
        if obj is not None and not obj.can_delete():
            return False
        return super().has_delete_permission(request, obj)

    # The services refuse a change to an issue that started sending since the page opened.
    refused_save = "Nothing was saved. {error}"

    def save_through_service(
        self, request: HttpRequest, obj: NewsletterIssue, form: Any, change: bool
    ) -> NewsletterIssue:
        staff = request_staff_user(request)
        # Read-only once the issue has started: then the service refuses the change.
        subject = form.cleaned_data.get("subject", obj.subject)
        body = form.cleaned_data.get("body", obj.body)
        if change:
            return services.newsletter_issue_update(
                issue_id=obj.pk, subject=subject, body=body, changed_by=staff
            )
        return services.newsletter_issue_create(subject=subject, body=body, created_by=staff)

    def delete_model(self, request: HttpRequest, obj: NewsletterIssue) -> None:
        services.newsletter_issue_delete(issue_id=obj.pk, deleted_by=request_staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # Nothing here offers a bulk delete; should anything call this, each goes the one way.
        for issue in queryset:
            self.delete_model(request, issue)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: NewsletterIssue | None = None,
    ) -> Any:
        if obj is not None and not obj.can_edit():
            # Nothing on the form can change once the issue has left the drafts.
            without_save_buttons(context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_page_context(self, request: HttpRequest, issue: NewsletterIssue) -> dict[str, Any]:
        """Where the issue's approval and sending stand, with the buttons its state allows
        to the person: each runs one of the issue's actions (``issue_actions``)."""
        staff = request_staff_user(request)
        buttons = self.object_actions(request, issue, self.object_action_choices(request, issue))
        return {
            "newsletter": {
                "approval": _approval_text(issue, is_reviewer=issue.is_reviewer(staff)),
                "returned": _returned_text(issue),
                "return_comment": issue.return_comment if issue.returned_at else "",
                "change_needs_approval": (issue.can_edit() and issue.status != IssueStatus.DRAFT),
                # The buttons with a field beside them, or a place of their own, by name.
                "buttons": {button.name: button for button in buttons},
                # The others, in the order of the issue's sending.
                "sending_buttons": [
                    button for button in buttons if button.name not in PLACED_BUTTONS
                ],
                "return_form": NewsletterReturnForm(),
                "progress": selectors.newsletter_issue_progress(issue=issue),
                "shows_progress": issue.started_at is not None,
                "scheduled_for": (
                    timezone.localtime(issue.scheduled_for) if issue.can_unschedule() else None
                ),
                "can_test": self.has_change_permission(request, issue),
                "test_form": NewsletterTestForm(staff=staff),
                "test_groups_url": reverse("admin:newsletter_newslettertestgroup_changelist"),
                "schedule_form": NewsletterScheduleForm(),
                "urls": {
                    name: reverse(f"admin:newsletter_newsletterissue_{name}", args=[issue.pk])
                    for name in ("preview", "progress", "test")
                },
            }
        }


def _by(user: User | None) -> str:
    return f" by {user.email}" if user is not None else ""


def _approval_text(issue: NewsletterIssue, *, is_reviewer: bool) -> str:
    """Return where the issue's approval stands, in words for the member of staff."""
    if issue.status == IssueStatus.DRAFT:
        return (
            "It needs another member of staff's approval before it can be sent or scheduled. "
            "Ask for approval once it is ready; you can send a test at any time."
        )
    if issue.status == IssueStatus.AWAITING_APPROVAL:
        asked = (
            f"Approval was asked for{_by(issue.approval_requested_by)} at "
            f"{time_on_day(issue.approval_requested_at)}."
            if issue.approval_requested_at
            else "Approval was asked for."
        )
        if is_reviewer:
            return f"{asked} Approve it as it is, or return it with a comment."
        return (
            f"{asked} Another member of staff must approve it: not you, since you changed it "
            "last or asked for its approval."
        )
    if issue.approved_at is None:
        return ""
    return f"Approved{_by(issue.approved_by)} at {time_on_day(issue.approved_at)}."


def _returned_text(issue: NewsletterIssue) -> str:
    if issue.returned_at is None:
        return ""
    return f"Returned{_by(issue.returned_by)} at {time_on_day(issue.returned_at)}:"
