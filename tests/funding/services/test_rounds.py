"""Making a round and changing its configuration and its parts: what changed is written and
audited, field by field, with its old and new value; nothing changed, nothing recorded."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from funding.errors import TransitionNotAllowed
from funding.models import Round, RoundQuestion
from funding.services import rounds as services
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import RoundFactory
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db

VERB = "funding.round.updated"


@pytest.fixture
def fund_manager():
    return UserFactory(staff=True)


def values_of(round: Round, **changed: object) -> dict[str, object]:
    """Return every configured value of the round, as the admin's form gives them, with
    ``changed`` in place of what it has."""
    return {name: getattr(round, name) for name in services.ROUND_FIELDS} | changed


class TestRoundUpdate:
    def test_audits_each_changed_field_with_its_old_and_new_value_when_staff_change_it(
        self, fund_manager
    ):
        """The budget, a date and a rule changed: each is listed, and nothing else is."""
        round = RoundFactory(budget=Decimal("7500000"), min_participants=2)
        old_close = round.applications_close_at
        new_close = old_close + datetime.timedelta(days=7)

        services.round_update(
            round_id=round.pk,
            values=values_of(
                round,
                budget=Decimal("8000000"),
                applications_close_at=new_close,
                min_participants=3,
            ),
            updated_by=fund_manager,
        )

        round.refresh_from_db()
        assert round.budget == Decimal("8000000")
        assert round.applications_close_at == new_close
        assert round.min_participants == 3
        event = AuditEvent.objects.get(verb=VERB)
        assert event.actor == fund_manager
        assert event.target_object_id == str(round.pk)
        assert event.data == {
            "changes": [
                {"field": "budget", "old": "7500000.00", "new": "8000000.00"},
                {
                    "field": "applications_close_at",
                    "old": old_close.isoformat(),
                    "new": new_close.isoformat(),
                },
                {"field": "min_participants", "old": 2, "new": 3},
            ]
        }

    def test_audits_a_related_round_by_its_key_when_the_restriction_changes(self, fund_manager):
        earlier = RoundFactory()
        round = RoundFactory()

        services.round_update(
            round_id=round.pk,
            values={"restricted_to_round": earlier},
            updated_by=fund_manager,
        )

        round.refresh_from_db()
        assert round.restricted_to_round == earlier
        event = AuditEvent.objects.get(verb=VERB)
        assert event.data == {
            "changes": [{"field": "restricted_to_round", "old": None, "new": earlier.pk}]
        }

    def test_records_nothing_when_nothing_changed(self, fund_manager):
        """Saving a round's page as it was writes no audit event."""
        round = RoundFactory()
        updated_at = round.updated_at

        services.round_update(round_id=round.pk, values=values_of(round), updated_by=fund_manager)

        round.refresh_from_db()
        assert round.updated_at == updated_at
        assert not AuditEvent.objects.filter(verb=VERB).exists()

    def test_refuses_a_new_announcement_time_when_the_decisions_are_approved(self, fund_manager):
        round = RoundFactory(closed=True, decisions_approved_at=datetime.datetime.now(datetime.UTC))
        announcement = round.decisions_announced_at

        with pytest.raises(TransitionNotAllowed, match="can no longer change"):
            services.round_update(
                round_id=round.pk,
                values={
                    "budget": Decimal("1"),
                    "decisions_announced_at": announcement + datetime.timedelta(days=1),
                },
                updated_by=fund_manager,
            )

        round.refresh_from_db()
        assert round.decisions_announced_at == announcement
        assert round.budget == Decimal("7500000")
        assert not AuditEvent.objects.filter(verb=VERB).exists()

    def test_refuses_a_field_that_is_not_configured_here(self, fund_manager):
        """Approval and announcement change only through their own services."""
        round = RoundFactory()

        with pytest.raises(ValueError, match="announced_at"):
            services.round_update(
                round_id=round.pk,
                values={"announced_at": datetime.datetime.now(datetime.UTC)},
                updated_by=fund_manager,
            )

    def test_writes_nothing_when_the_audit_fails(self, fund_manager, monkeypatch):
        round = RoundFactory(budget=Decimal("7500000"))

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.round_update(
                round_id=round.pk, values={"budget": Decimal("1")}, updated_by=fund_manager
            )

        round.refresh_from_db()
        assert round.budget == Decimal("7500000")


class TestRoundCreate:
    def test_refuses_a_field_that_is_not_configured_here(self, fund_manager):
        with pytest.raises(ValueError, match="decisions_approved_at"):
            services.round_create(
                values={"decisions_approved_at": datetime.datetime.now(datetime.UTC)},
                created_by=fund_manager,
            )
        assert not Round.objects.exists()

    def test_makes_nothing_when_the_audit_fails(self, fund_manager, monkeypatch):
        template = RoundFactory.build(fund=RoundFactory().fund, number=99, slug="round-99")

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.round_create(values=values_of(template), created_by=fund_manager)

        assert not Round.objects.filter(slug="round-99").exists()


class TestRoundPartsSave:
    def test_records_nothing_when_no_part_changed(self, fund_manager):
        round = RoundFactory()

        services.round_parts_save(round=round, saved=[], deleted=[], by=fund_manager)

        assert not AuditEvent.objects.filter(verb="funding.round.parts_changed").exists()

    def test_publishes_a_question_when_it_is_published_and_not_before(self, fund_manager):
        round = RoundFactory()
        asked = RoundQuestion(round=round, question="Can a fire authority lead?", position=0)

        services.round_parts_save(round=round, saved=[asked], deleted=[], by=fund_manager)
        assert asked.published_at is None

        asked.answer, asked.is_published = "Yes, if it has signed.", True
        services.round_parts_save(round=round, saved=[asked], deleted=[], by=fund_manager)
        asked.refresh_from_db()
        assert asked.published_at is not None
        event = AuditEvent.objects.filter(verb="funding.round.parts_changed").latest("pk")
        assert event.data["changes"] == [
            {"part": "question and answer", "change": "changed", "row": str(asked)}
        ]
