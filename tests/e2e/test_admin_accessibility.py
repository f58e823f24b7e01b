"""The whole admin, checked with axe (WCAG 2.2 A and AA) in a real browser.

MHCLG staff and external assessors use the admin all day. A superuser signs in from the
admin's own sign-in address with a password and a code, then visits, in one test, the
admin's home page and every registered model's list, add page and the page of one of its
objects; in the other, the custom pages: the pages that ask for an action's input, a
round's ranking, moderation and decisions, an assessor's declaration and scores, a cohort's
places, sessions, register, enrolment and report, a newsletter issue's preview and sending,
the signatories import, the backup codes, a history page, and forms sent back with errors;
for the Fund's progress reports, the review page (by the admin's own change page), the
comment asked when one is returned, the planned dates of a project and the payment page.
The data is like the demo's, so that filters, inlines and dates with times all show. Every
page must have no violation. (Setting up an authenticator app is checked by
test_staff_sign_in.)
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from funding.models import ClusterMessage, DeadlineReminder, EoiCluster, Phase
from funding.services.report_review import report_return
from funding.services.reports import report_submit
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    DeclarationVersionFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectUpdateFactory,
    SigningFactory,
)
from tests.e2e.browser import REFLOW_WIDTH, CheckedPage
from tests.e2e.journeys import click, signs_in_to_the_admin
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AssessmentFactory,
    AwardFactory,
    CriterionFactory,
    EoiFactory,
    InstalmentFactory,
    ProgressUpdateFactory,
    RoundFactory,
    RoundQuestionFactory,
    SignatoryFactory,
)
from tests.funding.factories_reporting import (
    ChangeRequestFactory,
    ProgressReportFactory,
    ProjectMilestoneFactory,
    answer_every_section,
)
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory
from tests.newsletter.factories import (
    NewsletterIssueFactory,
    NewsletterTestGroupFactory,
    SubscriberFactory,
)
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUPERUSER = "admin.officer@communities.gov.uk"


class Demo:
    """The objects whose pages the test opens; each model's first object (by key) is the
    one whose page shows the most: a round with an EOI stage, criteria and questions, a
    draft cohort whose sessions are edited in place, and so on."""

    def __init__(self, superuser: User) -> None:
        DeclarationVersionFactory.create(number=1)
        borsetshire = SignatoryFactory.create(
            name="Borsetshire County Council", slug="borsetshire", region="South West"
        )
        borchester = SignatoryFactory.create(name="Borchester City Council", slug="borchester")
        OrganisationFactory.create(name="Felpersham Council", slug="felpersham", region="")
        MembershipFactory.create(organisation=borsetshire, admin=True)
        MembershipFactory.create(organisation=borchester, pending=True)
        self.pending_signing = SigningFactory.create(
            submitted=True, unlisted=True, domain_mismatch=True, possible_duplicate=True
        )
        ProjectUpdateFactory.create(signing=borsetshire.signings.get())
        self.issue = NewsletterIssueFactory.create(subject="Round 5 is open")
        # Asked for by another member of staff: the superuser is offered Approve and Return.
        self.issue_to_approve = NewsletterIssueFactory.create(
            subject="Round 5 closes soon", awaiting_approval=True
        )
        SubscriberFactory.create()
        NewsletterTestGroupFactory.create(name="Comms team")

        # The Fund: a round with an EOI stage, its criteria and published questions.
        self.round = RoundFactory.create(
            name="Round 5",
            slug="round-5",
            number=5,
            eoi_closed=True,
            phases={Phase.DISCOVERY: 80000, Phase.ALPHA: 350000, Phase.BETA: None},
        )
        for position, name in enumerate(["User need", "Reuse and openness"]):
            CriterionFactory.create(round=self.round, name=name, weight=50, position=position)
        RoundQuestionFactory.create(round=self.round)
        self.eoi = eoi = EoiFactory.create(
            round=self.round,
            lead_organisation=borsetshire,
            submitted=True,
            title="Reporting a missed bin collection online",
            problem="Residents phone us when their bin collection is missed.",
        )
        EoiFactory.create(
            round=self.round,
            lead_organisation=borchester,
            submitted=True,
            title="Missed bin collections, reported once",
            problem="Crews cannot see reports of missed bin collections.",
        )
        EoiFactory.create(
            round=self.round,
            lead_organisation=SignatoryFactory.create(
                name="Ambridge Parish Council", slug="ambridge"
            ),
            submitted=True,
            title="Potholes mapped by residents",
            problem="Highways teams find out about potholes weeks late.",
        )
        self.cluster = cluster = EoiCluster.objects.create(round=self.round, name="Missed bins")
        eoi.cluster = cluster
        eoi.save(update_fields=["cluster"])
        ClusterMessage.objects.create(
            cluster=cluster,
            subject="Meet the other councils",
            body="Three councils have the same problem.",
            sent_by=superuser,
            recipient_count=1,
        )
        DeadlineReminder.objects.create(eoi=eoi, offset_days=7, recipient=eoi.created_by)

        # A round closed for assessment: an application with two assessments in, one of
        # them the superuser's own.
        closed = RoundFactory.create(name="Round 4", slug="round-4", number=4, closed=True)
        criterion = CriterionFactory.create(round=closed, name="Impact", weight=100)
        self.application = ApplicationFactory.create(
            submitted=True, round=closed, lead_organisation=borsetshire
        )
        ApplicationPartnerFactory.create(
            application=self.application, organisation=borchester, confirmed=True
        )
        AssessmentFactory.create(
            application=self.application, submitted=True, scores={criterion: 3}
        )
        self.assessment = AssessmentFactory.create(
            application=self.application, assessor=superuser, scoring=True
        )

        # A funded project with its milestones, payment schedule and progress; its first
        # report submitted, returned with a comment and submitted again, with an instalment
        # tied to it.
        self.award = award = AwardFactory.create(
            accepted=True, application__lead_organisation=borchester
        )
        self.instalment = InstalmentFactory.create(
            award=award, amount=Decimal(30000), due_on=timezone.localdate()
        )
        ProgressUpdateFactory.create(award=award)
        ProjectMilestoneFactory.create(award=award, title="Alpha assessed")
        self.report = report = ProgressReportFactory.create(award=award, number=1)
        InstalmentFactory.create(award=award, report=report, amount=Decimal(20000))
        writer = award.application.created_by
        answer_every_section(report, writer)
        report_submit(report=report, submitted_by=writer)
        report_return(report=report, comment="Name the councils.", returned_by=superuser)
        report_submit(report=report, submitted_by=writer)
        ChangeRequestFactory.create(award=award)

        # Training: a draft cohort first (its sessions are edited on its page), then an
        # open one with people on it, and one that has run.
        course = CourseFactory.create(title="Digital leadership for senior managers")
        CohortFactory.create(course=course, draft=True)
        self.cohort = CohortFactory.create(course=course, name="Spring", reserved=True)
        self.enrolment = EnrolmentFactory.create(cohort=self.cohort, organisation=borsetshire)
        EnrolmentFactory.create(
            cohort=self.cohort, organisation=borchester, waiting=True, waiting_position=1
        )
        past = CohortFactory.create(course=course, name="Last winter", past=True)
        AttendanceFactory.create(enrolment=EnrolmentFactory.create(cohort=past, completed=True))
        self.session = self.cohort.sessions.order_by("starts_at").first()
        self.past_session = past.sessions.order_by("starts_at").first()

        OutgoingEmailFactory.create(sent=True)
        SuppressionFactory.create()
        audit_record(actor=superuser, verb="declaration.signing.published", target=borsetshire)
        StaticDevice.objects.create(user=superuser, name="backup")


def action_page(ui: CheckedPage, changelist: str, row: str, action: str, title: str) -> None:
    """Choose ``action`` for the row showing ``row``, and check the page that asks for its
    input (titled ``title``)."""
    ui.goto(changelist)
    ui.page.locator("#result_list tbody tr", has_text=row).first.get_by_role("checkbox").check()
    ui.page.locator("select[name=action]").select_option(action)
    click(ui, "button", "Go")
    assert ui.page.get_by_role("heading", name=title, exact=True).is_visible(), title


@pytest.fixture
def superuser() -> User:
    return UserFactory.create(email=SUPERUSER, staff=True, is_superuser=True, full_name="Ade Admin")


@pytest.fixture
def demo(superuser: User) -> Demo:
    return Demo(superuser)


@pytest.fixture
def admin_ui(staff_ui: CheckedPage, superuser: User, demo: Demo) -> CheckedPage:
    """The superuser, signed in from the admin's own sign-in address with a password and a
    code (the staff sign-in pages are checked on the way)."""
    device = TOTPDevice.objects.create(user=superuser, name="default", confirmed=True)
    staff_ui.goto("/admin/login/")
    assert staff_ui.path().startswith("/staff/sign-in/")
    signs_in_to_the_admin(staff_ui, SUPERUSER, device)
    return staff_ui


PROGRAMME_APPS = {"funding", "training"}


@pytest.mark.parametrize(
    "programme", [True, False], ids=["the Fund and training", "the Declaration and the platform"]
)
def test_every_models_list_add_and_change_pages_have_no_violation(admin_ui, superuser, programme):
    """The home page, then each registered model's list (with its filters), its add page
    (with its inlines and dates) and the page of its first object. The models are in two
    halves, which together are every model the admin has, so that each test takes about a
    minute."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    registered = sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if (model._meta.app_label in PROGRAMME_APPS) == programme
        ),
        key=lambda item: item[0]._meta.label,
    )
    assert registered
    assert admin_ui.path() == "/admin/"
    for model, model_admin in registered:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        admin_ui.goto(reverse(f"{name}_changelist"))
        assert admin_ui.page.locator("#changelist").count() == 1, opts.label
        if model_admin.has_add_permission(request):
            admin_ui.goto(reverse(f"{name}_add"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        assert first is not None, f"No {opts.verbose_name} to open: add one to Demo"
        admin_ui.goto(reverse(f"{name}_change", args=[first.pk]))


def test_every_custom_admin_page_has_no_violation(admin_ui, superuser, demo):
    """The pages the project adds to the admin, the pages that ask for an action's input,
    the backup codes, a history page and a form sent back with errors."""
    ui = admin_ui
    ui.goto(reverse("two_factor:backup_tokens"))

    # The Fund's own pages.
    ui.goto(reverse("admin:funding_round_ranking", args=[demo.application.round_id]))
    for page in ("moderate", "recommend", "decide"):
        ui.goto(reverse(f"admin:funding_application_{page}", args=[demo.application.pk]))
    ui.goto(reverse("admin:funding_assessment_declare", args=[demo.assessment.pk]))
    ui.goto(reverse("admin:funding_assessment_score", args=[demo.assessment.pk]))
    ui.goto(reverse("admin:funding_eoicluster_change", args=[EoiCluster.objects.get().pk]))
    assert ui.page.get_by_role("button", name="Add to this cluster").first.is_visible()
    ui.goto(reverse("admin:funding_instalment_pay", args=[demo.instalment.pk]))
    assert ui.page.get_by_label("Amount paid (£)").is_visible()
    ui.goto(reverse("admin:funding_award_portfolio"))
    assert ui.page.locator("#portfolio").is_visible()

    # Training's own pages.
    cohort = demo.cohort.pk
    ui.goto(reverse("admin:training_cohort_capacity", args=[cohort]))
    ui.goto(reverse("admin:training_cohort_session", args=[cohort, demo.session.pk]))
    ui.goto(reverse("admin:training_cohort_cancel", args=[cohort]))
    ui.goto(reverse("admin:training_cohort_enrol", args=[cohort]))
    past = demo.past_session
    ui.goto(reverse("admin:training_cohort_register", args=[past.cohort_id, past.pk]))
    ui.goto(reverse("admin:training_cohort_report"))
    ui.goto(reverse("admin:training_enrolment_move", args=[demo.enrolment.pk]))

    # The Declaration's and the newsletter's own pages.
    ui.goto(reverse("admin:declaration_signing_import"))
    ui.goto(reverse("admin:newsletter_newsletterissue_preview", args=[demo.issue.pk]))
    ui.goto(reverse("admin:newsletter_newsletterissue_change", args=[demo.issue_to_approve.pk]))
    assert ui.page.get_by_label("What needs to change").is_visible()

    # A history page, which says when each change was made as every page does.
    round_ = demo.application.round
    LogEntry.objects.create(
        action_time=datetime.datetime(2026, 12, 5, 1, 32, tzinfo=datetime.UTC),
        user=superuser,
        content_type=ContentType.objects.get_for_model(round_),
        object_id=str(round_.pk),
        object_repr=str(round_),
        action_flag=CHANGE,
        change_message="Changed budget.",
    )
    ui.goto(reverse("admin:funding_round_history", args=[round_.pk]))
    assert ui.page.get_by_text("1:32am on 5 December 2026").is_visible()

    # The pages that ask for an action's input.
    signings = reverse("admin:declaration_signing_changelist")
    action_page(ui, signings, demo.pending_signing.reference, "reject_selected", "Reject a signing")
    # Sent without a reason, it comes back with the error and what was chosen.
    click(ui, "button", "Reject")
    # The summary links to the answer, and the error is beside it too.
    summary = ui.page.get_by_role("link", name="Give a reason: nothing changes without one.")
    assert summary.is_visible()
    assert ui.page.locator("#id_reason_error").is_visible()
    action_page(
        ui,
        f"{signings}?status=published",
        "Borsetshire County Council",
        "unpublish_selected",
        "Unpublish a signatory",
    )
    for changelist, row, action, title in [
        ("declaration_projectupdate", "show and tell", "remove_selected", "Remove an update"),
        ("declaration_membership", "Borchester", "delete_selected", "Delete multiple objects"),
        ("funding_application", demo.application.reference, "assign_assessors", "Assign assessors"),
        ("funding_expressionofinterest", "Borchester", "add_to_cluster", "Add to a cluster"),
        ("funding_expressionofinterest", "Borchester", "decline_selected", "Decline with feedback"),
        ("funding_eoicluster", "Missed bins", "message_leads", "Message the leads"),
        ("funding_eoicluster", "Missed bins", "invite_joint", "Invite as one joint application"),
        ("funding_progressreport", "Report 1", "return_selected", "Return with comments"),
        ("funding_award", demo.award.title, "set_dates", "Set the planned dates"),
        ("funding_changerequest", demo.award.title, "reject_selected", "Reject the change"),
        ("training_enrolment", "Spring", "cancel_selected", "Cancel an enrolment"),
        ("training_cohort", "Last winter", "mark_everyone_attended", "Mark everyone attended"),
        ("newsletter_newsletterissue", "is open", "cancel", "Cancel “Round 5 is open”?"),
        ("newsletter_newsletterissue", "is open", "schedule", "Schedule the issue"),
    ]:
        action_page(ui, reverse(f"admin:{changelist}_changelist"), row, action, title)

    # A form sent back with errors: a round without its dates.
    ui.goto(reverse("admin:funding_round_add"))
    click(ui, "button", "Save", exact=True)
    assert ui.page.locator(".errornote").is_visible()


def test_the_pages_with_tables_of_their_own_fit_a_320_pixel_screen(
    phone_ui: CheckedPage, superuser: User, demo: Demo
):
    """An expression of interest's similar ones, a cluster's members and suggestions and an
    award's instalments scroll within their box rather than push the page sideways."""
    # A web address as long as real ones, in the report's latest answers.
    latest = demo.report.versions.order_by("-number").first()
    content = {**latest.content}
    content["links"] = [
        {
            **content["links"][0],
            "url": "https://birmingham.demo.localdigital.test/code/freeschoolmealschecker",
        }
    ]
    type(latest).objects.filter(pk=latest.pk).update(content=content)
    device = TOTPDevice.objects.create(user=superuser, name="default", confirmed=True)
    phone_ui.goto("/admin/login/")
    signs_in_to_the_admin(phone_ui, SUPERUSER, device)
    too_wide = []
    for path in [
        reverse("admin:funding_expressionofinterest_change", args=[demo.eoi.pk]),
        reverse("admin:funding_eoicluster_change", args=[demo.cluster.pk]),
        reverse("admin:funding_award_change", args=[demo.award.pk]),
        reverse("admin:funding_progressreport_change", args=[demo.report.pk]),
    ]:
        phone_ui.goto(path)
        width = phone_ui.page.evaluate("() => document.documentElement.scrollWidth")
        if width > REFLOW_WIDTH:
            too_wide.append(f"{path}: {width}px wide")
    assert not too_wide, "\n".join(too_wide)
