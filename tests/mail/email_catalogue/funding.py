"""The Fund's emails: expressions of interest, partners, applications, reminders, decisions,
awards and reports."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

from tests.mail.email_catalogue import (
    last_email_to,
    scenario,
    staff_in,
    the_time,
)


@scenario
def eoi_submitted() -> None:
    """The copy to the submitter, and the note to each partner organisation's admins."""
    from funding.services.eois import eoi_submit
    from tests.declaration.factories import MembershipFactory
    from tests.funding.factories import EoiFactory, SignatoryFactory

    partner = SignatoryFactory.create()
    MembershipFactory.create(organisation=partner, admin=True)
    eoi = EoiFactory.create(partners=[partner])
    eoi_submit(eoi=eoi, submitted_by=eoi.created_by)


@scenario
def eoi_invited() -> None:
    from funding.services.clustering import eoi_invite
    from tests.funding.factories import EoiFactory, RoundFactory

    round = RoundFactory.create(eoi_then_applications_open=True)
    eoi = EoiFactory.create(round=round, submitted=True)
    eoi_invite(eoi=eoi, invited_by=staff_in("Fund manager"))


@scenario
def eoi_declined() -> None:
    from funding.services.clustering import eoi_decline
    from tests.funding.factories import EoiFactory

    eoi_decline(
        eoi=EoiFactory.create(submitted=True),
        feedback="Others are solving this problem already; talk to them.",
        declined_by=staff_in("Fund manager"),
    )


@scenario
def cluster_introduction() -> None:
    from funding.services.clustering import cluster_message_send
    from tests.funding.factories import EoiClusterFactory, EoiFactory

    cluster = EoiClusterFactory.create()
    EoiFactory.create_batch(2, round=cluster.round, cluster=cluster, submitted=True)
    cluster_message_send(
        cluster=cluster,
        subject="Three councils with the same idea",
        body="You each want to fix missed bin reports: talk to each other.",
        sent_by=staff_in("Fund manager"),
    )


@scenario
def partner_asked_and_confirmed() -> None:
    from funding.services.applications_partners import (
        application_partner_add,
        application_partner_confirm,
    )
    from tests.funding.factories import ApplicationFactory, SignatoryFactory

    application = ApplicationFactory.create()
    partner = application_partner_add(
        application=application,
        organisation=SignatoryFactory.create(),
        contact_name="Sam Patel",
        contact_email="sam.patel@partner.gov.uk",
        added_by=application.created_by,
    )
    request = last_email_to(partner.contact_email)
    link = next(word for word in request.body_text.split() if "token=" in word)
    application_partner_confirm(token=parse_qs(urlsplit(link).query)["token"][0])


@scenario
def application_submitted() -> None:
    from funding.services.applications_submission import application_submit
    from tests.funding.factories import ApplicationFactory, ApplicationPartnerFactory

    application = ApplicationFactory.create(complete=True)
    ApplicationPartnerFactory.create(application=application, confirmed=True)
    application_submit(application=application, submitted_by=application.created_by)


@scenario
def deadline_reminder() -> None:
    from funding.services.reminders import APPLICATION, deadline_reminder_send
    from tests.funding.factories import ApplicationFactory, RoundFactory

    now = the_time()
    round = RoundFactory.create(
        applications_close_at=now + datetime.timedelta(days=7, minutes=-5),
        reminder_offsets_days=[7],
    )
    application = ApplicationFactory.create(round=round)
    deadline_reminder_send(kind=APPLICATION, bid_id=application.pk, offset_days=7, now=now)


@scenario
def assessors_assigned() -> None:
    from django.utils import timezone

    from funding.services.assessment import assessors_assign
    from tests.funding.factories import ApplicationFactory

    assessors_assign(
        applications=[ApplicationFactory.create(submitted=True)],
        assessors=[staff_in("Assessor")],
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        assigned_by=staff_in("Fund manager"),
    )


@scenario
def assessment_conflict() -> None:
    from funding.services.assessment_scoring import assessment_conflict_declare
    from tests.funding.factories import AssessmentFactory

    assessment = AssessmentFactory.create(
        assessor=staff_in("Assessor"), assigned_by=staff_in("Fund manager")
    )
    assessment_conflict_declare(
        assessment=assessment,
        has_conflict=True,
        note="I advised the lead council on this bid.",
        declared_by=assessment.assessor,
    )


