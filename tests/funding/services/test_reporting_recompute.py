"""A funded project's reporting schedule fitted to a new end date, or new dates, without
touching a report already submitted; and the instalments tied to its reports."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from funding.errors import FundingError, TransitionNotAllowed
from funding.models import (
    AwardStatus,
    Instalment,
    ProgressReport,
    ReportStatus,
)
from funding.services import awards as award_services
from funding.services.reporting import (
    award_schedule_recompute,
)
from localdigital.audit.models import AuditEvent
from tests.funding.factories import AwardFactory, InstalmentFactory
from tests.funding.factories_reporting import ProgressReportFactory, offer_accepted

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC


@pytest.fixture
def scheduled():
    """An award accepted on 15 January 2026 to end on 30 September 2026: reports 1 and 2
    and the final report."""
    award = AwardFactory(planned_start_on=D(2026, 1, 15), planned_end_on=D(2026, 9, 30))
    offer_accepted(award, now=datetime.datetime(2026, 1, 15, 10, tzinfo=UTC))
    return award


def names_and_days(award):
    return [(r.name, timezone.localdate(r.due_at)) for r in award.reports.order_by("due_at", "pk")]


class TestRecompute:
    def test_a_later_end_adds_reports_and_moves_the_final_one(self, scheduled, fund_manager):
        change = award_schedule_recompute(
            award=scheduled, ends_on=D(2027, 1, 31), changed_by=fund_manager
        )

        assert names_and_days(scheduled) == [
            ("Report 1", D(2026, 4, 15)),
            ("Report 2", D(2026, 7, 15)),
            ("Report 3", D(2026, 10, 15)),
            ("Report 4", D(2027, 1, 15)),
            ("Final report", D(2027, 1, 31)),
        ]
        assert (change.created, change.moved, change.removed) == (
            ["Report 3", "Report 4"],
            ["Final report"],
            [],
        )
        final = scheduled.reports.get(is_final=True)
        assert final.period_start == D(2027, 1, 16)
        scheduled.refresh_from_db()
        assert scheduled.planned_end_on == D(2027, 1, 31)
        event = AuditEvent.objects.get(verb="funding.award.schedule_changed")
        assert event.actor == fund_manager

    def test_an_earlier_end_removes_reports_not_submitted_and_moves_their_money(
        self, scheduled, fund_manager
    ):
        report_2 = scheduled.reports.get(number=2)
        instalment = InstalmentFactory(award=scheduled, report=report_2)

        change = award_schedule_recompute(
            award=scheduled, ends_on=D(2026, 6, 30), changed_by=fund_manager
        )

        assert names_and_days(scheduled) == [
            ("Report 1", D(2026, 4, 15)),
            ("Final report", D(2026, 6, 30)),
        ]
        assert change.removed == ["Report 2"]
        instalment.refresh_from_db()
        assert instalment.report == scheduled.reports.get(is_final=True)

    def test_never_touches_a_submitted_report(self, scheduled, fund_manager):
        report_1 = scheduled.reports.get(number=1)
        ProgressReport.objects.filter(pk=report_1.pk).update(
            status=ReportStatus.RETURNED, submitted_at=timezone.now()
        )
        scheduled.application.round.first_report_after = 2
        scheduled.application.round.save()

        change = award_schedule_recompute(
            award=scheduled, ends_on=D(2026, 3, 31), changed_by=fund_manager
        )

        report_1.refresh_from_db()
        assert timezone.localdate(report_1.due_at) == D(2026, 4, 15)
        assert report_1.status == ReportStatus.RETURNED
        assert change.kept == ["Report 1"]
        assert names_and_days(scheduled) == [
            ("Final report", D(2026, 3, 31)),
            ("Report 1", D(2026, 4, 15)),
        ]

    def test_is_refused_for_a_completed_project(self, fund_manager):
        award = AwardFactory(completed=True, planned_end_on=D(2026, 9, 30))

        with pytest.raises(TransitionNotAllowed, match="completed"):
            award_schedule_recompute(award=award, ends_on=D(2027, 1, 31), changed_by=fund_manager)

    def test_writes_nothing_when_a_save_fails(self, scheduled, fund_manager):
        """Atomic: a failure part-way through leaves the schedule and the end date as they
        were."""
        before = names_and_days(scheduled)

        with (
            mock.patch.object(ProgressReport, "delete", side_effect=DatabaseError("disk full")),
            pytest.raises(DatabaseError),
        ):
            award_schedule_recompute(
                award=scheduled, ends_on=D(2026, 6, 30), changed_by=fund_manager
            )

        assert names_and_days(scheduled) == before
        scheduled.refresh_from_db()
        assert scheduled.planned_end_on == D(2026, 9, 30)


class TestInstalmentsTiedToReports:
    def test_is_due_only_once_its_report_is_accepted(self, fund_manager):
        report = ProgressReportFactory(submitted=True)
        instalment = InstalmentFactory(award=report.award, report=report, amount=Decimal(20000))

        with pytest.raises(TransitionNotAllowed, match="paid once Report"):
            award_services.instalment_mark_paid(instalment=instalment, paid_by=fund_manager)
        ProgressReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.ACCEPTED, accepted_at=timezone.now()
        )
        award_services.instalment_mark_paid(
            instalment=instalment,
            paid_by=fund_manager,
            amount=Decimal(19500),
            paid_on=timezone.localdate(),
        )

        instalment.refresh_from_db()
        assert (instalment.paid_amount, instalment.paid_on) == (
            Decimal(19500),
            timezone.localdate(),
        )

    def test_one_tied_to_the_offer_is_due_once_it_is_accepted(self, fund_manager):
        award = AwardFactory()
        instalment = InstalmentFactory(award=award, on_offer_acceptance=True)

        with pytest.raises(TransitionNotAllowed, match="has not been accepted yet"):
            award_services.instalment_mark_paid(instalment=instalment, paid_by=fund_manager)
        offer_accepted(award, now=timezone.now())
        award_services.instalment_mark_paid(instalment=instalment, paid_by=fund_manager)

        assert Instalment.objects.get(pk=instalment.pk).is_paid

    def test_a_completed_project_is_paid_its_last_instalment(self, fund_manager):
        award = AwardFactory(completed=True)
        instalment = InstalmentFactory(award=award)

        award_services.instalment_mark_paid(instalment=instalment, paid_by=fund_manager)

        assert award.status == AwardStatus.COMPLETED
        assert Instalment.objects.get(pk=instalment.pk).is_paid

    @pytest.mark.parametrize(
        ("amount", "days", "message"),
        [
            (Decimal(0), 0, "more than £0"),
            (Decimal(60001), 0, "no more than £60,000 can be paid"),
            (Decimal(100), -1, "today or in the past"),
            (Decimal(100), 400, "on or after the award"),
        ],
    )
    def test_refuses_a_payment_that_cannot_be(self, fund_manager, amount, days, message):
        instalment = InstalmentFactory(award=AwardFactory(accepted=True, amount=Decimal(60000)))

        with pytest.raises(FundingError, match=message):
            award_services.instalment_mark_paid(
                instalment=instalment,
                paid_by=fund_manager,
                amount=amount,
                paid_on=timezone.localdate() - datetime.timedelta(days=days),
            )

        assert not Instalment.objects.get(pk=instalment.pk).is_paid
