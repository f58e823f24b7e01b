"""Access to the Fund in the admin: funds, rounds, expressions of interest, their clusters and
the messages sent to them, applications and deadline reminders.

Fund managers configure funds and rounds (the phase caps, criteria and questions are edited
on the round's page) and cluster, invite and decline expressions of interest, as migration
funding 0002 grants; other staff groups are refused. Expressions of interest, applications,
messages and reminders are made by applicants, services and jobs, never by the add page,
and nobody deletes them; clusters are not deleted either, since their EOIs leave them one by
one. Only a superuser may delete a fund or a round, and the database refuses while anything
refers to it.

Applications are listed for assessors too, but only those assigned to them (see
table_funding_assessment.py). A round's overview is for whoever may view rounds: fund
managers and superusers; assessors and the other staff groups are refused it. Who may run
each action is tested in tests/funding/admin/test_eois_actions.py and
tests/funding/admin/test_assessment_assign.py.
"""

from __future__ import annotations

from collections.abc import Callable

from funding.models import ClusterMessage, DeadlineReminder
from tests.access.roles import ASSESSOR, FUND_MANAGER, SUPERUSER, staff_only
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    EoiClusterFactory,
    EoiFactory,
    FundFactory,
    RoundFactory,
)

MANAGERS = {FUND_MANAGER, SUPERUSER}
READ_ONLY = {"view": MANAGERS, "add": set(), "delete": set()}
# Verified fund managers and superusers get 200; other staff 403; anyone else signs in.
MANAGERS_ONLY = {**staff_only(403, council=302), FUND_MANAGER: 200, SUPERUSER: 200}

ROUND_PK = 990_401

URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    # A button on an object's page runs a list action by POST alone (who may is the
    # action's permission, tested with the action): a GET is refused before anything else.
    "admin:funding_expressionofinterest_object_action": (
        {"object_id": "1", "action": "invite_selected"},
        staff_only(405, council=302),
    ),
    "admin:funding_eoicluster_object_action": (
        {"object_id": "1", "action": "message_leads"},
        staff_only(405, council=302),
    ),
    "admin:funding_application_object_action": (
        {"object_id": "1", "action": "assign_assessors"},
        staff_only(405, council=302),
    ),
    "admin:funding_round_object_action": (
        {"object_id": "1", "action": "approve_decisions"},
        staff_only(405, council=302),
    ),
    "admin:funding_award_object_action": (
        {"object_id": "1", "action": "start_selected"},
        staff_only(405, council=302),
    ),
    "admin:funding_round_overview": ({"round_id": ROUND_PK}, MANAGERS_ONLY),
}

ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    "funding.fund": {"view": MANAGERS, "add": MANAGERS, "delete": {SUPERUSER}},
    "funding.round": {"view": MANAGERS, "add": MANAGERS, "delete": {SUPERUSER}},
    "funding.expressionofinterest": READ_ONLY,
    "funding.eoicluster": {"view": MANAGERS, "add": MANAGERS, "delete": set()},
    "funding.clustermessage": READ_ONLY,
    # Assessors open the list, which holds only the applications assigned to them; the
    # application made here is not assigned to them, so its pages refuse them (403).
    "funding.application": {
        "changelist": {*MANAGERS, ASSESSOR},
        "view": MANAGERS,
        "add": set(),
        "delete": set(),
    },
    "funding.deadlinereminder": READ_ONLY,
}


def _cluster_message() -> ClusterMessage:
    return ClusterMessage.objects.create(
        cluster=EoiClusterFactory.create(),
        subject="Councils working on the same problem as you",
        body="You are all working on missed bin collections.",
        recipient_count=2,
    )


def _reminder() -> DeadlineReminder:
    return DeadlineReminder.objects.create(
        eoi=EoiFactory.create(), offset_days=7, recipient=UserFactory.create()
    )


ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "funding.fund": lambda: FundFactory.create(name="Cyber Support Fund", slug="cyber-support"),
    "funding.round": lambda: RoundFactory.create(eoi_open=True),
    "funding.expressionofinterest": lambda: EoiFactory.create(submitted=True),
    "funding.eoicluster": lambda: EoiClusterFactory.create(),
    "funding.clustermessage": _cluster_message,
    "funding.application": lambda: ApplicationFactory.create(complete=True),
    "funding.deadlinereminder": _reminder,
}


def setup() -> None:
    """Make the round whose overview the table opens."""
    RoundFactory.create(pk=ROUND_PK, eoi_closed=True)