@scenario
def assessment_due_soon() -> None:
    from django.utils import timezone

    from funding.services.assessment_reminders import assessment_reminder_send
    from tests.funding.factories import AssessmentFactory

    assessment = AssessmentFactory.create(
        assessor=staff_in("Assessor"), due_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    assessment_reminder_send(assessment_id=assessment.pk, now=the_time())


@scenario
def assessment_overdue() -> None:
    from django.utils import timezone

    from funding.services.assessment_reminders import assessment_reminder_send
    from tests.funding.factories import AssessmentFactory

    assessment = AssessmentFactory.create(
        assessor=staff_in("Assessor"),
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        assigned_by=staff_in("Fund manager"),
    )
    assessment_reminder_send(assessment_id=assessment.pk, now=the_time())


@scenario
def decisions_announced() -> None:
    from funding.services.decisions import round_decisions_announce
    from tests.funding.factories import DecisionFactory, RoundFactory

    now = the_time()
    round = RoundFactory.create(
        closed=True,
        decisions_announced_at=now - datetime.timedelta(hours=1),
        decisions_approved_at=now - datetime.timedelta(days=1),
    )
    DecisionFactory.create(application__round=round)
    DecisionFactory.create(application__round=round, rejected=True)
    round_decisions_announce(round_id=round.pk, now=now)


@scenario
def announcement_held() -> None:
    from funding.services.decisions import round_decisions_announce
    from tests.funding.factories import RoundFactory

    now = the_time()
    staff_in("Fund manager")
    round = RoundFactory.create(
        closed=True, decisions_announced_at=now - datetime.timedelta(hours=1)
    )
    round_decisions_announce(round_id=round.pk, now=now)


@scenario
def grant_offer_answered() -> None:
    from funding.services.awards import award_offer_accept
    from tests.declaration.factories import MembershipFactory
    from tests.funding.factories import AwardFactory, DecisionFactory

    award = AwardFactory.create()
    DecisionFactory.create(application=award.application, decided_by=staff_in("Fund manager"))
    admin = MembershipFactory.create(organisation=award.application.lead_organisation, admin=True)
    award_offer_accept(award=award, accepted_by=admin.user)


def _report_in_review():
    """Return a project's first report, answered and submitted by a member of its lead."""
    from funding.services.reports import report_submit
    from tests.funding.factories import AwardFactory, InstalmentFactory
    from tests.funding.factories_reporting import ProgressReportFactory, answer_every_section

    award = AwardFactory.create(accepted=True)
    report = ProgressReportFactory.create(award=award, number=1)
    InstalmentFactory.create(award=award, report=report)
    writer = award.application.created_by
    answer_every_section(report, writer)
    report_submit(report=report, submitted_by=writer)
    return report


@scenario
def progress_report_returned() -> None:
    from funding.services.report_review import report_return

    report_return(
        report=_report_in_review(),
        comment="Name the councils that tested the prototype.",
        returned_by=staff_in("Fund manager"),
    )


@scenario
def progress_report_accepted() -> None:
    from funding.services.report_review import report_accept

    report_accept(report=_report_in_review(), accepted_by=staff_in("Fund manager"))


@scenario
def progress_report_reminders() -> None:
    """The reminder 3 days before a report is due, and the day after, to the team and the
    fund managers."""
    from funding.models import ReportReminderKind
    from funding.services.report_reminders import report_reminder_send
    from funding.services.reporting import due_at
    from tests.funding.factories_reporting import ProgressReportFactory

    staff_in("Fund manager")
    today = the_time().date()
    soon = ProgressReportFactory.create(due_at=due_at(today + datetime.timedelta(days=3)))
    late = ProgressReportFactory.create(due_at=due_at(today - datetime.timedelta(days=1)))
    morning = the_time().replace(hour=10, minute=0)
    report_reminder_send(report_id=soon.pk, kind=ReportReminderKind.DUE_IN_3_DAYS, now=morning)
    report_reminder_send(report_id=late.pk, kind=ReportReminderKind.OVERDUE, now=morning)
