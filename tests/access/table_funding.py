"""Access to the Fund's public pages and to the pages for writing bids.

The rounds' pages are public. An EOI or application is seen only by approved members of its
lead and partner organisations. The roles here belong to organisations outside the bids that
``setup()`` makes, so every signed-in role, staff included, is told the bid does not exist
(404), and anyone not signed in is sent to sign in (302). Buttons (POST only) answer a GET
with 405. That the bid's own members get every page is shown in
``tests/funding/views/test_eois*.py`` and ``tests/funding/views/test_applications*.py``.
"""

from __future__ import annotations

from tests.access.roles import everyone, signed_in
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    EoiFactory,
    RoundFactory,
    SignatoryFactory,
)

EOI_ROUND = "access-table-eoi-round"
OPEN_ROUND = "access-table-open-round"
EOI = "EOI-TABLE1"
APPLICATION = "LDF-TABLE1"
PARTNER_PK = 990_101
EOI_PARTNER_PK = 990_102

MEMBERS_ONLY = signed_in(404)
BUTTON = everyone(405)

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "funding:round-list": ({}, everyone(200)),
    "funding:rounds-feed": ({}, everyone(200)),
    "funding:round-detail": ({"slug": OPEN_ROUND}, everyone(200)),
    # Anyone may read what a bid asks; starting one needs a signatory membership (a POST).
    "funding:eoi-start": ({"slug": EOI_ROUND}, everyone(200)),
    "funding:application-start": ({"slug": OPEN_ROUND}, everyone(200)),
    # A new bid's first questions need the lead chosen on the start page (in the query):
    # without it, anyone signed in is sent back to the start page, anyone else to sign in.
    "funding:eoi-new": ({"slug": EOI_ROUND}, everyone(302)),
    "funding:application-new": ({"slug": OPEN_ROUND}, everyone(302)),
    "funding:eoi-detail": ({"reference": EOI}, MEMBERS_ONLY),
    "funding:eoi-details": ({"reference": EOI}, MEMBERS_ONLY),
    "funding:eoi-partners": ({"reference": EOI}, MEMBERS_ONLY),
    "funding:eoi-partner-remove": ({"reference": EOI, "pk": EOI_PARTNER_PK}, BUTTON),
    "funding:eoi-submit": ({"reference": EOI}, MEMBERS_ONLY),
    "funding:eoi-confirmation": ({"reference": EOI}, MEMBERS_ONLY),
    "funding:eoi-withdraw": ({"reference": EOI}, MEMBERS_ONLY),
    "funding:eoi-delete": ({"reference": EOI}, MEMBERS_ONLY),
    "funding:application-detail": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-section": (
        {"reference": APPLICATION, "section": "problem"},
        MEMBERS_ONLY,
    ),
    "funding:application-partners": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-partner-contact": (
        {"reference": APPLICATION, "pk": PARTNER_PK},
        MEMBERS_ONLY,
    ),
    "funding:application-partner-resend": ({"reference": APPLICATION, "pk": PARTNER_PK}, BUTTON),
    "funding:application-partner-remove": ({"reference": APPLICATION, "pk": PARTNER_PK}, BUTTON),
    "funding:application-history": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-check": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-confirmation": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-withdraw": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-delete": ({"reference": APPLICATION}, MEMBERS_ONLY),
    # A partner's contact opens it from an emailed link; without the link's token, nobody
    # sees anything but "this link does not work".
    "funding:partner-confirm": ({}, everyone(404)),
}


def setup() -> None:
    """Make the rounds and the bids the URLs name, each with a partner."""
    eoi_round = RoundFactory.create(slug=EOI_ROUND, eoi_open=True)
    open_round = RoundFactory.create(slug=OPEN_ROUND)
    eoi = EoiFactory.create(reference=EOI, round=eoi_round)
    eoi.partners.create(pk=EOI_PARTNER_PK, organisation=SignatoryFactory.create())
    application = ApplicationFactory.create(reference=APPLICATION, round=open_round)
    ApplicationPartnerFactory.create(pk=PARTNER_PK, application=application)
