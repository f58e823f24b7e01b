"""Access to the signing journey (/declaration/sign/) and to joining an organisation that
has signed.

The journey's pages belong to the signer who started the draft: everyone else, signed in,
is told it does not exist (404), and anonymous visitors are sent to sign in (302).
"""

from __future__ import annotations

from tests.access.roles import everyone, signed_in
from tests.declaration.factories import OrganisationFactory, SigningFactory

SIGNED_SLUG = "access-signed-organisation"
# Someone else's draft: no role in the table started it.
DRAFT_REFERENCE = "LDD-ACCESS1"
SUBMITTED_REFERENCE = "LDD-ACCESS2"

_DRAFT: dict[str, object] = {"reference": DRAFT_REFERENCE}

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "declaration:sign-start": ({}, everyone(200)),
    # The first question of a signing not started yet: anyone signed in may answer it.
    "declaration:sign-new": ({}, signed_in(200)),
    "declaration:sign-new-organisation-details": ({}, signed_in(200)),
    "declaration:sign-organisation": (_DRAFT, signed_in(404)),
    "declaration:sign-organisation-details": (_DRAFT, signed_in(404)),
    "declaration:sign-role": (_DRAFT, signed_in(404)),
    "declaration:sign-senior-leader": (_DRAFT, signed_in(404)),
    "declaration:sign-digital-lead": (_DRAFT, signed_in(404)),
    "declaration:sign-project": (_DRAFT, signed_in(404)),
    "declaration:sign-check": (_DRAFT, signed_in(404)),
    "declaration:sign-delete": (_DRAFT, signed_in(404)),
    "declaration:sign-confirmation": ({"reference": SUBMITTED_REFERENCE}, signed_in(404)),
    "declaration:sign-withdraw": ({"reference": SUBMITTED_REFERENCE}, signed_in(404)),
    # What a signing said: its signer's and its organisation's approved members' only. No
    # role in the table signed it or belongs to its organisation.
    "declaration:signing-detail": ({"reference": SUBMITTED_REFERENCE}, signed_in(404)),
    # Anyone signed in may learn that an organisation has signed, and ask to join it.
    "declaration:sign-already-signed": ({"slug": SIGNED_SLUG}, signed_in(200)),
    "declaration:sign-join": ({"slug": SIGNED_SLUG}, signed_in(405)),
    # Nobody in the table has asked to join it, so there is nothing to confirm.
    "declaration:sign-joined": ({"slug": SIGNED_SLUG}, signed_in(404)),
}


def setup() -> None:
    """Create the signed organisation, a draft and a pending signing that the URLs name."""
    organisation = OrganisationFactory.create(slug=SIGNED_SLUG)
    SigningFactory.create(organisation=organisation)
    SigningFactory.create(draft=True, reference=DRAFT_REFERENCE)
    SigningFactory.create(submitted=True, reference=SUBMITTED_REFERENCE)
