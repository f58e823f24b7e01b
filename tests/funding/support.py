"""Helpers the Fund's tests share."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from funding.errors import RulesNotMet
from funding.models import Application, ChangeKind, ChangeRequest, ReportVersion
from funding.services import changes as change_services
from funding.services import reports as report_services
from funding.services.reporting import award_dates_set
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AwardFactory,
    BudgetLineFactory,
    CriterionFactory,
    RoundFactory,
    member_of,
)
from tests.funding.factories_reporting import (
    ProgressReportFactory,
    ProjectMilestoneFactory,
    answer_every_section,
)


def rules_of(error: RulesNotMet) -> set[str]:
    """Return the codes of the rules that ``error`` says were not met."""
    return {problem.rule for problem in error.problems}


def ready(**kwargs) -> Application:
    """A complete draft with one confirmed partner: everything the round asks."""
    application = ApplicationFactory.create(complete=True, **kwargs)
    ApplicationPartnerFactory(application=application, confirmed=True)
    return application


def signed_in(client, user):
    """Sign ``user`` in on ``client``, and return the client."""
    client.force_login(user)
    return client


def section_url(application, section):
    """Return the address of one section of a full application."""
    return reverse("funding:application-section", args=[application.reference, section])


def task_status(page: str, key: str) -> str:
    """Return the text of a task's status on the task list."""
    match = re.search(rf'id="task-{key}-status">(.*?)</div>', page, re.S)
    assert match, f"no task {key} on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


class Team:
    """An accepted project with a milestone and a budget line; its first report, and a
    final one; a member of the lead, of a partner, of neither, and an assessor."""

    def __init__(self) -> None:
        self.award = AwardFactory.create(accepted=True, title="Joined-up missed bins")
        application = self.award.application
        self.lead = member_of(application.lead_organisation, user__full_name="Lee Lead")
        partner = ApplicationPartnerFactory.create(
            application=application, confirmed=True
        ).organisation
        self.partner = member_of(partner)
        self.stranger = member_of(ApplicationPartnerFactory.create().organisation)
        self.assessor = UserFactory.create(staff=True, groups=["Assessor"])
        self.milestone = ProjectMilestoneFactory.create(award=self.award, title="Alpha assessed")
        self.line = application.budget_lines.get()
        self.report = ProgressReportFactory.create(award=self.award, number=1)
        self.final = ProgressReportFactory.create(
            award=self.award,
            final=True,
            period_start=timezone.localdate() + datetime.timedelta(days=60),
            period_end=timezone.localdate() + datetime.timedelta(days=90),
        )

    def url(self, name: str = "funding:project-report", *args: object, report=None) -> str:
        if name == "funding:project-reports":
            return reverse(name, args=[self.award.slug])
        return reverse(name, args=[self.award.slug, (report or self.report).key, *args])

    def section(self, section: str, report=None) -> str:
        return self.url("funding:project-report-section", section, report=report)


DAY = datetime.timedelta(days=1)


def assessor(**kwargs):
    """Return a new member of staff in the Assessor group."""
    return UserFactory(staff=True, groups=["Assessor"], **kwargs)


def round_with_criteria(**kwargs):
    """Return a closed round with two criteria: user need (weight 60) and reuse (40)."""
    round = RoundFactory(closed=True, **kwargs)
    CriterionFactory(round=round, name="User need", weight=60, scale_max=4)
    CriterionFactory(round=round, name="Reuse", weight=40, scale_max=4)
    return round


def submitted(round, **kwargs):
    """Return a new application submitted to ``round``."""
    return ApplicationFactory.create(round=round, submitted=True, **kwargs)


class Project:
    """An accepted project running from a month ago for six months, with its reports, two
    budget lines, a milestone, a member of the lead, of a partner and a fund manager."""

    def __init__(self) -> None:
        today = timezone.localdate()
        self.award = AwardFactory.create(accepted=True, title="Joined-up missed bins")
        application = self.award.application
        self.manager = UserFactory.create(staff=True, groups=["Fund manager"])
        award_dates_set(
            award=self.award,
            starts_on=today - 30 * DAY,
            ends_on=today + 180 * DAY,
            set_by=self.manager,
        )
        self.award.refresh_from_db()
        self.lead = member_of(application.lead_organisation)
        partner = ApplicationPartnerFactory.create(
            application=application, confirmed=True
        ).organisation
        self.partner = member_of(partner)
        self.line = application.budget_lines.get()
        self.other_line = BudgetLineFactory.create(
            application=application, description="User research", amount=Decimal(5000)
        )
        self.milestone = ProjectMilestoneFactory.create(award=self.award, title="Alpha assessed")

    def ask(self, kind: str = ChangeKind.END_DATE, **values: Any) -> ChangeRequest:
        return change_services.change_request_make(
            award=self.award,
            kind=kind,
            reason="A partner joined late.",
            requested_by=self.lead,
            **values,
        )

    @property
    def list_url(self) -> str:
        return reverse("funding:project-changes", args=[self.award.slug])

    def new_url(self, kind: str) -> str:
        return reverse("funding:project-change-new", args=[self.award.slug, kind])


class ReportProject:
    """An accepted award with a milestone and a budget line, a member of its lead, a member
    of its partner, and its first report, due in a fortnight."""

    def __init__(self, **report: object) -> None:
        self.award = AwardFactory.create(accepted=True)
        application = self.award.application
        self.lead = member_of(application.lead_organisation, user__full_name="Lee Lead")
        self.partner = member_of(
            ApplicationPartnerFactory.create(application=application, confirmed=True).organisation
        )
        self.milestone = ProjectMilestoneFactory.create(award=self.award, title="Alpha assessed")
        self.line = application.budget_lines.get()
        self.report = ProgressReportFactory.create(award=self.award, number=1, **report)


def submitted_version(project: ReportProject) -> ReportVersion:
    """Answer every section of the project's report, submit it, and return the version."""
    answer_every_section(project.report, project.lead)
    return report_services.report_submit(report=project.report, submitted_by=project.lead)
