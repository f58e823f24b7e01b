"""Access to funded projects: the public pages and open data, an application's outcome and
grant offer, and the project team's pages.

``setup()`` makes one public funded project, with an output. The public pages and files are
open to everyone. The outcome and the offer's pages belong to the application's members,
and the team's pages to members of its lead and partner organisations: the roles here
belong to other organisations, so every signed-in role, staff included, is told the page
does not exist (404), and anyone not signed in is sent to sign in (302). That the members
themselves get every page, and that only the lead organisation's admin may answer the
offer, is shown in ``tests/funding/views/test_awards*.py``.
"""

from __future__ import annotations

from tests.access.roles import everyone, signed_in
from tests.funding.factories import AwardFactory, DecisionFactory, ProjectOutputFactory

PROJECT = "access-table-project"
APPLICATION = "LDF-TABLE2"
OUTPUT_PK = 990_201

PUBLIC = everyone(200)
MEMBERS_ONLY = signed_in(404)

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "funding:project-list": ({}, PUBLIC),
    "funding:project-detail": ({"slug": PROJECT}, PUBLIC),
    "funding:projects-csv": ({}, PUBLIC),
    "funding:projects-json": ({}, PUBLIC),
    "funding:projects-feed": ({}, PUBLIC),
    "funding:threesixtygiving": ({}, PUBLIC),
    "funding:open-data": ({}, PUBLIC),
    "funding:application-outcome": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-offer-accept": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-offer-decline": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:application-offer-decline-check": ({"reference": APPLICATION}, MEMBERS_ONLY),
    "funding:project-update-new": ({"slug": PROJECT}, MEMBERS_ONLY),
    "funding:project-outputs": ({"slug": PROJECT}, MEMBERS_ONLY),
    "funding:project-output-remove": ({"slug": PROJECT, "pk": OUTPUT_PK}, MEMBERS_ONLY),
}


def setup() -> None:
    """Make the announced, offered project that the URLs name, with its decision and an
    output."""
    award = AwardFactory.create(slug=PROJECT, application__reference=APPLICATION)
    DecisionFactory.create(application=award.application, notified_at=award.created_at)
    ProjectOutputFactory.create(pk=OUTPUT_PK, award=award)
