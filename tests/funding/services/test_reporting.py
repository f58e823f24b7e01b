"""A funded project's reporting schedule: made from the round's settings when the offer is
accepted, each report due at 5pm UK time in GMT and BST, and its dates set. (Fitting it to a
new end date is in test_reporting_recompute.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import (
    FirstReportUnit,
    ReportingFrequency,
    ReportStatus,
)
from funding.services.reporting import (
    add_months,
    award_dates_set,
    due_at,
    schedule_plan,
)
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import AwardFactory, RoundFactory
from tests.funding.factories_reporting import offer_accepted

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


class TestScheduleOnAcceptance:
    def test_accepting_the_offer_makes_the_reports_due_at_5pm(self):
        award = AwardFactory(planned_start_on=D(2026, 1, 5), planned_end_on=D(2026, 9, 30))

        offer_accepted(award, now=datetime.datetime(2026, 1, 15, 10, tzinfo=UTC))

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

        offer_accepted(award, now=datetime.datetime(2026, 10, 26, 10, tzinfo=UTC))

        first = award.reports.order_by("due_at").first()
        assert first.due_at == datetime.datetime(2026, 11, 26, 17, tzinfo=UTC)
        assert timezone.localtime(first.due_at).hour == 17

    def test_an_offer_with_no_planned_end_has_no_reports_yet(self):
        award = AwardFactory(planned_end_on=None)

        offer_accepted(award, now=timezone.now())

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
        offer_accepted(award, now=datetime.datetime(2026, 1, 20, tzinfo=UTC))
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
