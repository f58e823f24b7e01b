"""Staff screens for the newsletter: write an issue, preview it, send a test of it to a test
group or to yourself, send or schedule it, and follow, pause, resume or cancel its sending;
keep the test groups; see who subscribes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from localdigital.accounts.models import User
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import ServiceSaveMixin
from localdigital.errors import DomainError
from localdigital.formats import time_on_day
from localdigital.http import require_safe_or_post
from newsletter.models import IssueStatus, NewsletterIssue, NewsletterTestGroup, Subscriber
from newsletter.selectors import newsletter as selectors
from newsletter.services import newsletter as services
from newsletter.services import test_groups as test_group_services

from .forms import (
    NewsletterIssueForm,
    NewsletterReturnForm,
    NewsletterScheduleForm,
    NewsletterTestForm,
    NewsletterTestGroupForm,
)

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


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(ServiceSaveMixin, admin.ModelAdmin):
    """Newsletter issues. Every change goes through an audited service.

    An issue can be edited until it is scheduled; a change to one waiting for approval or
    approved takes it back to a draft. Its page previews it, sends a test to a test group
    or the member of staff at any time, asks for its approval, lets another member of staff
    (never whoever changed it last or asked) approve it or return it with a comment, and
    once approved schedules or sends it; while it sends, a progress bar (refreshed by a
    small script, or by reloading without JavaScript) shows what is sent, failed and
    skipped, with buttons to pause, resume or cancel. Only an issue not yet scheduled can
    be deleted, one at a time from its own page,
    through the audited service: there are no bulk actions, whose delete would bypass it.
    """

    form = NewsletterIssueForm
    actions = None
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

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The services refuse a change to an issue that started sending since the page opened.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, f"Nothing was saved. {error}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

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

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The service refuses to delete an issue that left the drafts since the page opened.
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, f"Nothing was deleted. {error}", messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:newsletter_newsletterissue_change", args=[object_id])
            )

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
        if obj is not None:
            context["newsletter"] = self._sending_context(request, obj)
            if not obj.can_edit():
                # Nothing on the form can change once the issue has left the drafts.
                context.update(
                    show_save=False, show_save_and_continue=False, show_save_and_add_another=False
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _sending_context(self, request: HttpRequest, issue: NewsletterIssue) -> dict[str, Any]:
        can_act = self.has_change_permission(request, issue)
        staff = request_staff_user(request)
        progress = selectors.newsletter_issue_progress(issue=issue)
        is_reviewer = issue.is_reviewer(staff)
        return {
            "approval": _approval_text(issue, is_reviewer=is_reviewer),
            "returned": _returned_text(issue),
            "return_comment": issue.return_comment if issue.returned_at else "",
            "change_needs_approval": issue.can_edit() and issue.status != IssueStatus.DRAFT,
            "can_ask_for_approval": can_act and issue.can_ask_for_approval(),
            "can_approve": can_act and issue.can_approve() and is_reviewer,
            "return_form": NewsletterReturnForm(),
            "progress": progress,
            "shows_progress": issue.started_at is not None,
            "scheduled_for": (
                timezone.localtime(issue.scheduled_for) if issue.can_unschedule() else None
            ),
            "can_test": can_act,
            "test_form": NewsletterTestForm(staff=request_staff_user(request)),
            "test_groups_url": reverse("admin:newsletter_newslettertestgroup_changelist"),
            "can_schedule": can_act and issue.can_schedule(),
            "can_unschedule": can_act and issue.can_unschedule(),
            "can_send": can_act and issue.can_send(),
            "can_pause": can_act and issue.can_pause(),
            "can_resume": can_act and issue.can_resume(),
            "can_cancel": can_act and issue.can_cancel(),
            "schedule_form": NewsletterScheduleForm(),
            "urls": {
                name: reverse(f"admin:newsletter_newsletterissue_{name}", args=[issue.pk])
                for name in (
                    "preview",
                    "progress",
                    "test",
                    "ask_for_approval",
                    "approve",
                    "return",
                    "schedule",
                    "unschedule",
                    "send",
                    "pause",
                    "resume",
                    "cancel",
                )
            },
        }

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any, name: str, route: str) -> URLPattern:
            return path(
                f"<int:issue_id>/{route}",
                self.admin_site.admin_view(function),
                name=f"newsletter_newsletterissue_{name}",
            )

        return [
            view(require_safe(self.preview_view), "preview", "preview/"),
            view(require_safe(self.progress_view), "progress", "progress.json"),
            view(require_POST(self.test_view), "test", "test/"),
            view(require_POST(self.ask_for_approval_view), "ask_for_approval", "ask-for-approval/"),
            view(require_POST(self.approve_view), "approve", "approve/"),
            view(require_POST(self.return_view), "return", "return/"),
            view(require_POST(self.schedule_view), "schedule", "schedule/"),
            view(require_POST(self.unschedule_view), "unschedule", "unschedule/"),
            view(require_safe_or_post(self.send_view), "send", "send/"),
            view(require_POST(self.pause_view), "pause", "pause/"),
            view(require_POST(self.resume_view), "resume", "resume/"),
            view(require_safe_or_post(self.cancel_view), "cancel", "cancel/"),
            *super().get_urls(),
        ]

    # --- The views behind the buttons ---

    def _issue_for(
        self, request: HttpRequest, issue_id: int, *, to_change: bool
    ) -> NewsletterIssue:
        issue = get_object_or_404(NewsletterIssue, pk=issue_id)
        allowed = (
            self.has_change_permission(request, issue)
            if to_change
            else self.has_view_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    def _back_to(self, issue: NewsletterIssue) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
        )

    @staticmethod
    def _context(request: HttpRequest, issue: NewsletterIssue, title: str) -> dict[str, Any]:
        return {
            "title": title,
            "issue": issue,
            "opts": NewsletterIssue._meta,
            "has_view_permission": True,
            "change_url": reverse("admin:newsletter_newsletterissue_change", args=[issue.pk]),
        }

    def preview_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Show the saved issue as subscribers will read it: its HTML content, and the text.

        The HTML email wraps that content in a header and the unsubscribe footer, styled
        inline for mail clients; this page shows the content alone, since the admin's
        Content-Security-Policy allows no inline styles.
        """
        issue = self._issue_for(request, issue_id, to_change=False)
        rendered = selectors.newsletter_issue_render(
            issue=issue,
            unsubscribe_url=selectors.manage_page_url(),
            manage_url=selectors.manage_page_url(),
        )
        context = {
            **self.admin_site.each_context(request),
            **self._context(request, issue, f"Preview: {issue.subject}"),
            "html": selectors.newsletter_issue_body_html(issue=issue),
            "text": rendered.text,
        }
        return TemplateResponse(request, "admin/newsletter/newsletterissue/preview.html", context)

    def progress_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Return the issue's progress as JSON, for the progress bar's script."""
        issue = self._issue_for(request, issue_id, to_change=False)
        # The admin site's views are never cached, so each poll gets fresh figures.
        return JsonResponse(selectors.newsletter_issue_progress(issue=issue).as_dict())

    def _act(
        self, request: HttpRequest, issue_id: int, action: Any, done: str
    ) -> HttpResponseRedirect:
        issue = self._issue_for(request, issue_id, to_change=True)
        try:
            action(issue_id=issue.pk, staff=request_staff_user(request))
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self._back_to(issue)

    def test_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Email the issue, marked as a test, to the test group chosen or to the member of
        staff alone. The issue is left as it is."""
        issue = self._issue_for(request, issue_id, to_change=True)
        staff = request_staff_user(request)
        form = NewsletterTestForm(request.POST, staff=staff)
        if not form.is_valid():
            errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
            self.message_user(request, f"No test was sent. {errors}.", messages.ERROR)
            return self._back_to(issue)
        try:
            sent = services.newsletter_issue_test_send(
                issue_id=issue.pk, sent_by=staff, group_id=form.group_id()
            )
        except DomainError as error:
            self.message_user(request, f"No test was sent. {error}", messages.ERROR)
        else:
            to = (
                f"{sent.group}: {', '.join(sent.recipients)}"
                if sent.group is not None
                else ", ".join(sent.recipients)
            )
            self.message_user(request, f"A test of this issue was sent to {to}.", messages.SUCCESS)
        return self._back_to(issue)

    def ask_for_approval_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Ask another member of staff to approve a draft."""
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_ask_for_approval(
                issue_id=issue_id, asked_by=staff
            ),
            "Approval asked for. Another member of staff must approve the issue before it "
            "can be sent or scheduled.",
        )

    def approve_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Approve an issue waiting for approval, as it is now."""
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_approve(
                issue_id=issue_id, approved_by=staff
            ),
            "The issue is approved. It can now be sent or scheduled; a change to it needs "
            "approval again.",
        )

    def return_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Return an issue waiting for approval to a draft, with a comment."""
        comment = NewsletterReturnForm(request.POST)
        text = comment.cleaned_data["comment"] if comment.is_valid() else ""
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_return(
                issue_id=issue_id, comment=text, returned_by=staff
            ),
            "The issue is a draft again, with your comment for its author.",
        )

    def schedule_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Schedule a draft for the time given."""
        issue = self._issue_for(request, issue_id, to_change=True)
        form = NewsletterScheduleForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
            self.message_user(request, f"The issue was not scheduled. {errors}.", messages.ERROR)
            return self._back_to(issue)
        send_at = form.cleaned_data["send_at"]
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_schedule(
                issue_id=issue_id, send_at=send_at, scheduled_by=staff
            ),
            f"The issue will be sent at {time_on_day(send_at)}.",
        )

    def unschedule_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Take a scheduled issue back to a draft."""
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_unschedule(
                issue_id=issue_id, unscheduled_by=staff
            ),
            "The issue is unscheduled. It is still approved, and will not be sent until you "
            "schedule or send it.",
        )

    def _confirm_page(
        self,
        request: HttpRequest,
        issue: NewsletterIssue,
        *,
        question: str,
        button: str,
        warning: str,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/newsletter/newsletterissue/confirm.html",
            {
                **self.admin_site.each_context(request),
                **self._context(request, issue, question),
                "question": question,
                "button": button,
                "warning": warning,
            },
        )

    def send_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Ask for confirmation (GET), then send the issue now (POST)."""
        issue = self._issue_for(request, issue_id, to_change=True)
        if request.method != "POST":
            count = selectors.confirmed_subscriber_count()
            return self._confirm_page(
                request,
                issue,
                question=f"Send “{issue.subject}” now to {count} confirmed subscribers?",
                button="Send now",
                warning="Sending starts at once. You can pause or cancel it while it sends.",
            )
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_send(
                issue_id=issue_id, sent_by=staff
            ),
            "The issue is being sent.",
        )

    def pause_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Pause an issue that is sending."""
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_pause(
                issue_id=issue_id, paused_by=staff
            ),
            "Sending is paused. Emails not yet sent wait until you resume or cancel it.",
        )

    def resume_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Resume a paused issue."""
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_resume(
                issue_id=issue_id, resumed_by=staff
            ),
            "Sending has resumed.",
        )

    def cancel_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Ask for confirmation (GET), then cancel the issue (POST)."""
        issue = self._issue_for(request, issue_id, to_change=True)
        if request.method != "POST":
            return self._confirm_page(
                request,
                issue,
                question=f"Cancel “{issue.subject}”?",
                button="Cancel the issue",
                warning=(
                    "Nothing more of it will be sent, and it cannot be restarted. Emails already "
                    "sent stay sent."
                ),
            )
        return self._act(
            request,
            issue_id,
            lambda issue_id, staff: services.newsletter_issue_cancel(
                issue_id=issue_id, cancelled_by=staff
            ),
            "The issue is cancelled. Nothing more of it will be sent.",
        )


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


@admin.register(NewsletterTestGroup)
class NewsletterTestGroupAdmin(ServiceSaveMixin, admin.ModelAdmin):
    """Test groups: the people, such as the comms team, whom an issue is sent to as a test
    before it goes to every subscriber. Every change goes through an audited service;
    there are no bulk actions, whose delete would bypass it."""

    form = NewsletterTestGroupForm
    actions = None
    list_display = ["name", "people", "updated_at"]
    search_fields = ["name"]

    @admin.display(description="people")
    def people(self, group: NewsletterTestGroup) -> int:
        return len(group.recipients)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The service refuses a name another member of staff took since the page opened.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, f"Nothing was saved. {error}.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_through_service(
        self, request: HttpRequest, obj: NewsletterTestGroup, form: Any, change: bool
    ) -> NewsletterTestGroup:
        staff = request_staff_user(request)
        name, recipients = form.cleaned_data["name"], form.cleaned_data["recipients"]
        if change:
            return test_group_services.newsletter_test_group_update(
                group_id=obj.pk, name=name, recipients=recipients, changed_by=staff
            )
        return test_group_services.newsletter_test_group_create(
            name=name, recipients=recipients, created_by=staff
        )

    def delete_model(self, request: HttpRequest, obj: NewsletterTestGroup) -> None:
        test_group_services.newsletter_test_group_delete(
            group_id=obj.pk, deleted_by=request_staff_user(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # Nothing here offers a bulk delete; should anything call this, each goes the one way.
        for group in queryset:
            self.delete_model(request, group)


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
