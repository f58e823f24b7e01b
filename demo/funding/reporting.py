"""The demo's funded projects after the award, in rounds 3 and 4: their milestones, their
progress reports written, submitted and reviewed, the payments those release, and a change
asked for (see ``reporting_texts``).

Accepting an offer makes the project's reports, from the round's settings and the planned
dates the fund manager set (``award_dates_set``). Then each step is a service, at the time
the team or the Fund would have taken it: a report is written and submitted the day before
it is due, reviewed four days later, and an instalment tied to it paid three days after
it is accepted. The steps are returned as ``Event``s, for ``awarding`` to run in order with
the project's updates; they run once, when the round is made, so seeding again adds
nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from django.utils import timezone

from funding.models import (
    Award,
    AwardStatus,
    BudgetLine,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Fund,
    Instalment,
    MilestoneStatus,
    ProgressReport,
    ProjectMilestone,
    RagStatus,
    ReportStatus,
)
from funding.selectors.reporting import report_is_overdue
from funding.services import changes as change_services
from funding.services import report_review
from funding.services import reports as report_services
from funding.services.awards import instalment_mark_paid
from funding.services.reporting import add_months
from funding.services.reports import LinkValue, MilestoneValue, RiskValue, SpendValue
from localdigital.accounts.models import User

from .outcomes import Output
from .reporting_texts import REPORTING, Reporting, ReportSpec
from .rounds import LONDON, london_at

# A step of a project's life, and when it is taken.
Event = tuple[datetime, Callable[[], object]]
# Spend runs a little behind the work: this share of the work's days done, spent.
SPEND_PACE = Decimal("0.9")


def reporting_for(award: Award) -> Reporting | None:
    """Return what the demo has ``award``'s project report, or None if it has no reports."""
    return REPORTING.get(award.title)


def milestones_agree(award: Award, reporting: Reporting, *, starts_on: date) -> None:
    """Write the project's milestones, from its plan, as fund managers keep them on the
    award's page in the admin (there is no service: the admin saves them as they are)."""
    ProjectMilestone.objects.bulk_create(
        ProjectMilestone(
            award=award, title=title, planned_on=starts_on + timedelta(days=day), position=place
        )
        for place, (title, day) in enumerate(reporting.milestones)
    )


def instalment_ties(award: Award, count: int) -> list[dict[str, object]]:
    """Return what each of ``count`` instalments is paid on: the first on the offer's
    acceptance, the last on the final report, and those between on the reports in turn."""
    reports = list(award.reports.order_by("due_at", "pk"))
    if not reports:
        return [{} for _ in range(count)]
    ties: list[dict[str, object]] = [{"on_offer_acceptance": True}]
    ties += [{"report": reports[min(place, len(reports) - 1)]} for place in range(count - 2)]
    ties.append({"report": reports[-1]})
    return ties[:count]


