"""Access to the public list of signatories, signatory pages, open data and project updates.

The signatory and update URLs name one published signatory, made by ``setup()``. The council
user and organisation admin roles belong to another organisation, so they may not post its
updates; its own members can (tests/declaration/views/test_public_updates.py).
"""

from __future__ import annotations

from tests.access.roles import ANONYMOUS, everyone
from tests.declaration.factories import OrganisationFactory, SigningFactory

SIGNATORY_SLUG = "access-table-signatory"

# URL name → (kwargs for reverse, expected GET status per role).
URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "declaration:signatories": ({}, everyone(200)),
    "declaration:signatories-csv": ({}, everyone(200)),
    "declaration:signatories-json": ({}, everyone(200)),
    "declaration:signatories-feed": ({}, everyone(200)),
    "declaration:open-data": ({}, everyone(200)),
    "declaration:signatory": ({"slug": SIGNATORY_SLUG}, everyone(200)),
    # Only approved members of the signatory itself may post its updates.
    "declaration:update-new": ({"slug": SIGNATORY_SLUG}, {**everyone(403), ANONYMOUS: 302}),
}


def setup() -> None:
    """Make the published signatory that the table's URLs name."""
    SigningFactory.create(
        organisation=OrganisationFactory.create(
            slug=SIGNATORY_SLUG, name="Access Table Borough Council"
        )
    )
