"""The actions that move a newsletter issue on: approval, scheduling, sending, pausing,
resuming and cancelling. Each is an admin action (``localdigital.admin_actions``) that calls
one service for each issue; a button on the issue's page runs it on that issue alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.text import Truncator

from localdigital.accounts.models import User
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    action_form_page,
    confirmed_data,
    run_each,
)
from localdigital.formats import count_of, time_on_day
from newsletter import services
from newsletter.models import NewsletterIssue
from newsletter.selectors import newsletter as selectors

from .forms import NewsletterReturnForm, NewsletterScheduleForm

# A service that acts on one issue for the member of staff: (issue id, staff).
Act = Callable[[int, User], object]


def _label(issue: NewsletterIssue) -> str:
    return f"“{issue.subject}”"


def _issues(queryset: QuerySet[NewsletterIssue]) -> list[NewsletterIssue]:
    return list(queryset.order_by("pk"))


class IssueActionsMixin(ObjectActionsMixin):
    """The actions on newsletter issues, and the buttons for those an issue's state allows.

    Each runs only for those who may change issues, as every admin action does, and the
    service has the last word: it refuses an issue in the wrong state, and approval or return
    by whoever changed the issue last or asked for its approval. Sending now and cancelling
    ask first, on the action's page; scheduling and returning take what was typed beside
    their buttons, or ask for it there."""

    actions = [
        "ask_for_approval",
        "approve",
        "return_to_draft",
        "schedule",
        "unschedule",
        "send_now",
        "pause",
        "resume",
        "cancel",
    ]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # An issue is deleted one at a time from its own page, through the audited service.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def object_action_choices(
        self, request: HttpRequest, issue: NewsletterIssue
    ) -> list[tuple[str, str]]:
        is_reviewer = issue.is_reviewer(request_staff_user(request))
        allowed = [
            ("ask_for_approval", "Ask for approval", issue.can_ask_for_approval()),
            ("approve", "Approve", issue.can_approve() and is_reviewer),
            ("return_to_draft", "Return to draft", issue.can_approve() and is_reviewer),
            ("send_now", "Send now…", issue.can_send()),
            ("schedule", "Schedule", issue.can_schedule()),
            ("unschedule", "Unschedule, to edit it", issue.can_unschedule()),
            ("pause", "Pause", issue.can_pause()),
            ("resume", "Resume", issue.can_resume()),
            ("cancel", "Cancel the issue…", issue.can_cancel()),
        ]
        return [(name, words) for name, words, can in allowed if can]

    def _each(
        self,
        request: HttpRequest,
        issues: list[NewsletterIssue],
        act: Act,
        *,
        done: tuple[str, str],
        refused: str,
    ) -> None:
        """Run ``act`` on each issue; tell staff ``done`` worded for one issue (the button's
        case) or for several, with the issues changed in place of "{}"."""
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            issues,
            lambda issue: act(issue.pk, staff),
            label=_label,
            done=done[0] if len(issues) == 1 else done[1],
            refused=refused,
        )

    @admin.action(description="Ask for approval", permissions=["change"])
    def ask_for_approval(self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]) -> None:
        """Ask another member of staff to approve each draft."""
        self._each(
            request,
            _issues(queryset),
            lambda pk, staff: services.newsletter_issue_ask_for_approval(
                issue_id=pk, asked_by=staff
            ),
            done=(
                "Approval asked for. Another member of staff must approve the issue before it "
                "can be sent or scheduled.",
                "Approval asked for {}. Another member of staff must approve each before it "
                "can be sent or scheduled.",
            ),
            refused="Approval not asked for:",
        )

    @admin.action(description="Approve", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]) -> None:
        """Approve each issue waiting for approval, as it is now."""
        self._each(
            request,
            _issues(queryset),
            lambda pk, staff: services.newsletter_issue_approve(issue_id=pk, approved_by=staff),
            done=(
                "The issue is approved. It can now be sent or scheduled; a change to it needs "
                "approval again.",
                "Approved {}. Each can now be sent or scheduled; a change to one needs "
                "approval again.",
            ),
            refused="Not approved:",
        )

    @admin.action(description="Return to draft…", permissions=["change"])
    def return_to_draft(
        self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]
    ) -> HttpResponse | None:
        """Return each issue waiting for approval to a draft, with a comment for its author."""
        issues = _issues(queryset)
        form = NewsletterReturnForm(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="return_to_draft",
                title=("Return the issue to draft", "Return the issues to draft"),
                intro=(
                    "The issue becomes a draft again, with your comment for its author.",
                    "Each issue becomes a draft again, with your comment for its author.",
                ),
                submit="Return to draft",
                form=form,
                objects=[(issue.pk, _label(issue)) for issue in issues],
                extra_context=_crumbs(issues),
            )
        comment = form.cleaned_data["comment"]
        self._each(
            request,
            issues,
            lambda pk, staff: services.newsletter_issue_return(
                issue_id=pk, comment=comment, returned_by=staff
            ),
            done=(
                "The issue is a draft again, with your comment for its author.",
                "Returned {} to draft, with your comment for each author.",
            ),
            refused="Not returned:",
        )
        return None

    @admin.action(description="Schedule…", permissions=["change"])
    def schedule(
        self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]
    ) -> HttpResponse | None:
        """Schedule each approved issue for the time given."""
        issues = _issues(queryset)
        form = NewsletterScheduleForm(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action="schedule",
                title=("Schedule the issue", "Schedule the issues"),
                intro=(
                    "It is sent at the time you give to the confirmed subscribers then.",
                    "Each is sent at the time you give to the confirmed subscribers then.",
                ),
                submit="Schedule",
                form=form,
                objects=[(issue.pk, _label(issue)) for issue in issues],
                extra_context=_crumbs(issues),
            )
        send_at = form.cleaned_data["send_at"]
        at = time_on_day(send_at)
        self._each(
            request,
            issues,
            lambda pk, staff: services.newsletter_issue_schedule(
                issue_id=pk, send_at=send_at, scheduled_by=staff
            ),
            done=(f"The issue will be sent at {at}.", "{} will be sent at " + at + "."),
            refused="Not scheduled:",
        )
        return None

    @admin.action(description="Unschedule, to edit", permissions=["change"])
    def unschedule(self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]) -> None:
        """Take each scheduled issue back to approved, not to be sent until told."""
        self._each(
            request,
            _issues(queryset),
            lambda pk, staff: services.newsletter_issue_unschedule(
                issue_id=pk, unscheduled_by=staff
            ),
            done=(
                "The issue is unscheduled. It is still approved, and will not be sent until you "
                "schedule or send it.",
                "Unscheduled {}. Each is still approved, and will not be sent until you "
                "schedule or send it.",
            ),
            refused="Not unscheduled:",
        )

    @admin.action(description="Send now…", permissions=["change"])
    def send_now(
        self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]
    ) -> HttpResponse | None:
        """Ask for confirmation, then send each approved issue now."""
        issues = _issues(queryset)
        confirm = forms.Form(confirmed_data(request))
        if not confirm.is_valid():
            subscribers = count_of(
                selectors.confirmed_subscriber_count(),
                "confirmed subscriber",
                "confirmed subscribers",
            )
            return action_form_page(
                self,
                request,
                action="send_now",
                title=(
                    f"Send {_label(issues[0])} now to {subscribers}?",
                    f"Send {len(issues)} issues now to {subscribers}?",
                ),
                intro="Sending starts at once. You can pause or cancel it while it sends.",
                submit="Send now",
                form=confirm,
                objects=[(issue.pk, _label(issue)) for issue in issues],
                extra_context=_crumbs(issues),
            )
        self._each(
            request,
            issues,
            lambda pk, staff: services.newsletter_issue_send(issue_id=pk, sent_by=staff),
            done=("The issue is being sent.", "{} are being sent."),
            refused="Not sent:",
        )
        return None

    @admin.action(description="Pause", permissions=["change"])
    def pause(self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]) -> None:
        """Pause each issue that is sending."""
        self._each(
            request,
            _issues(queryset),
            lambda pk, staff: services.newsletter_issue_pause(issue_id=pk, paused_by=staff),
            done=(
                "Sending is paused. Emails not yet sent wait until you resume or cancel it.",
                "Paused {}. Emails not yet sent wait until you resume or cancel each.",
            ),
            refused="Not paused:",
        )

    @admin.action(description="Resume", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]) -> None:
        """Resume each paused issue."""
        self._each(
            request,
            _issues(queryset),
            lambda pk, staff: services.newsletter_issue_resume(issue_id=pk, resumed_by=staff),
            done=("Sending has resumed.", "Resumed sending {}."),
            refused="Not resumed:",
        )

    @admin.action(description="Cancel…", permissions=["change"])
    def cancel(
        self, request: HttpRequest, queryset: QuerySet[NewsletterIssue]
    ) -> HttpResponse | None:
        """Ask for confirmation, then cancel each issue: nothing more of it is sent."""
        issues = _issues(queryset)
        confirm = forms.Form(confirmed_data(request))
        if not confirm.is_valid():
            return action_form_page(
                self,
                request,
                action="cancel",
                title=(f"Cancel {_label(issues[0])}?", f"Cancel {len(issues)} issues?"),
                intro=(
                    "Nothing more of it will be sent, and it cannot be restarted. Emails already "
                    "sent stay sent.",
                    "Nothing more of them will be sent, and they cannot be restarted. Emails "
                    "already sent stay sent.",
                ),
                submit="Cancel the issue" if len(issues) == 1 else "Cancel the issues",
                form=confirm,
                objects=[(issue.pk, _label(issue)) for issue in issues],
                extra_context=_crumbs(issues),
            )
        self._each(
            request,
            issues,
            lambda pk, staff: services.newsletter_issue_cancel(issue_id=pk, cancelled_by=staff),
            done=(
                "The issue is cancelled. Nothing more of it will be sent.",
                "Cancelled {}. Nothing more of them will be sent.",
            ),
            refused="Not cancelled:",
        )
        return None


def issue_crumbs(issue: NewsletterIssue) -> list[tuple[str, str]]:
    """Return the breadcrumb of the issue's page, for a page of its own: its subject,
    shortened as the admin's truncatewords filter does."""
    change_url = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
    return [(change_url, Truncator(issue.subject).words(18, truncate=" …"))]


def _crumbs(issues: list[NewsletterIssue]) -> dict[str, Any]:
    """Put the issue in the breadcrumbs of its action's page, when there is one issue."""
    return {"crumbs": issue_crumbs(issues[0])} if len(issues) == 1 else {}