def reporting_events(
    award: Award,
    reporting: Reporting,
    *,
    manager: User,
    writer: User,
    outputs: Sequence[Output],
    starts_on: date,
    ends_on: date,
) -> list[Event]:
    """Return the steps of the project's reports, the payments they release and its change
    request, each at its time. The project's outputs are published through its reports'
    links, shared out over the reports written."""
    reports = list(award.reports.order_by("due_at", "pk"))
    if len(reporting.reports) > len(reports):
        raise ValueError(f"{award.title} has {len(reports)} reports, fewer than its demo's.")
    written = len(reporting.reports)
    events: list[Event] = []
    spend = _Spend(award, starts_on=starts_on, ends_on=ends_on)
    for place, (report, spec) in enumerate(zip(reports, reporting.reports, strict=False)):
        due_on = timezone.localdate(report.due_at, LONDON)
        sent_at = max(london_at(due_on - timedelta(days=1), 15), london_at(report.period_start, 10))
        links = [
            LinkValue(
                title=output.title,
                url=output.url(award.application.lead_organisation.slug),
                output_type=output.output_type,
            )
            for output in outputs[place::written]
        ]
        send = partial(
            _report_send,
            report,
            spec,
            reporting,
            links=links,
            spend=spend,
            writer=writer,
            now=sent_at,
        )
        events.append((sent_at, send))
        if spec.review == ReportStatus.SUBMITTED:
            continue
        reviewed_at = london_at(timezone.localdate(sent_at, LONDON) + timedelta(days=4), 10)
        events.append(
            (reviewed_at, partial(_report_review, report, spec, manager=manager, now=reviewed_at))
        )
        if spec.review != ReportStatus.ACCEPTED:
            continue
        paid_at = london_at(timezone.localdate(reviewed_at, LONDON) + timedelta(days=3), 11)
        for instalment in Instalment.objects.filter(report=report):
            events.append(payment_event(instalment, manager=manager, at=paid_at))
    if reporting.change is not None:
        change = reporting.change
        asked_at = london_at(starts_on + timedelta(days=change.after), 14)
        events.append(
            (
                asked_at,
                partial(
                    change_services.change_request_make,
                    award=award,
                    kind=ChangeKind.END_DATE,
                    reason=change.reason,
                    requested_by=writer,
                    new_end_on=add_months(ends_on, change.months),
                    now=asked_at,
                ),
            )
        )
    return events


def offer_payments(award: Award, *, manager: User, starts_on: date) -> list[Event]:
    """Return the payment of each instalment tied to the offer's acceptance, on the day the
    work starts."""
    paid_at = london_at(starts_on, 11)
    return [
        payment_event(instalment, manager=manager, at=paid_at)
        for instalment in Instalment.objects.filter(award=award, on_offer_acceptance=True)
    ]


def payment_event(instalment: Instalment, *, manager: User, at: datetime) -> Event:
    """Return the fund manager recording ``instalment`` paid, at ``at``."""
    return at, partial(instalment_mark_paid, instalment=instalment, paid_by=manager, now=at)


class _Spend:
    """The spend each report gives on each budget line: the award's share of the line, in
    step with the days of work done by the end of the report's period, a little behind."""

    def __init__(self, award: Award, *, starts_on: date, ends_on: date) -> None:
        self.lines = list(BudgetLine.objects.filter(application=award.application_id))
        budget = sum((line.amount for line in self.lines), Decimal(0))
        self.scale = award.amount / budget if budget else Decimal(0)
        self.starts_on, self.ends_on = starts_on, ends_on

    def _to_date(self, line: BudgetLine, day: date, *, final: bool) -> Decimal:
        span = (self.ends_on - self.starts_on).days
        done = Decimal(min(max((day - self.starts_on).days, 0), span)) / Decimal(span or 1)
        share = Decimal(1) if final else done * SPEND_PACE
        return (line.amount * self.scale * share).quantize(Decimal(1))

    def values(self, report: ProgressReport) -> list[SpendValue]:
        before = report.period_start - timedelta(days=1)
        values = []
        for line in self.lines:
            to_date = self._to_date(line, report.period_end, final=report.is_final)
            earlier = min(self._to_date(line, before, final=False), to_date)
            values.append(
                SpendValue(
                    budget_line_id=line.pk, spent_in_period=to_date - earlier, spent_to_date=to_date
                )
            )
        return values


def _milestones(report: ProgressReport, spec: ReportSpec) -> list[MilestoneValue]:
    """Say where each milestone stands: those planned by the end of the period are done
    (the last of them late, with ``spec.late``), and the later ones on track."""
    milestones = list(ProjectMilestone.objects.filter(award=report.award_id))
    passed = [m for m in milestones if m.planned_on and m.planned_on <= report.period_end]
    late = (passed[-1] if passed else milestones[0]) if spec.late and milestones else None
    values = []
    for milestone in milestones:
        if milestone == late:
            status, note = MilestoneStatus.LATE, spec.late
        elif milestone in passed:
            status, note = MilestoneStatus.DONE, ""
        else:
            status, note = MilestoneStatus.ON_TRACK, ""
        values.append(MilestoneValue(milestone_id=milestone.pk, status=status, note=note))
    return values


