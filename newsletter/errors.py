"""Errors the newsletter's services raise, every one of them here. Views turn them into GOV.UK
error messages, and the admin into a message on the page."""

from __future__ import annotations

from localdigital import errors as platform
from localdigital.errors import DomainError


class NewsletterError(DomainError):
    """Something the rules of the newsletter do not allow; the message says what."""


class TransitionNotAllowed(NewsletterError, platform.TransitionNotAllowed):
    """The issue is not in a state that allows this change."""


class NewsletterLinkInvalid(NewsletterError):
    """A confirmation or unsubscribe link is tampered with, too old, or no longer the latest."""


class TestGroupGone(NewsletterError):
    """The test group chosen has been deleted."""

    __test__ = False  # not a test case, whatever pytest makes of the name


class ScheduleInPast(NewsletterError):
    """An issue can only be scheduled for a time to come."""


class NotApproved(TransitionNotAllowed):
    """An issue goes to subscribers, or is scheduled to, only once another member of staff
    has approved exactly its subject and body."""


class ReviewerNotAllowed(NewsletterError, platform.NotPermitted):
    """Only another member of staff with the newsletter permission approves or returns an
    issue: never whoever last changed it or asked for its approval."""


class ReturnCommentMissing(NewsletterError):
    """An issue is returned to its author with a comment saying what to change."""


# Newsletter test groups


class TestGroupInvalid(NewsletterError):
    """A test group's name or addresses are not allowed; the message says why."""

    # Not a test case, whatever pytest makes of the name.
    __test__ = False
