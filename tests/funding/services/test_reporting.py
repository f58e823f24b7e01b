"""A funded project's reporting schedule: made from the round's settings when the offer is
accepted, each report due at 5pm UK time in GMT and BST, and fitted to a new end date without
touching a report already submitted."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import (
    AwardStatus,
    FirstReportUnit,
    Instalment,
    ProgressReport,
    ReportingFrequency,
    ReportStatus,
)
from funding.services import awards as award_services
from funding.services.reporting import (
    add_months,
    award_dates_set,
    award_schedule_recompute,
    due_at,
    schedule_plan,
)
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import AwardFactory, InstalmentFactory, RoundFactory
from tests.funding.factories_reporting import ProgressReportFactory

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC


def plan(round, accepted_on, ends_on, starts_on=None):
    return [
        (p.number, p.period_start, p.period_end, p.due_on)
        for p in schedule_plan(
            round=round, accepted_on=accepted_on, starts_on=starts_on, ends_on=ends_on
        )
    ]


@pytest.fixture
def fund_manager():
    return UserFactory(staff=True, groups=["Fund manager"])


class TestAddMonths:
    def test_keeps_the_day_of_the_month(self):
        assert add_months(D(2026, 1, 15), 3) == D(2026, 4, 15)
        assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)

    def test_ends_a_shorter_month_on_its_last_day(self):
        assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
        assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
        assert add_months(D(2026, 1, 31), 3) == D(2026, 4, 30)


class TestDueAt:
    def test_is_5pm_gmt_in_winter(self):
        """In January the UK is on GMT: 5pm is 17:00 UTC."""
        assert due_at(D(2026, 1, 15)) == datetime.datetime(2026, 1, 15, 17, tzinfo=UTC)

    def test_is_5pm_bst_in_summer(self):
        """In July the UK is on BST: 5pm is 16:00 UTC."""
        assert due_at(D(2026, 7, 15)) == datetime.datetime(2026, 7, 15, 16, tzinfo=UTC)

    def test_follows_the_clocks_on_the_days_they_change(self):
        """The clocks go forward on 29 March 2026 and back on 25 October 2026."""
        assert due_at(D(2026, 3, 28)).astimezone(UTC).hour == 17
        assert due_at(D(2026, 3, 29)).astimezone(UTC).hour == 16
        assert due_at(D(2026, 10, 24)).astimezone(UTC).hour == 16
        assert due_at(D(2026, 10, 25)).astimezone(UTC).hour == 17


class TestSchedulePlan:
    def test_is_quarterly_from_three_months_with_a_final_report_by_default(self):
        round = RoundFactory()
        assert round.reporting_frequency == ReportingFrequency.QUARTERLY
        assert (round.first_report_after, round.first_report_unit) == (3, FirstReportUnit.MONTHS)
        assert round.final_report_at_end

        assert plan(round, D(2026, 1, 15), D(2026, 12, 31), starts_on=D(2026, 1, 5)) == [
            (1, D(2026, 1, 5), D(2026, 4, 15), D(2026, 4, 15)),
            (2, D(2026, 4, 16), D(2026, 7, 15), D(2026, 7, 15)),
            (3, D(2026, 7, 16), D(2026, 10, 15), D(2026, 10, 15)),
            (None, D(2026, 10, 16), D(2026, 12, 31), D(2026, 12, 31)),
        ]

    def test_monthly(self):
        round = RoundFactory(reporting_frequency=ReportingFrequency.MONTHLY, first_report_after=1)

        due = [row[3] for row in plan(round, D(2026, 1, 31), D(2026, 5, 15))]

        assert due == [D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 15)]

    def test_every_two_months(self):
        round = RoundFactory(
            reporting_frequency=ReportingFrequency.TWO_MONTHLY, first_report_after=2
        )

        due = [row[3] for row in plan(round, D(2026, 3, 1), D(2026, 12, 1))]

        assert due == [D(2026, 5, 1), D(2026, 7, 1), D(2026, 9, 1), D(2026, 11, 1), D(2026, 12, 1)]

    def test_first_report_in_days_then_every_period_from_it(self):
        round = RoundFactory(first_report_after=45, first_report_unit=FirstReportUnit.DAYS)

        rows = plan(round, D(2026, 1, 1), D(2026, 9, 30))

        assert [row[3] for row in rows] == [
            D(2026, 2, 15),
            D(2026, 5, 15),
            D(2026, 8, 15),
            D(2026, 9, 30),
        ]
        assert rows[0][1] == D(2026, 1, 1)

    def test_without_a_final_report_reports_run_to_the_end_date(self):
        round = RoundFactory(final_report_at_end=False)

        rows = plan(round, D(2026, 1, 15), D(2026, 10, 15))

        assert [row[0] for row in rows] == [1, 2, 3]
        assert rows[-1][3] == D(2026, 10, 15)

    def test_a_project_shorter_than_its_first_period_has_only_the_final_report(self):
        round = RoundFactory()

        assert plan(round, D(2026, 1, 15), D(2026, 3, 31)) == [
            (None, D(2026, 1, 15), D(2026, 3, 31), D(2026, 3, 31))
        ]

    def test_a_start_after_the_first_report_is_not_its_period(self):
        round = RoundFactory()

        rows = plan(round, D(2026, 1, 15), D(2026, 12, 31), starts_on=D(2026, 6, 1))

        assert rows[0][1] == D(2026, 1, 15)


def accept(award, *, now):
    admin = MembershipFactory(organisation=award.application.lead_organisation, admin=True).user
    return award_services.award_offer_accept(award=award, accepted_by=admin, now=now)


class TestScheduleOnAcceptance:
    def test_accepting_the_offer_makes_the_reports_due_at_5pm(self):
        award = AwardFactory(planned_start_on=D(2026, 1, 5), planned_end_on=D(2026, 9, 30))

        accept(award, now=datetime.datetime(2026, 1, 15, 10, tzinfo=UTC))

        reports = list(award.reports.order_by("due_at"))
        assert [r.name for r in reports] == ["Report 1", "Report 2", "Final report"]
        assert [r.due_at for r in reports] == [
            datetime.datetime(2026, 4, 15, 16, tzinfo=UTC),
            datetime.datetime(2026, 7, 15, 16, tzinfo=UTC),
            datetime.datetime(2026, 9, 30, 16, tzinfo=UTC),
        ]
        assert {r.status for r in reports} == {ReportStatus.DRAFT}
        assert AuditEvent.objects.filter(verb="funding.award.schedule_created").count() == 1

    def test_in_winter_the_reports_are_due_at_5pm_gmt(self):
        award = AwardFactory(planned_end_on=D(2027, 2, 26))
        award.application.round.first_report_after = 1
        award.application.round.save()

        accept(award, now=datetime.datetime(2026, 10, 26, 10, tzinfo=UTC))

        first = award.reports.order_by("due_at").first()
        assert first.due_at == datetime.datetime(2026, 11, 26, 17, tzinfo=UTC)
        assert timezone.localtime(first.due_at).hour == 17

    def test_an_offer_with_no_planned_end_has_no_reports_yet(self):
        award = AwardFactory(planned_end_on=None)

        accept(award, now=timezone.now())

        assert not award.reports.exists()


class TestDatesSet:
    def test_an_accepted_award_without_reports_gets_its_schedule(self, fund_manager):
        award = AwardFactory(accepted=True, responded_at=datetime.datetime(2026, 1, 15, tzinfo=UTC))

        change = award_dates_set(
            award=award, starts_on=D(2026, 2, 1), ends_on=D(2026, 8, 31), set_by=fund_manager
        )

        assert change.created == ["Report 1", "Report 2", "Final report"]
        award.refresh_from_db()
        assert (award.planned_start_on, award.planned_end_on) == (D(2026, 2, 1), D(2026, 8, 31))

    def test_an_offer_keeps_its_dates_until_it_is_accepted(self, fund_manager):
        award = AwardFactory()

        award_dates_set(
            award=award, starts_on=D(2026, 2, 1), ends_on=D(2026, 8, 31), set_by=fund_manager
        )

        assert not award.reports.exists()
        accept(award, now=datetime.datetime(2026, 1, 20, tzinfo=UTC))
        assert award.reports.count() == 3

    def test_is_refused_to_anyone_but_a_fund_manager(self):
        award = AwardFactory(accepted=True)

        with pytest.raises(NotPermitted):
            award_dates_set(
                award=award,
                starts_on=D(2026, 2, 1),
                ends_on=D(2026, 8, 31),
                set_by=UserFactory(staff=True, groups=["Assessor"]),
            )

    def test_an_end_before_the_start_is_refused(self, fund_manager):
        award = AwardFactory(accepted=True)

        with pytest.raises(FundingError, match="on or after the start"):
            award_dates_set(
                award=award, starts_on=D(2026, 8, 1), ends_on=D(2026, 2, 1), set_by=fund_manager
            )

    def test_a_declined_award_keeps_its_dates(self, fund_manager):
        award = AwardFactory(declined=True)

        with pytest.raises(TransitionNotAllowed):
            award_dates_set(
                award=award, starts_on=D(2026, 2, 1), ends_on=D(2026, 8, 31), set_by=fund_manager
            )


@pytest.fixture
def scheduled():
    """An award accepted on 15 January 2026 to end on 30 September 2026: reports 1 and 2
    and the final report."""
    award = AwardFactory(planned_start_on=D(2026, 1, 15), planned_end_on=D(2026, 9, 30))
    accept(award, now=datetime.datetime(2026, 1, 15, 10, tzinfo=UTC))
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
        accept(award, now=timezone.now())
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