def _report_send(
    report: ProgressReport,
    spec: ReportSpec,
    reporting: Reporting,
    *,
    links: list[LinkValue],
    spend: _Spend,
    writer: User,
    now: datetime,
) -> None:
    """Write each section of the report as the lead's officer would, and submit it."""
    report_services.report_milestones_save(
        report=report, milestones=_milestones(report, spec), version=0, saved_by=writer, now=now
    )
    report_services.report_spend_save(
        report=report, spend=spend.values(report), version=0, saved_by=writer, now=now
    )
    report_services.report_status_save(
        report=report,
        overall_status=spec.status,
        reason=spec.reason,
        version=0,
        saved_by=writer,
        now=now,
    )
    report_services.report_risks_save(
        report=report,
        risks=[RiskValue(description=risk, mitigation=done) for risk, done in spec.risks],
        version=0,
        saved_by=writer,
        now=now,
    )
    report_services.report_links_save(
        report=report, links=links, version=0, saved_by=writer, now=now
    )
    if report.is_final and reporting.final is not None:
        final = reporting.final
        report_services.report_final_save(
            report=report,
            delivered=final.delivered,
            reuse=final.reuse,
            lessons=final.lessons,
            version=0,
            saved_by=writer,
            now=now,
        )
    report_services.report_submit(report=report, submitted_by=writer, now=now)


def _report_review(
    report: ProgressReport, spec: ReportSpec, *, manager: User, now: datetime
) -> None:
    if spec.review == ReportStatus.RETURNED:
        report_review.report_return(
            report=report, comment=spec.comment, returned_by=manager, now=now
        )
    else:
        report_review.report_accept(report=report, accepted_by=manager, now=now)


def reporting_lines(*, fund: Fund, now: datetime) -> list[str]:
    """Return the summary lines about the projects' reports and change requests: where each
    project stands, and who of its team to sign in as to see it."""
    reports = ProgressReport.objects.filter(award__application__round__fund=fund)
    states = Counter(reports.values_list("status", flat=True))
    overdue = sum(report_is_overdue(report, now) for report in reports)
    waiting = ChangeRequest.objects.filter(
        award__application__round__fund=fund, status=ChangeStatus.PENDING
    ).count()
    lines = [
        f"Progress reports: {reports.count()} ("
        + ", ".join(f"{states[s]} {ReportStatus(s).label.lower()}" for s in ReportStatus)
        + f"; {overdue} overdue); change requests waiting for a decision: {waiting}. Fund "
        "managers review them in the admin (Progress reports, Change requests, and Awards → "
        "Portfolio of live projects); a team sees its own from its account (Progress reports "
        "and payments; Changes to the project):"
    ]
    awards = (
        Award.objects.filter(application__round__fund=fund, reports__isnull=False)
        .select_related("application__round", "application__created_by")
        .distinct()
        .order_by("application__round__number", "title")
    )
    for award in awards:
        if award.status == AwardStatus.COMPLETED:
            lines.append(
                f"  {award.title}: completed by its final report; its public page shows what "
                "others can reuse and the lessons learned."
            )
            continue
        said = ", ".join(
            f"{report.name} {_state(report, now)}" for report in award.reports.order_by("due_at")
        )
        pending = award.change_requests.filter(status=ChangeStatus.PENDING).exists()
        writer = award.application.created_by
        lines.append(
            f"  {award.title}: {said}"
            + ("; a new end date asked for" if pending else "")
            + (f"; its team signs in as {writer.email}" if writer is not None else "")
            + "."
        )
    return lines


def _state(report: ProgressReport, now: datetime) -> str:
    if report_is_overdue(report, now):
        return "overdue"
    state = "waiting for review" if report.is_in_review else report.get_status_display().lower()
    if report.overall_status in (RagStatus.AMBER, RagStatus.RED):
        return f"{state} ({report.get_overall_status_display().split(':')[0].lower()})"
    return state
