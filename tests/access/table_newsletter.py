"""Access to the newsletter: its public pages, and issues, test groups and subscribers in the
admin.

The confirm, unsubscribe and manage pages are checked with a token that is not valid (the
manage page, with none in the session): anyone gets the page that says so. Valid links are
tested in tests/newsletter/views/test_newsletter*.py.

The issue admin's own pages (preview, progress, the test's button and the address its other
buttons post to) sit under the model's admin path, so the walk of named URLs would pass them
by: they are listed here, for a draft issue made by ``setup()``. Their GET status is what is
recorded; the buttons answer a GET with 405, and who may POST to them is tested in
tests/newsletter/admin/test_issue_actions.py.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.access.roles import COMMS, SUPERUSER, everyone, staff_only
from tests.newsletter.factories import (
    NewsletterIssueFactory,
    NewsletterTestGroupFactory,
    SubscriberFactory,
)

# The draft issue that the admin's own newsletter URLs name.
ISSUE_PK = 4242
ISSUE: dict[str, object] = {"issue_id": ISSUE_PK}

# Verified Communications staff and superusers get ``status``; other staff are refused.
COMMS_ONLY = {**staff_only(403, council=302), COMMS: 200, SUPERUSER: 200}
# Refused to every verified member of staff, before any permission check, on a GET.
POST_ONLY = staff_only(405, council=302)

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "newsletter:subscribe": ({}, everyone(200)),
    "newsletter:check-email": ({}, everyone(200)),
    "newsletter:confirm": ({"token": "not-a-valid-token"}, everyone(200)),
    "newsletter:confirmed": ({}, everyone(200)),
    "newsletter:unsubscribe": ({"token": "not-a-valid-token"}, everyone(200)),
    "newsletter:unsubscribed": ({}, everyone(200)),
    "newsletter:manage": ({}, everyone(200)),
    "newsletter:manage-check-email": ({}, everyone(200)),
    # Opening a manage link keeps its token in the session, and goes to the manage page.
    "newsletter:manage-link": ({"token": "not-a-valid-token"}, everyone(302)),
    # Without a valid manage link in the session, anyone gets the page that says so.
    "newsletter:subscription": ({}, everyone(200)),
    "admin:newsletter_newsletterissue_preview": (ISSUE, COMMS_ONLY),
    "admin:newsletter_newsletterissue_progress": (ISSUE, COMMS_ONLY),
    "admin:newsletter_newsletterissue_test": (ISSUE, POST_ONLY),
    # The buttons that move an issue on run the list's actions, by POST alone (who may is
    # the action's permission, tested with the actions); sending now and cancelling answer
    # that POST with a page that asks for confirmation.
    "admin:newsletter_newsletterissue_object_action": (
        {"object_id": str(ISSUE_PK), "action": "send_now"},
        POST_ONLY,
    ),
}

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    # Communications write, approve and send issues; only one not yet scheduled can be
    # deleted, by a superuser.
    "newsletter.newsletterissue": {
        "view": {COMMS, SUPERUSER},
        "add": {COMMS, SUPERUSER},
        "delete": {SUPERUSER},
    },
    # Communications keep the groups an issue is sent to as a test.
    "newsletter.newslettertestgroup": {
        "view": {COMMS, SUPERUSER},
        "add": {COMMS, SUPERUSER},
        "delete": {COMMS, SUPERUSER},
    },
    # Nobody adds a subscriber by hand: each confirms their own address. A superuser may
    # delete one who asks to be forgotten.
    "newsletter.subscriber": {"view": {COMMS, SUPERUSER}, "add": set(), "delete": {SUPERUSER}},
}

ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "newsletter.newsletterissue": lambda: NewsletterIssueFactory.create(),
    "newsletter.subscriber": lambda: SubscriberFactory.create(),
    "newsletter.newslettertestgroup": lambda: NewsletterTestGroupFactory.create(),
}


def setup() -> None:
    """Make the draft issue that the admin's newsletter URLs name."""
    NewsletterIssueFactory.create(pk=ISSUE_PK)
