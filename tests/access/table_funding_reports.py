"""Access to what follows the award: a funded project's progress reports, for its team, and
in the admin the reports' review, the instalments, the page that records a payment, and the
change requests the team asks for and fund managers decide.

``setup()`` makes an accepted project with its first report submitted (one version) and an
instalment due for payment. The team's pages belong to members of the project's lead and
partner organisations: the roles here belong to other organisations, so every signed-in
role, staff included, is told the page does not exist (404), and anyone not signed in is sent
to sign in (302). That members of the lead write, partners read, and assessors see nothing
is shown in ``tests/funding/views/test_reports.py``.

In the admin, fund managers (and superusers) review reports and record payments, as
migrations funding 0004 and 0006 grant; other staff groups are refused. Reports are made by
the schedule and instalments on their award's page, so nobody adds or deletes either here.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.access.roles import FUND_MANAGER, SUPERUSER, signed_in, staff_only
from tests.funding.factories import AwardFactory, InstalmentFactory
from tests.funding.factories_reporting import (
    ChangeRequestFactory,
    ProgressReportFactory,
    ReportVersionFactory,
)

PROJECT = "access-table-reports"
INSTALMENT_PK = 990_501

MEMBERS_ONLY = signed_in(404)
MANAGERS = {FUND_MANAGER, SUPERUSER}
# Verified fund managers and superusers get 200; other staff 403; anyone else signs in.
MANAGERS_ONLY = {**staff_only(403, council=302), FUND_MANAGER: 200, SUPERUSER: 200}
REPORT: dict[str, object] = {"slug": PROJECT, "key": "1"}

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "funding:project-reports": ({"slug": PROJECT}, MEMBERS_ONLY),
    "funding:project-report": (REPORT, MEMBERS_ONLY),
    "funding:project-report-check": (REPORT, MEMBERS_ONLY),
    "funding:project-report-confirmation": (REPORT, MEMBERS_ONLY),
    "funding:project-report-version": ({**REPORT, "number": 1}, MEMBERS_ONLY),
    "funding:project-report-section": ({**REPORT, "section": "status"}, MEMBERS_ONLY),
    "admin:funding_instalment_pay": ({"instalment_id": INSTALMENT_PK}, MANAGERS_ONLY),
    "admin:funding_award_portfolio": ({}, MANAGERS_ONLY),
    "admin:funding_award_portfolio_csv": ({}, MANAGERS_ONLY),
    "funding:project-changes": ({"slug": PROJECT}, MEMBERS_ONLY),
    "funding:project-change-new": ({"slug": PROJECT, "kind": "end-date"}, MEMBERS_ONLY),
    "admin:funding_changerequest_object_action": (
        {"object_id": "1", "action": "approve_selected"},
        staff_only(405, council=302),
    ),
    # The review's buttons run the list's actions by POST alone (who may is the action's
    # permission, tested with the action): a GET is refused before anything else.
    "admin:funding_progressreport_object_action": (
        {"object_id": "1", "action": "accept_selected"},
        staff_only(405, council=302),
    ),
}

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    "funding.progressreport": {"view": MANAGERS, "add": set(), "delete": set()},
    "funding.instalment": {"view": MANAGERS, "add": set(), "delete": set()},
    "funding.changerequest": {"view": MANAGERS, "add": set(), "delete": set()},
}

ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "funding.progressreport": lambda: ReportVersionFactory.create().report,
    "funding.instalment": lambda: InstalmentFactory.create(),
    "funding.changerequest": lambda: ChangeRequestFactory.create(),
}


def setup() -> None:
    """Make the accepted project, its first report submitted, and an instalment due."""
    award = AwardFactory.create(slug=PROJECT, accepted=True)
    report = ProgressReportFactory.create(award=award, number=1, submitted=True)
    ReportVersionFactory.create(report=report, number=1)
    InstalmentFactory.create(pk=INSTALMENT_PK, award=award)
