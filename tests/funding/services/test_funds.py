"""Making, changing and deleting a fund: what was set or changed is written and audited, each
field with its old and new value; nothing changed, nothing recorded; a fund that has run a
round is not deleted; a failed audit leaves nothing written."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from funding.errors import TransitionNotAllowed
from funding.models import Fund
from funding.services import funds as services
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import FundFactory, RoundFactory
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db

VALUES = {"name": "Digital Skills Fund", "slug": "digital-skills", "summary": "Skills."}


@pytest.fixture
def staff():
    return UserFactory(staff=True, groups=["Fund manager"])


def events(verb: str):
    return AuditEvent.objects.filter(verb=verb)


class TestFundCreate:
    def test_makes_the_fund_and_records_every_value(self, staff):
        fund = services.fund_create(values=VALUES, created_by=staff)

        assert Fund.objects.get(pk=fund.pk).name == "Digital Skills Fund"
        (event,) = events("funding.fund.created")
        assert event.actor == staff
        assert event.target_object_id == str(fund.pk)
        assert event.data == {"values": VALUES}

    def test_refuses_a_field_that_is_not_set_here(self, staff):
        with pytest.raises(ValueError, match="pk"):
            services.fund_create(values={**VALUES, "pk": 7}, created_by=staff)

    def test_makes_nothing_when_the_audit_fails(self, staff, monkeypatch):
        audit_break(monkeypatch, services)

        with pytest.raises(IntegrityError):
            services.fund_create(values=VALUES, created_by=staff)

        assert not Fund.objects.exists()


class TestFundUpdate:
    def test_records_each_changed_field_with_its_old_and_new_value(self, staff):
        fund = FundFactory(name="Local Digital Fund", slug="local-digital-fund", summary="")

        services.fund_update(
            fund_id=fund.pk,
            values={"name": "Local Digital Fund", "slug": "ldf", "summary": "Money."},
            updated_by=staff,
        )

        fund.refresh_from_db()
        assert (fund.slug, fund.summary) == ("ldf", "Money.")
        (event,) = events("funding.fund.updated")
        assert event.actor == staff
        assert event.data == {
            "changes": [
                {"field": "slug", "old": "local-digital-fund", "new": "ldf"},
                {"field": "summary", "old": "", "new": "Money."},
            ]
        }

    def test_records_nothing_when_nothing_changed(self, staff):
        fund = FundFactory()

        services.fund_update(
            fund_id=fund.pk,
            values={name: getattr(fund, name) for name in services.FUND_FIELDS},
            updated_by=staff,
        )

        assert not AuditEvent.objects.exists()

    def test_writes_nothing_when_the_audit_fails(self, staff, monkeypatch):
        fund = FundFactory(name="Local Digital Fund")
        audit_break(monkeypatch, services)

        with pytest.raises(IntegrityError):
            services.fund_update(fund_id=fund.pk, values={"name": "Renamed"}, updated_by=staff)

        fund.refresh_from_db()
        assert fund.name == "Local Digital Fund"


class TestFundsDelete:
    def test_deletes_funds_each_with_an_event_keeping_what_it_was(self, staff):
        first = FundFactory(name="First", slug="first", summary="One.")
        second = FundFactory(name="Second", slug="second")

        services.funds_delete(fund_ids=[first.pk, second.pk], deleted_by=staff)

        assert not Fund.objects.exists()
        deleted = events("funding.fund.deleted").order_by("pk")
        assert [(e.target_object_id, e.data) for e in deleted] == [
            (str(first.pk), {"name": "First", "slug": "first", "summary": "One."}),
            (str(second.pk), {"name": "Second", "slug": "second", "summary": ""}),
        ]

    def test_refuses_a_fund_that_has_run_a_round_and_deletes_none(self, staff):
        empty = FundFactory(name="Empty", slug="empty")
        used = FundFactory(name="Local Digital Fund")
        RoundFactory(fund=used)

        with pytest.raises(TransitionNotAllowed, match="Local Digital Fund has run rounds"):
            services.funds_delete(fund_ids=[empty.pk, used.pk], deleted_by=staff)

        assert Fund.objects.count() == 2
        assert not AuditEvent.objects.exists()

    def test_deletes_nothing_when_the_audit_fails(self, staff, monkeypatch):
        fund = FundFactory()
        audit_break(monkeypatch, services)

        with pytest.raises(IntegrityError):
            services.funds_delete(fund_ids=[fund.pk], deleted_by=staff)

        assert Fund.objects.filter(pk=fund.pk).exists()
