"""Factories for what follows the award: milestones, progress reports in each state, their
versions; and helpers that accept an award's offer (which makes its reporting schedule) and
answer every section of a report, through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from funding.models import (
    BudgetLine,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    MilestoneStatus,
    ProgressReport,
    ProjectMilestone,
    ProjectOutputType,
    RagStatus,
    ReportStatus,
    ReportVersion,
    ReviewOutcome,
)
from funding.selectors.report_content import report_content
from funding.services import awards as award_services
from funding.services import reports as report_services
from funding.services.reporting import due_at
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import AwardFactory

DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    return timezone.localdate()


class ProjectMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMilestone

    award = factory.SubFactory(AwardFactory, accepted=True)
    title = factory.Sequence(lambda n: f"Prototype tested with residents ({n})")
    planned_on = factory.LazyFunction(lambda: _today() + 30 * DAY)
    position = factory.Sequence(lambda n: n)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A report of an accepted award whose period began a month ago and which is due in a
    fortnight, not yet submitted. Traits: ``final``, ``submitted``, ``returned``,
    ``resubmitted``, ``accepted`` (each with the matching times; the versions are
    ``ReportVersionFactory``'s)."""

    class Meta:
        model = ProgressReport

    award = factory.SubFactory(AwardFactory, accepted=True)
    number = factory.Sequence(lambda n: n + 1)
    is_final = False
    period_start = factory.LazyFunction(lambda: _today() - 30 * DAY)
    period_end = factory.LazyFunction(lambda: _today() + 14 * DAY)
    due_at = factory.LazyAttribute(lambda r: due_at(r.period_end))
    status = ReportStatus.DRAFT

    class Params:
        final = factory.Trait(is_final=True, number=None)
        submitted = factory.Trait(
            status=ReportStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        returned = factory.Trait(
            status=ReportStatus.RETURNED, submitted_at=factory.LazyFunction(timezone.now)
        )
        resubmitted = factory.Trait(
            status=ReportStatus.RESUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        accepted = factory.Trait(
            status=ReportStatus.ACCEPTED,
            submitted_at=factory.LazyFunction(timezone.now),
            accepted_at=factory.LazyFunction(timezone.now),
        )


class ReportVersionFactory(factory.django.DjangoModelFactory):
    """A version of a submitted report; ``returned`` gives the fund manager's comment."""

    class Meta:
        model = ReportVersion

    report = factory.SubFactory(ProgressReportFactory, submitted=True)
    number = factory.Sequence(lambda n: n + 1)
    content = factory.LazyAttribute(lambda v: report_content(report=v.report))
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        returned = factory.Trait(
            outcome=ReviewOutcome.RETURNED,
            comment="Say which councils have tried the prototype.",
            reviewed_at=factory.LazyFunction(timezone.now),
        )


def offer_accepted(award, *, now: datetime.datetime):
    """An admin of the lead organisation accepts ``award``'s offer at ``now``."""
    lead = award.application.lead_organisation
    admin = MembershipFactory.create(organisation=lead, admin=True).user
    return award_services.award_offer_accept(award=award, accepted_by=admin, now=now)


def answer_every_section(report: ProgressReport, user, *, spent: Decimal = Decimal(1000)):
    """Answer every section of ``report`` as ``user`` (a member of the lead), through the
    services: each milestone on track, ``spent`` on each budget line in the period and to
    date, green, one risk and one link, and the final report's questions."""
    award = report.award
    report_services.report_milestones_save(
        report=report,
        milestones=[
            report_services.MilestoneValue(m.pk, MilestoneStatus.ON_TRACK, "")
            for m in ProjectMilestone.objects.filter(award=award)
        ],
        version=0,
        saved_by=user,
    )
    report_services.report_spend_save(
        report=report,
        spend=[
            report_services.SpendValue(line.pk, spent, spent)
            for line in BudgetLine.objects.filter(application=award.application)
        ],
        version=0,
        saved_by=user,
    )
    report_services.report_status_save(
        report=report, overall_status=RagStatus.GREEN, reason="", version=0, saved_by=user
    )
    report_services.report_risks_save(
        report=report,
        risks=[
            report_services.RiskValue(
                "The contact centre's supplier may not open its API.",
                "We meet the supplier every fortnight.",
            )
        ],
        version=0,
        saved_by=user,
    )
    report_services.report_links_save(
        report=report,
        links=[
            report_services.LinkValue(
                "Missed bins prototype",
                f"https://github.com/example-council/missed-bins-{report.pk}",
                ProjectOutputType.CODE,
            )
        ],
        version=0,
        saved_by=user,
    )
    if report.is_final:
        report_services.report_final_save(
            report=report,
            delivered="A service residents use to report a missed bin.",
            reuse="The code is open; any council with in-cab devices can run it.",
            lessons="Test with crews in the first week.",
            version=0,
            saved_by=user,
        )
    report.refresh_from_db()
    return report


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to end an accepted project a month later than planned."""

    class Meta:
        model = ChangeRequest

    award = factory.SubFactory(
        AwardFactory,
        accepted=True,
        planned_start_on=factory.LazyFunction(lambda: _today() - 30 * DAY),
        planned_end_on=factory.LazyFunction(lambda: _today() + 180 * DAY),
    )
    kind = ChangeKind.END_DATE
    reason = "A partner council joined late."
    new_end_on = factory.LazyFunction(lambda: _today() + 210 * DAY)
    status = ChangeStatus.PENDING
