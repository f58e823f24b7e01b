"""Every kind of email the service sends, each made by the service that sends it.

``tests/mail/test_email_links.py`` runs this module as a program (``python -m
tests.mail.email_catalogue``) in a process configured as ``make run`` configures its web
server, Celery worker and beat, so that each email is rendered as that process renders it.
Each scenario sets up what its email needs with the test factories and calls the service,
all in one transaction that is rolled back at the end: nothing is left in the database, and
no task is queued (tasks are queued only once a transaction commits).

The program prints, as JSON, each email as the provider would be handed it (its whole MIME
message: headers, text and HTML) and the templates each scenario rendered, so that the test
can check that every email template of the service is covered.

A new kind of email needs a scenario here: the test fails on an email template that no
scenario renders.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The links on external sites that emails may hold, because the scenarios put them there.
FEEDBACK_SURVEY_URL = "https://surveys.example.org/local-digital/feedback"
EXTERNAL_LINKS = frozenset({FEEDBACK_SURVEY_URL})

Scenario = Callable[[], None]
SCENARIOS: list[Scenario] = []


def scenario(function: Scenario) -> Scenario:
    SCENARIOS.append(function)
    return function


def _now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def _staff(*groups: str):
    """Return a member of staff in ``groups``, with no password: hashing one takes a second
    with the settings of ``make run``, and no scenario signs in."""
    from tests.accounts.factories import UserFactory

    return UserFactory.create(is_staff=True, groups=list(groups))


def _last_email_to(address: str):
    from localdigital.mail.models import OutgoingEmail

    return OutgoingEmail.objects.filter(recipient=address).order_by("-pk").first()


# --- Accounts ---


@scenario
def sign_in_link() -> None:
    from localdigital.accounts.services import sign_in_link_send

    sign_in_link_send(email="officer@borsetshire.gov.uk", next_url="/funding/")


@scenario
def staff_sign_in() -> None:
    from localdigital.accounts.services import sign_in_link_send

    sign_in_link_send(email=_staff().email)


# --- Declaration: joining, signing, moderation, members and reminders ---


@scenario
def join_request_to_organisation_admins() -> None:
    from declaration.services.joining import organisation_join_request
    from tests.accounts.factories import UserFactory
    from tests.declaration.factories import MembershipFactory

    admin = MembershipFactory.create(admin=True)
    organisation_join_request(
        organisation=admin.organisation, user=UserFactory.create(email="someone@example.org")
    )


@scenario
def join_request_to_staff() -> None:
    from declaration.services.joining import organisation_join_request
    from tests.accounts.factories import UserFactory
    from tests.declaration.factories import OrganisationFactory

    organisation_join_request(
        organisation=OrganisationFactory.create(), user=UserFactory.create(unverified=True)
    )


@scenario
def signing_submitted() -> None:
    from declaration.services.signing import signing_submit
    from tests.declaration.factories import SigningFactory

    signing = SigningFactory.create(draft=True)
    signing_submit(signing=signing, submitted_by=signing.signer)


@scenario
def signing_withdrawn_before_checks() -> None:
    from declaration.services.signing_withdrawal import signing_withdraw_pending
    from tests.declaration.factories import SigningFactory

    signing = SigningFactory.create(submitted=True)
    signing_withdraw_pending(signing=signing, withdrawn_by=signing.signer, reason="A mistake.")


@scenario
def signing_published() -> None:
    from declaration.services.moderation import signing_publish
    from tests.declaration.factories import SigningFactory

    signing_publish(signing=SigningFactory.create(submitted=True), published_by=_staff())


@scenario
def signing_rejected() -> None:
    from declaration.services.moderation import signing_reject
    from tests.declaration.factories import SigningFactory

    signing_reject(
        signing=SigningFactory.create(submitted=True),
        rejected_by=_staff(),
        reason="We could not confirm that you work for this organisation.",
    )


@scenario
def signing_unpublished() -> None:
    from declaration.services.moderation_withdrawal import signing_unpublish
    from tests.declaration.factories import MembershipFactory, SigningFactory

    signing = SigningFactory.create()
    MembershipFactory.create(organisation=signing.organisation, admin=True)
    signing_unpublish(signing=signing, unpublished_by=_staff(), reason="It asked us to.")


@scenario
def signatory_withdrawn() -> None:
    from declaration.services.moderation_withdrawal import signing_withdraw_published
    from tests.declaration.factories import MembershipFactory, SigningFactory

    signing = SigningFactory.create()
    admin = MembershipFactory.create(organisation=signing.organisation, admin=True)
    signing_withdraw_published(signing=signing, withdrawn_by=admin.user, reason="Reorganising.")


@scenario
def membership_approved() -> None:
    from declaration.services.memberships import membership_approve
    from tests.declaration.factories import MembershipFactory

    membership_approve(membership=MembershipFactory.create(pending=True), approved_by=None)


@scenario
def membership_refused() -> None:
    from declaration.services.memberships import membership_refuse
    from tests.declaration.factories import MembershipFactory

    membership_refuse(membership=MembershipFactory.create(pending=True), refused_by=None)


@scenario
def membership_removed() -> None:
    from declaration.services.memberships import membership_remove
    from tests.declaration.factories import MembershipFactory

    membership_remove(membership=MembershipFactory.create(), removed_by=None)


@scenario
def organisation_admin_handed_over() -> None:
    from declaration.services.memberships import membership_admin_hand_over
    from tests.declaration.factories import MembershipFactory

    giver = MembershipFactory.create(admin=True)
    taker = MembershipFactory.create(organisation=giver.organisation)
    membership_admin_hand_over(
        organisation=giver.organisation,
        from_membership=giver,
        to_membership=taker,
        handed_over_by=None,
    )


@scenario
def anniversary_reminder() -> None:
    from django.utils import timezone

    from declaration.services.reminders import (
        anniversary_latest,
        anniversary_reminder_send,
        signing_anniversary_start,
    )
    from tests.declaration.factories import MembershipFactory, SigningFactory

    now = _now()
    published_at = now - datetime.timedelta(days=365)
    signing = SigningFactory.create(
        published_at=published_at, signed_on=timezone.localdate(published_at)
    )
    MembershipFactory.create(organisation=signing.organisation, admin=True)
    start = signing_anniversary_start(published_at=published_at, signed_on=signing.signed_on)
    assert start is not None
    due = anniversary_latest(start=start, today=timezone.localdate(now))
    assert due is not None
    anniversary_reminder_send(signing_id=signing.pk, anniversary=due.on, now=now)


# --- The newsletter ---


NEWSLETTER_BODY = (
    "## Round 5 of the Local Digital Fund is open\n\n"
    "Read [the round's rules](/funding/) and [who has signed](/signatories/)."
)


@scenario
def newsletter_confirmation() -> None:
    from newsletter.services import subscriber_subscribe

    subscriber_subscribe(email="reader@borsetshire.gov.uk", organisation=None)


@scenario
def newsletter_issue() -> None:
    from newsletter.services import newsletter_issue_fan_out
    from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory

    SubscriberFactory.create()
    issue = NewsletterIssueFactory.create(
        sending=True, body=NEWSLETTER_BODY, created_by=_staff("Communications")
    )
    newsletter_issue_fan_out(issue_id=issue.pk, after=0)


@scenario
def newsletter_test_to_a_group() -> None:
    """One of the group subscribes (their own links), one does not (the public pages')."""
    from newsletter.services import newsletter_issue_test_send
    from tests.newsletter.factories import (
        NewsletterIssueFactory,
        NewsletterTestGroupFactory,
        SubscriberFactory,
    )

    subscriber = SubscriberFactory.create()
    group = NewsletterTestGroupFactory.create(
        recipients=[subscriber.email, "press.office@communities.gov.uk"]
    )
    issue = NewsletterIssueFactory.create(body=NEWSLETTER_BODY, created_by=_staff("Communications"))
    newsletter_issue_test_send(
        issue_id=issue.pk, sent_by=_staff("Communications"), group_id=group.pk
    )


@scenario
def newsletter_manage_link() -> None:
    from newsletter.services import subscriber_manage_link_send
    from tests.newsletter.factories import SubscriberFactory

    subscriber_manage_link_send(email=SubscriberFactory.create(unsubscribed=True).email)


# --- The Fund ---


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
    eoi_invite(eoi=eoi, invited_by=_staff("Fund manager"))


@scenario
def eoi_declined() -> None:
    from funding.services.clustering import eoi_decline
    from tests.funding.factories import EoiFactory

    eoi_decline(
        eoi=EoiFactory.create(submitted=True),
        feedback="Others are solving this problem already; talk to them.",
        declined_by=_staff("Fund manager"),
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
        sent_by=_staff("Fund manager"),
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
    request = _last_email_to(partner.contact_email)
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

    now = _now()
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
        assessors=[_staff("Assessor")],
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        assigned_by=_staff("Fund manager"),
    )


@scenario
def assessment_conflict() -> None:
    from funding.services.assessment_scoring import assessment_conflict_declare
    from tests.funding.factories import AssessmentFactory

    assessment = AssessmentFactory.create(
        assessor=_staff("Assessor"), assigned_by=_staff("Fund manager")
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
        assessor=_staff("Assessor"), due_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    assessment_reminder_send(assessment_id=assessment.pk, now=_now())


@scenario
def assessment_overdue() -> None:
    from django.utils import timezone

    from funding.services.assessment_reminders import assessment_reminder_send
    from tests.funding.factories import AssessmentFactory

    assessment = AssessmentFactory.create(
        assessor=_staff("Assessor"),
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        assigned_by=_staff("Fund manager"),
    )
    assessment_reminder_send(assessment_id=assessment.pk, now=_now())


@scenario
def decisions_announced() -> None:
    from funding.services.decisions import round_decisions_announce
    from tests.funding.factories import DecisionFactory, RoundFactory

    now = _now()
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

    now = _now()
    _staff("Fund manager")
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
    DecisionFactory.create(application=award.application, decided_by=_staff("Fund manager"))
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
        returned_by=_staff("Fund manager"),
    )


@scenario
def progress_report_accepted() -> None:
    from funding.services.report_review import report_accept

    report_accept(report=_report_in_review(), accepted_by=_staff("Fund manager"))


@scenario
def progress_report_reminders() -> None:
    """The reminder 3 days before a report is due, and the day after, to the team and the
    fund managers."""
    from funding.models import ReportReminderKind
    from funding.services.report_reminders import report_reminder_send
    from funding.services.reporting import due_at
    from tests.funding.factories_reporting import ProgressReportFactory

    _staff("Fund manager")
    today = _now().date()
    soon = ProgressReportFactory.create(due_at=due_at(today + datetime.timedelta(days=3)))
    late = ProgressReportFactory.create(due_at=due_at(today - datetime.timedelta(days=1)))
    morning = _now().replace(hour=10, minute=0)
    report_reminder_send(report_id=soon.pk, kind=ReportReminderKind.DUE_IN_3_DAYS, now=morning)
    report_reminder_send(report_id=late.pk, kind=ReportReminderKind.OVERDUE, now=morning)


# --- Training ---


def _training_administrator():
    return _staff("Training administrator")


def _enrols(cohort) -> None:
    """A member of a signatory enrols on ``cohort`` themselves."""
    from tests.training.factories import signatory_member
    from training.services.enrolments import enrolment_create

    person = signatory_member()
    enrolment_create(
        cohort=cohort,
        user=person,
        organisation=person.memberships.get().organisation,
        job_title="Service designer",
        line_manager_email="manager@borsetshire.gov.uk",
        consent=True,
    )


@scenario
def training_place_confirmed() -> None:
    from tests.training.factories import CohortFactory

    _enrols(CohortFactory.create())


@scenario
def training_waiting_list() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory

    cohort = CohortFactory.create(capacity=1)
    EnrolmentFactory.create(cohort=cohort)
    _enrols(cohort)


@scenario
def training_offer_made() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory
    from training.services.offers import cohort_places_offer

    cohort = CohortFactory.create(capacity=1)
    EnrolmentFactory.create(cohort=cohort, waiting=True, waiting_position=1)
    cohort_places_offer(cohort_id=cohort.pk)


@scenario
def training_offer_declined() -> None:
    from tests.training.factories import OfferFactory
    from training.services.offers import offer_decline

    offer = OfferFactory.create()
    offer_decline(offer=offer, declined_by=offer.enrolment.user)


@scenario
def training_offer_lapsed() -> None:
    from tests.training.factories import OfferFactory
    from training.services.offers import offer_expire

    now = _now()
    offer = OfferFactory.create(
        offered_at=now - datetime.timedelta(hours=49), expires_at=now - datetime.timedelta(hours=1)
    )
    offer_expire(offer_id=offer.pk, now=now)


@scenario
def training_place_cancelled() -> None:
    from tests.training.factories import EnrolmentFactory
    from training.services.enrolment_changes import enrolment_cancel

    enrolment = EnrolmentFactory.create()
    enrolment_cancel(enrolment=enrolment, cancelled_by=enrolment.user)


@scenario
def training_cohort_cancelled() -> None:
    from tests.training.factories import EnrolmentFactory
    from training.services.cohorts import cohort_cancel

    enrolment = EnrolmentFactory.create()
    cohort_cancel(
        cohort=enrolment.cohort,
        reason="The trainer is ill.",
        cancelled_by=_training_administrator(),
    )


@scenario
def training_session_changed() -> None:
    from tests.training.factories import EnrolmentFactory
    from training.services.cohorts import cohort_session_change

    enrolment = EnrolmentFactory.create()
    session = enrolment.cohort.sessions.order_by("starts_at").first()
    cohort_session_change(
        session=session,
        starts_at=session.starts_at + datetime.timedelta(hours=1),
        ends_at=session.ends_at + datetime.timedelta(hours=1),
        location="Committee Room 3, Borchester Town Hall",
        is_online=False,
        changed_by=_training_administrator(),
    )


@scenario
def training_reminders_before_the_course() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory
    from training.models import ReminderKind
    from training.services.reminders import cohort_reminder_send

    now = _now()
    first = now + datetime.timedelta(days=7, minutes=-5)
    cohort = CohortFactory.create(
        enrolment_closes_at=now + datetime.timedelta(days=1),
        sessions=[first, first + datetime.timedelta(days=1)],
    )
    EnrolmentFactory.create(cohort=cohort)
    for kind in (ReminderKind.SEVEN_DAYS, ReminderKind.JOINING_INSTRUCTIONS):
        cohort_reminder_send(cohort_id=cohort.pk, kind=kind, now=now)


@scenario
def training_feedback() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory
    from training.models import ReminderKind
    from training.services.reminders import cohort_reminder_send

    now = _now()
    cohort = CohortFactory.create(
        past=True,
        feedback_survey_url=FEEDBACK_SURVEY_URL,
        sessions=[now - datetime.timedelta(hours=10)],
    )
    EnrolmentFactory.create(cohort=cohort, completed=True)
    cohort_reminder_send(cohort_id=cohort.pk, kind=ReminderKind.FEEDBACK, now=now)


# --- Running them ---


def _record_templates(rendered: list[str]) -> None:
    """Record the name of every template rendered, includes too, as Django's test client
    does: its test environment sends a signal for each."""
    from django.test.signals import template_rendered
    from django.test.utils import setup_test_environment

    setup_test_environment()

    def record(sender: object, template: Any, **kwargs: object) -> None:
        rendered.append(str(template.name))

    template_rendered.connect(record, weak=False)


def render_every_email() -> list[dict[str, object]]:
    """Run every scenario in one transaction, rolled back; return each one's emails."""
    from django.db import transaction

    from localdigital.mail.delivery import email_message_build
    from localdigital.mail.models import OutgoingEmail

    rendered: list[str] = []
    _record_templates(rendered)
    results: list[dict[str, object]] = []
    with transaction.atomic():
        for run in SCENARIOS:
            rendered.clear()
            before = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
            run()
            emails = OutgoingEmail.objects.filter(pk__gt=before or 0).order_by("pk")
            results.append(
                {
                    "scenario": run.__name__,
                    "templates": sorted(set(rendered)),
                    "emails": [
                        {
                            "subject": email.subject,
                            "message": email_message_build(email=email).message().as_string(),
                        }
                        for email in emails
                    ],
                }
            )
        transaction.set_rollback(True)
    return results


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localdigital.settings.local")
    import django

    django.setup()
    from django.conf import settings

    json.dump(
        {"site_url": settings.SITE_URL, "scenarios": render_every_email()},
        sys.stdout,
    )


# A link in the text of an email: up to whitespace or a closing bracket or quote.
LINK = re.compile(r"https?://[^\s<>\"')\]]+")


if __name__ == "__main__":
    main()
