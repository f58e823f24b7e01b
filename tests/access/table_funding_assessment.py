"""Access to assessment, decisions and awards in the admin.

Fund managers (and superusers) see every assessment, application and award, moderate, rank,
recommend and decide, as migration funding 0004 grants. An assessor's list of
assessments and of applications holds only their own, so the objects made here, assigned to
someone else, refuse them (403), as do the pages that only fund managers use. Other staff
groups are refused everything. The scoring page of someone else's assessment is readable by
fund managers; the conflict declaration is only ever the assessor's own, so everyone else is
refused it. Payments and progress reports are in table_funding_reports.py.

That an assessor reaches their own assessments and applications, and what each role may
POST, is tested in tests/funding/admin/: test_assessment*.py, test_decisions*.py and
test_awards.py.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.access.roles import ASSESSOR, FUND_MANAGER, SUPERUSER, staff_only
from tests.funding.factories import (
    ApplicationFactory,
    AssessmentFactory,
    AwardFactory,
    RoundFactory,
)

MANAGERS = {FUND_MANAGER, SUPERUSER}
# Verified fund managers and superusers get 200; other staff 403; anyone else signs in.
MANAGERS_ONLY = {**staff_only(403, council=302), FUND_MANAGER: 200, SUPERUSER: 200}
NOBODY_ELSE = staff_only(403, council=302)

ROUND_PK = 990_301
APPLICATION_PK = 990_302
ASSESSMENT_PK = 990_303

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    # Only the assessor it is assigned to declares; nobody else, a fund manager included.
    "admin:funding_assessment_declare": ({"assessment_id": ASSESSMENT_PK}, NOBODY_ELSE),
    # Fund managers read anyone's scores; an assessor only their own.
    "admin:funding_assessment_score": ({"assessment_id": ASSESSMENT_PK}, MANAGERS_ONLY),
    "admin:funding_application_moderate": ({"application_id": APPLICATION_PK}, MANAGERS_ONLY),
    "admin:funding_application_recommend": ({"application_id": APPLICATION_PK}, MANAGERS_ONLY),
    "admin:funding_application_decide": ({"application_id": APPLICATION_PK}, MANAGERS_ONLY),
    "admin:funding_round_ranking": ({"round_id": ROUND_PK}, MANAGERS_ONLY),
    "admin:funding_round_ranking_csv": ({"round_id": ROUND_PK}, MANAGERS_ONLY),
}

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    # Made by assigning from the list of applications; never added, changed or deleted here.
    "funding.assessment": {
        "changelist": {*MANAGERS, ASSESSOR},
        "view": MANAGERS,
        "add": set(),
        "delete": set(),
    },
    # Made by the announcement; staff add instalments on its page, and delete nothing.
    "funding.award": {"view": MANAGERS, "add": set(), "delete": set()},
}

ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "funding.assessment": lambda: AssessmentFactory.create(),
    "funding.award": lambda: AwardFactory.create(),
}


def setup() -> None:
    """Make the round and its submitted application with an assessment (assigned to another
    assessor) that the URLs name."""
    round = RoundFactory.create(pk=ROUND_PK, closed=True)
    application = ApplicationFactory.create(pk=APPLICATION_PK, round=round, submitted=True)
    AssessmentFactory.create(pk=ASSESSMENT_PK, application=application)
