"""The views behind the buttons of a newsletter issue's change page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator

from localdigital.accounts.requests import request_staff_user
from localdigital.errors import DomainError
from localdigital.formats import time_on_day
from newsletter import services
from newsletter.models import NewsletterIssue
from newsletter.selectors import newsletter as selectors

from .forms import (
    NewsletterReturnForm,
    NewsletterScheduleForm,
    NewsletterTestForm,
)


class IssueActionsMixin(admin.ModelAdmin):
    """The views behind the buttons of an issue's change page: preview, progress, a test,
    approval, scheduling, sending, pausing, resuming and cancelling. Each checks the
    permission, calls one service and shows its refusal as a message on the page."""

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
        change_url = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
        return {
            "title": title,
            "issue": issue,
            "opts": NewsletterIssue._meta,
            "has_view_permission": True,
            "change_url": change_url,
            # The issue's subject, shortened as the admin's truncatewords filter does.
            "crumbs": [(change_url, Truncator(issue.subject).words(18, truncate=" …"))],
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
