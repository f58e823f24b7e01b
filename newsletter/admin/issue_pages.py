"""A newsletter issue's own pages in the admin, which change nothing of it: its preview, its
progress for the progress bar's script, and the button that emails a test of it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import admin_button, admin_page
from localdigital.errors import DomainError
from newsletter import services
from newsletter.models import NewsletterIssue
from newsletter.selectors import newsletter as selectors

from .forms import NewsletterTestForm
from .issue_actions import issue_crumbs

# The address and the name of each of an issue's own pages, under the issue.
ISSUE = "<int:issue_id>/"
NAME = "newsletter_newsletterissue_"


class IssuePagesMixin(admin.ModelAdmin):
    """An issue's preview and progress, for those who may see issues, and its test, for those
    who may change them (who else may is the admin's own permission)."""

    def get_urls(self) -> list[URLPattern]:
        may_see, may_change = self.has_view_permission, self.has_change_permission
        return [
            admin_page(
                self, f"{ISSUE}preview/", self.preview_view, f"{NAME}preview", allowed=may_see
            ),
            admin_page(
                self,
                f"{ISSUE}progress.json",
                self.progress_view,
                f"{NAME}progress",
                allowed=may_see,
            ),
            admin_button(self, f"{ISSUE}test/", self.test_view, f"{NAME}test", allowed=may_change),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Show the saved issue as subscribers will read it: its HTML content, and the text.

        The HTML email wraps that content in a header and the unsubscribe footer, styled
        inline for mail clients; this page shows the content alone, since the admin's
        Content-Security-Policy allows no inline styles.
        """
        issue = get_object_or_404(NewsletterIssue, pk=issue_id)
        rendered = selectors.newsletter_issue_render(
            issue=issue,
            unsubscribe_url=selectors.manage_page_url(),
            manage_url=selectors.manage_page_url(),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {issue.subject}",
            "issue": issue,
            "opts": self.opts,
            "has_view_permission": True,
            "change_url": _change_url(issue),
            "crumbs": issue_crumbs(issue),
            "html": selectors.newsletter_issue_body_html(issue=issue),
            "text": rendered.text,
        }
        return TemplateResponse(request, "admin/newsletter/newsletterissue/preview.html", context)

    def progress_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Return the issue's progress as JSON, for the progress bar's script."""
        issue = get_object_or_404(NewsletterIssue, pk=issue_id)
        # The admin site's views are never cached, so each poll gets fresh figures.
        return JsonResponse(selectors.newsletter_issue_progress(issue=issue).as_dict())

    def test_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """Email the issue, marked as a test, to the test group chosen or to the member of
        staff alone, and go back to its page. The issue is left as it is, so this is no
        action on it: the test can be sent again and again, whatever the issue's state."""
        issue = get_object_or_404(NewsletterIssue, pk=issue_id)
        staff = request_staff_user(request)
        form = NewsletterTestForm(request.POST, staff=staff)
        if not form.is_valid():
            errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
            self.message_user(request, f"No test was sent. {errors}.", messages.ERROR)
            return HttpResponseRedirect(_change_url(issue))
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
        return HttpResponseRedirect(_change_url(issue))


def _change_url(issue: NewsletterIssue) -> str:
    return reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
