"""An award's payment schedule as fund managers plan it: each rule checked by the service and
refused with a message staff can act on, nothing saved when refused or when the audit fails,
and one audit event naming each instalment added, changed or removed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import Instalment
from funding.services import instalments as services
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import AwardFactory, InstalmentFactory
from tests.funding.factories_reporting import ProgressReportFactory

pytestmark = pytest.mark.django_db

DUE = date(2027, 3, 1)


@pytest.fixture
def manager():
    return UserFactory(staff=True, groups=["Fund manager"])


@pytest.fixture
def award():
    return AwardFactory(accepted=True, amount=Decimal(60000))


def new(award, amount: str = "30000", **fields) -> Instalment:
    return Instalment(award=award, due_on=DUE, amount=Decimal(amount), **fields)


def events():
    return AuditEvent.objects.filter(verb=services.VERB)


class TestSaved:
    def test_adds_changes_and_removes_with_one_event_naming_each(self, award, manager):
        kept = InstalmentFactory(award=award, amount=Decimal(20000), due_on=date(2027, 1, 4))
        gone = InstalmentFactory(award=award, amount=Decimal(10000), due_on=date(2027, 2, 1))
        kept.amount, kept.due_on = Decimal("25000.50"), date(2027, 1, 11)
        added = new(award, "30000", on_offer_acceptance=True)

        services.instalments_save(award=award, saved=[kept, added], deleted=[gone], by=manager)

        assert sorted(award.instalments.values_list("amount", flat=True)) == [
            Decimal("25000.50"),
            Decimal(30000),
        ]
        (event,) = events()
        assert event.actor == manager
        assert event.target_object_id == str(award.pk)
        assert event.data["changes"] == [
            {
                "change": "added",
                "instalment": added.pk,
                "due_on": "2027-03-01",
                "amount": "30000.00",
                "report": None,
                "on_offer_acceptance": True,
            },
            {
                "change": "changed",
                "instalment": kept.pk,
                "fields": [
                    {"field": "due_on", "old": "2027-01-04", "new": "2027-01-11"},
                    {"field": "amount", "old": "20000.00", "new": "25000.50"},
                ],
            },
            {
                "change": "removed",
                "instalment": gone.pk,
                "due_on": "2027-02-01",
                "amount": "10000.00",
                "report": None,
                "on_offer_acceptance": False,
            },
        ]

    def test_records_nothing_when_nothing_changed(self, award, manager):
        same = InstalmentFactory(award=award, amount=Decimal(30000))
        same.refresh_from_db()

        services.instalments_save(award=award, saved=[], deleted=[], by=manager)
        services.instalments_save(award=award, saved=[same], deleted=[], by=manager)

        assert not events().exists()

    def test_keeps_a_payment_recorded_since_the_page_opened(self, award, manager):
        opened = InstalmentFactory(award=award, amount=Decimal(30000))
        Instalment.objects.filter(pk=opened.pk).update(
            paid_at=timezone.now(), paid_on=timezone.localdate(), paid_amount=Decimal(30000)
        )
        opened.due_on = DUE

        with pytest.raises(TransitionNotAllowed, match="is paid"):
            services.instalments_save(award=award, saved=[opened], deleted=[], by=manager)

        opened.refresh_from_db()
        assert opened.paid_at is not None
        assert opened.due_on != DUE

    def test_ties_an_instalment_to_a_report_of_the_award(self, award, manager):
        report = ProgressReportFactory(award=award)

        services.instalments_save(
            award=award, saved=[new(award, report=report)], deleted=[], by=manager
        )

        (event,) = events()
        assert event.data["changes"][0]["report"] == report.pk


class TestRefused:
    def test_a_paid_instalment_does_not_change(self, award, manager):
        paid = InstalmentFactory(award=award, due_on=date(2027, 1, 4), paid_at=timezone.now())
        paid.amount = Decimal(20000)

        with pytest.raises(TransitionNotAllowed) as refused:
            services.instalments_save(award=award, saved=[paid], deleted=[], by=manager)

        assert str(refused.value) == (
            "The instalment due Monday 4 January 2027 is paid, so it can no longer change or "
            "be removed."
        )
        paid.refresh_from_db()
        assert paid.amount == Decimal(30000)
        assert not events().exists()

    def test_a_paid_instalment_is_not_removed(self, award, manager):
        paid = InstalmentFactory(award=award, paid_at=timezone.now())

        with pytest.raises(TransitionNotAllowed, match="is paid"):
            services.instalments_save(award=award, saved=[], deleted=[paid], by=manager)

        assert Instalment.objects.filter(pk=paid.pk).exists()

    @pytest.mark.parametrize("status", ["declined", "completed"])
    def test_a_closed_award_takes_no_new_instalments(self, manager, status):
        award = AwardFactory(**{status: True})

        with pytest.raises(TransitionNotAllowed) as refused:
            services.instalments_save(award=award, saved=[new(award)], deleted=[], by=manager)

        assert str(refused.value) == (
            f"This award is {award.get_status_display().lower()}, so it takes no new instalments."
        )
        assert not Instalment.objects.exists()

    def test_the_instalments_do_not_add_up_to_more_than_the_award(self, award, manager):
        InstalmentFactory(award=award, amount=Decimal(40000))

        with pytest.raises(FundingError) as refused:
            services.instalments_save(
                award=award, saved=[new(award, "30000")], deleted=[], by=manager
            )

        assert str(refused.value) == (
            "The instalments add up to £70,000, more than the £60,000 awarded."
        )
        assert award.instalments.count() == 1

    def test_the_total_counts_what_is_removed_and_changed(self, award, manager):
        gone = InstalmentFactory(award=award, amount=Decimal(40000))
        lowered = InstalmentFactory(award=award, amount=Decimal(20000))
        lowered.amount = Decimal(10000)

        services.instalments_save(
            award=award, saved=[lowered, new(award, "50000")], deleted=[gone], by=manager
        )

        assert sorted(award.instalments.values_list("amount", flat=True)) == [10000, 50000]

    def test_a_report_of_another_award_is_refused(self, award, manager):
        other = ProgressReportFactory()

        with pytest.raises(FundingError, match="one of its own reports"):
            services.instalments_save(
                award=award, saved=[new(award, report=other)], deleted=[], by=manager
            )

        assert not Instalment.objects.exists()

    def test_an_instalment_cancelled_since_the_page_opened(self, award, manager):
        cancelled = InstalmentFactory(award=award)
        Instalment.objects.filter(pk=cancelled.pk).delete()
        cancelled.amount = Decimal(1000)

        with pytest.raises(TransitionNotAllowed, match="cancelled since the page opened"):
            services.instalments_save(award=award, saved=[cancelled], deleted=[], by=manager)

    def test_only_a_fund_manager_plans_payments(self, award):
        with pytest.raises(NotPermitted, match="Only fund managers can plan payments"):
            services.instalments_save(
                award=award, saved=[new(award)], deleted=[], by=UserFactory(staff=True)
            )

        assert not Instalment.objects.exists()

    def test_nothing_is_saved_when_the_audit_fails(self, award, manager, monkeypatch):
        changed = InstalmentFactory(award=award, amount=Decimal(20000))
        gone = InstalmentFactory(award=award, amount=Decimal(10000))
        changed.amount = Decimal(15000)

        def fail(**kwargs):
            raise IntegrityError("audit log unavailable")

        monkeypatch.setattr(services, "audit_record", fail)
        with pytest.raises(IntegrityError):
            services.instalments_save(
                award=award, saved=[changed, new(award, "1000")], deleted=[gone], by=manager
            )

        assert sorted(award.instalments.values_list("amount", flat=True)) == [10000, 20000]
