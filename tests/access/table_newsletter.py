"""Access to the newsletter: its public pages, and issues and subscribers in the admin.

The confirm and unsubscribe pages are checked with a token that is not valid: anyone gets the
page that says so. Valid links are tested in tests/declaration/test_newsletter_views.py.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.access.roles import COMMS, SUPERUSER, everyone
from tests.declaration.newsletter_factories import NewsletterIssueFactory, SubscriberFactory

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "declaration:newsletter": ({}, everyone(200)),
    "declaration:newsletter-check-email": ({}, everyone(200)),
    "declaration:newsletter-confirm": ({"token": "not-a-valid-token"}, everyone(200)),
    "declaration:newsletter-confirmed": ({}, everyone(200)),
    "declaration:newsletter-unsubscribe": ({"token": "not-a-valid-token"}, everyone(200)),
    "declaration:newsletter-unsubscribed": ({}, everyone(200)),
}

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    # Communications write and send issues; only a draft can be deleted, by a superuser.
    "declaration.newsletterissue": {
        "view": {COMMS, SUPERUSER},
        "add": {COMMS, SUPERUSER},
        "delete": {SUPERUSER},
    },
    # Nobody adds a subscriber by hand: each confirms their own address. A superuser may
    # delete one who asks to be forgotten.
    "declaration.subscriber": {"view": {COMMS, SUPERUSER}, "add": set(), "delete": {SUPERUSER}},
}

ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "declaration.newsletterissue": lambda: NewsletterIssueFactory.create(),
    "declaration.subscriber": lambda: SubscriberFactory.create(),
}
