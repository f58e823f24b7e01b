"""Bids under load, on real connections: the round's limit on bids one organisation leads
holds when two people start at once, and a bid being checked never holds up a change the
declaration makes to the same organisation.

Starting, inviting and submitting a bid queue on an advisory lock per round and lead
organisation (``funding.services.common.lead_bids_lock``), not on the organisation's row,
which is the declaration's: a lock on it would hold up that organisation's memberships,
signings and enrolments for as long as a bid is checked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from declaration.models import Membership, Organisation
from declaration.services.memberships import membership_add
from declaration.services.organisations import organisation_email_domain_add
from funding import rules, rules_eois
from funding.errors import LeadLimitReached
from funding.models import Application, ApplicationStatus, EoiStatus, ExpressionOfInterest
from funding.services import applications_start as start_services
from funding.services import applications_submission as submission_services
from funding.services import eois
from funding.services.common import LEAD_BIDS_LOCK
from tests.accounts.factories import UserFactory
from tests.funding.factories import EoiFactory, RoundFactory, SignatoryFactory, member_of
from tests.funding.support import ready
from tests.support.concurrency import run_together
from tests.support.locks import lock_hold

pytestmark = pytest.mark.django_db(transaction=True)

# How long the declaration's change may wait on a lock before the test calls it blocked.
BLOCKED_AFTER = "2s"


def start_application(round, lead, person) -> Callable[[], Application]:
    return lambda: start_services.application_start(
        round=round, lead_organisation=lead, started_by=person
    )


def start_eoi(round, lead, person) -> Callable[[], ExpressionOfInterest]:
    return lambda: eois.eoi_start(round=round, lead_organisation=lead, started_by=person)


# Each kind of bid: how to start one, the round's options for it, and its model.
STARTS = {
    "application": (start_application, {}, Application),
    "expression of interest": (start_eoi, {"eoi_open": True}, ExpressionOfInterest),
}


@pytest.mark.parametrize(("start", "options", "model"), STARTS.values(), ids=STARTS.keys())
def test_two_bids_started_at_once_at_a_limit_of_one_make_one(start, options, model):
    """Two people of one council start a bid together in a round where a council may lead
    one: one draft is made, the other is refused with the limit."""
    round = RoundFactory(max_led_applications=1, **options)
    lead = SignatoryFactory()
    people = [member_of(lead) for _ in range(2)]

    results, errors = run_together([start(round, lead, person) for person in people])

    assert len([result for result in results if result is not None]) == 1
    assert len(errors) == 1 and isinstance(errors[0], LeadLimitReached), errors
    assert model.objects.filter(round=round, lead_organisation=lead).count() == 1


class TestTheLockIsPerRoundAndLead:
    def hold(self, session, round, organisation) -> None:
        """Hold the lock on the bids ``organisation`` leads in ``round`` from another
        session, as a bid being checked there would."""
        lock_hold(session, LEAD_BIDS_LOCK, round.pk, organisation.pk)

    def test_a_start_waits_for_a_bid_by_the_same_lead_in_the_same_round(self, other_session):
        round = RoundFactory(eoi_open=True)
        lead = SignatoryFactory()
        self.hold(other_session, round, lead)

        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            eois.eoi_start(round=round, lead_organisation=lead, started_by=member_of(lead))

        assert not ExpressionOfInterest.objects.filter(lead_organisation=lead).exists()

    def test_bids_in_another_round_or_by_another_lead_do_not_wait(self, other_session):
        held_round, other_round = RoundFactory(eoi_open=True), RoundFactory(eoi_open=True)
        lead, other_lead = SignatoryFactory(), SignatoryFactory()
        self.hold(other_session, held_round, lead)

        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{BLOCKED_AFTER}'")
            eois.eoi_start(round=other_round, lead_organisation=lead, started_by=member_of(lead))
            eois.eoi_start(
                round=held_round, lead_organisation=other_lead, started_by=member_of(other_lead)
            )

        assert ExpressionOfInterest.objects.count() == 2


def submit_application() -> tuple[Organisation, Callable[[], Any], Callable[[], bool]]:
    application = ready()
    writer = application.created_by
    assert writer is not None

    def done() -> bool:
        application.refresh_from_db()
        return application.status == ApplicationStatus.SUBMITTED

    return (
        application.lead_organisation,
        lambda: submission_services.application_submit(
            application=application, submitted_by=writer
        ),
        done,
    )


def submit_eoi() -> tuple[Organisation, Callable[[], Any], Callable[[], bool]]:
    eoi = EoiFactory.create(partners=[SignatoryFactory()])

    def done() -> bool:
        eoi.refresh_from_db()
        return eoi.status == EoiStatus.SUBMITTED

    return (
        eoi.lead_organisation,
        lambda: eois.eoi_submit(eoi=eoi, submitted_by=eoi.created_by),
        done,
    )


def start_application_bid() -> tuple[Organisation, Callable[[], Any], Callable[[], bool]]:
    round, lead = RoundFactory.create(), SignatoryFactory.create()
    return (
        lead,
        start_application(round, lead, member_of(lead)),
        lambda: Application.objects.filter(round=round, lead_organisation=lead).exists(),
    )


def start_eoi_bid() -> tuple[Organisation, Callable[[], Any], Callable[[], bool]]:
    round, lead = RoundFactory.create(eoi_open=True), SignatoryFactory.create()
    return (
        lead,
        start_eoi(round, lead, member_of(lead)),
        lambda: ExpressionOfInterest.objects.filter(round=round, lead_organisation=lead).exists(),
    )


BIDS = {
    "application submitted": submit_application,
    "expression of interest submitted": submit_eoi,
    "application started": start_application_bid,
    "expression of interest started": start_eoi_bid,
}


def member_added(organisation: Organisation) -> Callable[[], bool]:
    user = UserFactory.create()
    membership_add(organisation=organisation, user=user, added_by=None)
    return lambda: Membership.objects.filter(organisation=organisation, user=user).exists()


def email_domain_added(organisation: Organisation) -> Callable[[], bool]:
    organisation_email_domain_add(
        organisation=organisation, domain="borsetshire.gov.uk", added_by=None
    )
    return lambda: Organisation.objects.get(pk=organisation.pk).has_email_domain(
        "borsetshire.gov.uk"
    )


CHANGES = {"a member added": member_added, "an email domain added": email_domain_added}


@dataclass
class Pause:
    """Where a bid waits half-way: ``reached`` is set as it gets there, and it goes on once
    ``release`` is set."""

    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def bid_paused_at_the_lead_limit(monkeypatch) -> Iterator[Pause]:
    """Make every bid wait at its check of the lead limit, by when it holds its locks."""
    pause = Pause()
    check = rules.lead_limit_problems

    def paused(**kwargs: Any) -> Any:
        pause.reached.set()
        pause.release.wait(timeout=30)
        return check(**kwargs)

    monkeypatch.setattr(rules, "lead_limit_problems", paused)
    monkeypatch.setattr(rules_eois, "lead_limit_problems", paused)
    yield pause
    pause.release.set()


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.parametrize("bid", BIDS.values(), ids=BIDS.keys())
def test_the_declaration_changes_the_organisation_while_its_bid_is_checked(
    bid, change, bid_paused_at_the_lead_limit
):
    """A bid led by the organisation holds its locks, half-way through its checks: the
    declaration still adds a member to that organisation, or an email domain, at once; then
    the bid goes through as well."""
    pause = bid_paused_at_the_lead_limit
    lead, act, bid_done = bid()
    outcome: dict[str, Any] = {}

    def run_bid() -> None:
        try:
            outcome["result"] = act()
        except BaseException as error:  # handed to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run_bid, daemon=True)
    thread.start()
    assert pause.reached.wait(timeout=30), "the bid never reached its checks"

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{BLOCKED_AFTER}'")
            change_done = change(lead)
    finally:
        pause.release.set()
        thread.join(timeout=60)

    assert not thread.is_alive(), "the bid did not finish"
    assert "error" not in outcome, outcome
    assert change_done()
    assert bid_done()
