"""A funded project's reporting schedule: its progress reports, made from the round's
settings when the offer is accepted, and made again for a new end date.

The first report is due ``first_report_after`` days or months after the offer's acceptance,
then one every reporting period (1, 2 or 3 months) while that falls before the planned end;
with the round's ``final_report_at_end``, the final report is due on the end date. Each is
due at 5pm, UK time, whether the clocks are on GMT or BST. A month after the 31st of a month
is the last day of a shorter month, and every date is counted from the acceptance, so the
days never drift.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from .. import formats
from ..errors import FundingError, TransitionNotAllowed
from ..models import (
    Award,
    AwardStatus,
    FirstReportUnit,
    Instalment,
    ProgressReport,
    ReportingFrequency,
    Round,
)
from .assessment import _require_fund_manager

# Reports are due at this time of day, UK time.
DUE_TIME = time(17, 0)
# No schedule has more reports than this: monthly for twenty years.
MOST_REPORTS = 240
# Awards whose schedule may be made or changed.
SCHEDULED = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE)


@dataclass(frozen=True)
class PlannedReport:
    """A report the schedule asks for: its number (None for the final report), the period
    it covers, and the day it is due."""

    number: int | None
    period_start: date
    period_end: date
    due_on: date

    @property
    def is_final(self) -> bool:
        return self.number is None

    @property
    def due_at(self) -> datetime:
        return due_at(self.due_on)


@dataclass
class ScheduleChange:
    """What making or changing a schedule did to the reports, by name."""

    created: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    """Return ``day`` plus ``months`` months: the same day of the month, or the last day of
    a month too short for it (31 January plus a month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_at(day: date) -> datetime:
    """Return 5pm UK time on ``day``: 17:00 GMT in winter, 17:00 BST (16:00 UTC) in summer."""
    return timezone.make_aware(datetime.combine(day, DUE_TIME), timezone.get_default_timezone())


def schedule_plan(
    *, round: Round, accepted_on: date, starts_on: date | None, ends_on: date
) -> list[PlannedReport]:
    """Return the reports a project in ``round`` accepted on ``accepted_on`` and ending on
    ``ends_on`` must send, in the order they are due.

    The first period starts on the planned start (or the acceptance, when the start is later
    than the first report or not known); each later one the day after the report before
    was due.
    """
    months = ReportingFrequency(round.reporting_frequency).months
    after = round.first_report_after

    def periodic_due(index: int) -> date:
        if round.first_report_unit == FirstReportUnit.DAYS:
            return add_months(accepted_on + timedelta(days=after), index * months)
        return add_months(accepted_on, after + index * months)

    first_due = periodic_due(0)
    start = starts_on if starts_on is not None and starts_on <= first_due else accepted_on
    planned: list[PlannedReport] = []
    while len(planned) < MOST_REPORTS:
        due_on = periodic_due(len(planned))
        before_end = due_on < ends_on if round.final_report_at_end else due_on <= ends_on
        if not before_end:
            break
        planned.append(PlannedReport(len(planned) + 1, start, due_on, due_on))
        start = due_on + timedelta(days=1)
    if round.final_report_at_end:
        planned.append(PlannedReport(None, min(start, ends_on), ends_on, ends_on))
    return planned


def _accepted_on(award: Award) -> date:
    moment = award.responded_at
    return timezone.localdate(moment) if moment is not None else award.awarded_on


def _plan_for(award: Award, ends_on: date) -> list[PlannedReport]:
    return schedule_plan(
        round=award.application.round,
        accepted_on=_accepted_on(award),
        starts_on=award.planned_start_on,
        ends_on=ends_on,
    )


def _report_from(award: Award, planned: PlannedReport, now: datetime) -> ProgressReport:
    return ProgressReport(
        award=award,
        number=planned.number,
        is_final=planned.is_final,
        period_start=planned.period_start,
        period_end=planned.period_end,
        due_at=planned.due_at,
        created_at=now,
    )


def award_schedule_create(*, award: Award, now: datetime) -> list[ProgressReport]:
    """Make the reports of an accepted award, inside the caller's transaction with the award
    locked; return them. An award with no planned end date, or that has its reports
    already, gets none: setting its dates (``award_dates_set``) makes them."""
    if award.planned_end_on is None or award.reports.exists():
        return []
    reports = ProgressReport.objects.bulk_create(
        _report_from(award, planned, now) for planned in _plan_for(award, award.planned_end_on)
    )
    audit_record(
        actor=None,
        verb="funding.award.schedule_created",
        target=award,
        data={"reports": [report.name for report in reports], "ends_on": award.planned_end_on},
    )
    return reports


def award_schedule_recompute(
    *, award: Award, ends_on: date, changed_by: User | None, now: datetime | None = None
) -> ScheduleChange:
    """Give an accepted or active award the planned end ``ends_on``, and fit its reports to
    it; return what changed.

    Only reports never submitted change: their periods and due dates move, those the new
    schedule no longer asks for go (an instalment tied to one moves to the final report,
    or else the last report kept), and new ones are made. A report that has been submitted,
    in any state since, is never touched. A report whose due date moves is reminded of the
    new date.
    """
    now = now or timezone.now()
    with transaction.atomic():
        award = _lock(award)
        if award.status not in SCHEDULED:
            raise TransitionNotAllowed(
                f"{award.title} is {award.get_status_display().lower()}, so its reporting "
                "schedule cannot change."
            )
        _check_dates(award.planned_start_on, ends_on)
        award.planned_end_on = ends_on
        award.save(update_fields=["planned_end_on"])
        change = _fit_reports(award, ends_on, now)
        content_changed("funding")
        audit_record(
            actor=changed_by,
            verb="funding.award.schedule_changed",
            target=award,
            data={"ends_on": ends_on, **change.__dict__},
        )
    return change


def _fit_reports(award: Award, ends_on: date, now: datetime) -> ScheduleChange:
    change = ScheduleChange()
    existing = list(ProgressReport.objects.select_for_update().filter(award=award))
    change.kept = [report.name for report in existing if report.was_submitted]
    taken = {report.key for report in existing if report.was_submitted}
    open_reports = {report.key: report for report in existing if not report.was_submitted}
    planned = {("final" if p.is_final else str(p.number)): p for p in _plan_for(award, ends_on)}
    for key, plan in planned.items():
        if key in taken:
            continue
        report = open_reports.pop(key, None)
        if report is None:
            report = _report_from(award, plan, now)
            report.save()
            change.created.append(report.name)
        elif (report.period_start, report.period_end, report.due_at) != (
            plan.period_start,
            plan.period_end,
            plan.due_at,
        ):
            report.period_start, report.period_end = plan.period_start, plan.period_end
            report.due_at = plan.due_at
            report.save(update_fields=["period_start", "period_end", "due_at"])
            change.moved.append(report.name)
    if open_reports:
        remaining = ProgressReport.objects.filter(award=award).exclude(
            pk__in=[report.pk for report in open_reports.values()]
        )
        heir = remaining.order_by("-is_final", "-due_at", "-pk").first()
        for report in open_reports.values():
            Instalment.objects.filter(report=report).update(report=heir)
            change.removed.append(report.name)
            report.delete()
    return change


def _lock(award: Award) -> Award:
    return (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__round")
        .get(pk=award.pk)
    )


def _check_dates(starts_on: date | None, ends_on: date) -> None:
    if starts_on is not None and ends_on < starts_on:
        raise FundingError(f"The end date must be on or after the start, {formats.day(starts_on)}")


def award_dates_set(
    *,
    award: Award,
    starts_on: date,
    ends_on: date,
    set_by: User,
    now: datetime | None = None,
) -> ScheduleChange:
    """Set a funded project's planned start and end (a fund manager), before or after the
    offer is accepted; return what happened to its reports.

    An accepted or active award with no reports gets its schedule; one with reports has
    those not yet submitted fitted to the new end (``award_schedule_recompute``).
    """
    now = now or timezone.now()
    _require_fund_manager(set_by, "set a project's dates")
    _check_dates(starts_on, ends_on)
    with transaction.atomic():
        award = _lock(award)
        if award.status not in (AwardStatus.OFFERED, *SCHEDULED):
            raise TransitionNotAllowed(
                f"{award.title} is {award.get_status_display().lower()}, so its dates cannot "
                "change."
            )
        award.planned_start_on, award.planned_end_on = starts_on, ends_on
        award.save(update_fields=["planned_start_on", "planned_end_on"])
        change = ScheduleChange()
        if award.status in SCHEDULED:
            if award.reports.exists():
                change = _fit_reports(award, ends_on, now)
            else:
                change.created = [r.name for r in award_schedule_create(award=award, now=now)]
        content_changed("funding")
        audit_record(
            actor=set_by,
            verb="funding.award.dates_set",
            target=award,
            data={"starts_on": starts_on, "ends_on": ends_on, **change.__dict__},
        )
    return change
