import base64
import datetime
import io
import json
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from declaration.models import (
    Membership,
    MembershipRole,
    Organisation,
    ProjectUpdate,
    Signing,
    SigningStatus,
)
from demo import funding as demo_funding
from funding.models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Award,
    AwardStatus,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    ClusterMessage,
    CriterionScore,
    Decision,
    DecisionOutcome,
    EoiChange,
    EoiCluster,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Fund,
    Instalment,
    ModeratedScore,
    Phase,
    ProgressReport,
    ProgressUpdate,
    ProjectMilestone,
    ProjectOutput,
    ProjectOutputType,
    RagStatus,
    ReportStatus,
    ReportVersion,
    Round,
    RoundQuestion,
    RoundStatus,
)
from funding.rules import application_problems
from funding.selectors.dashboard import funding_dashboard
from funding.selectors.portfolio import PortfolioFilters, portfolio_awards, portfolio_row
from funding.selectors.reporting import report_is_overdue
from localdigital.accounts.models import User
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from newsletter.models import NewsletterIssue, NewsletterTestGroup, Subscriber, SubscriberStatus
from newsletter.services import newsletter_issue_approve
from tests.accounts.factories import UserFactory
from tests.shared_data import shared_data
from training.models import (
    Attendance,
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Offer,
)
from training.selectors import cohort_places, training_figures

pytestmark = pytest.mark.django_db

REGISTER_CSV = shared_data("uk_local_authorities.csv")
STAFF_EMAILS = {
    "superuser@demo.localdigital.test": None,
    "fund.manager@demo.localdigital.test": "Fund manager",
    "assessor@demo.localdigital.test": "Assessor",
    "panel.assessor@demo.localdigital.test": "Assessor",
    "training.admin@demo.localdigital.test": "Training administrator",
    "comms@demo.localdigital.test": "Communications",
}
COUNCIL_MEMBER = "council.member@hackney.demo.localdigital.test"
COUNCIL_ADMIN = "org.admin@hackney.demo.localdigital.test"


@pytest.fixture(autouse=True)
def demo_environment(monkeypatch, settings):
    """A development machine (DEBUG on), serving on the default address, with the built-in
    organisations whatever `make` exported."""
    monkeypatch.delenv("LOCAL_AUTHORITIES_CSV", raising=False)
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_refuses_to_run_when_debug_is_off(settings):
    """It makes a superuser with a known password, so never on a live service."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        seed_demo()
    assert not User.objects.exists()


def sign_ins(output: str) -> str:
    return output[output.index("Demo sign-ins") :]


def snapshot() -> dict[str, list]:
    """Every row the seed writes, with the columns that would show a change."""
    return {
        "organisations": list(
            Organisation.objects.order_by("pk").values_list(
                "pk", "slug", "updated_at", "email_domains"
            )
        ),
        "users": list(
            User.objects.order_by("pk").values_list("pk", "email", "password", "is_staff")
        ),
        "groups": list(User.groups.through.objects.order_by("pk").values_list("pk")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "role", "approved_at")
        ),
        "devices": list(TOTPDevice.objects.order_by("pk").values_list("pk", "key", "confirmed")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk")),
        "signings": list(Signing.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "updates": list(ProjectUpdate.objects.order_by("pk").values_list("pk")),
        "subscribers": list(Subscriber.objects.order_by("pk").values_list("pk", "status")),
        "issues": list(NewsletterIssue.objects.order_by("pk").values_list("pk", "status")),
        "rounds": list(Round.objects.order_by("pk").values_list("pk", "slug", *ROUND_DATES)),
        "questions": list(RoundQuestion.objects.order_by("pk").values_list("pk")),
        "eois": list(
            ExpressionOfInterest.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "eoi_partners": list(EoiPartner.objects.order_by("pk").values_list("pk")),
        "eoi_changes": list(EoiChange.objects.order_by("pk").values_list("pk")),
        "clusters": list(EoiCluster.objects.order_by("pk").values_list("pk", "name")),
        "cluster_messages": list(ClusterMessage.objects.order_by("pk").values_list("pk")),
        "applications": list(
            Application.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "application_sections": list(
            ApplicationSection.objects.order_by("pk").values_list("pk", "version")
        ),
        "application_partners": list(
            ApplicationPartner.objects.order_by("pk").values_list("pk", "confirmed_at")
        ),
        "application_changes": list(ApplicationChange.objects.order_by("pk").values_list("pk")),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "scores": list(CriterionScore.objects.order_by("pk").values_list("pk", "score")),
        "moderated": list(ModeratedScore.objects.order_by("pk").values_list("pk", "score")),
        "decisions": list(
            Decision.objects.order_by("pk").values_list("pk", "outcome", "notified_at")
        ),
        "awards": list(Award.objects.order_by("pk").values_list("pk", "slug", "status")),
        "instalments": list(Instalment.objects.order_by("pk").values_list("pk", "paid_at")),
        "progress_updates": list(ProgressUpdate.objects.order_by("pk").values_list("pk")),
        "outputs": list(ProjectOutput.objects.order_by("pk").values_list("pk")),
        "milestones": list(ProjectMilestone.objects.order_by("pk").values_list("pk")),
        "reports": list(
            ProgressReport.objects.order_by("pk").values_list("pk", "status", "due_at")
        ),
        "report_versions": list(ReportVersion.objects.order_by("pk").values_list("pk", "outcome")),
        "change_requests": list(ChangeRequest.objects.order_by("pk").values_list("pk", "status")),
        "outbox": list(OutgoingEmail.objects.order_by("pk").values_list("pk")),
        **training_snapshot(),
    }


def training_snapshot() -> dict[str, list]:
    """Every training row the seed writes, with the columns that would show a change."""
    return {
        "courses": list(Course.objects.order_by("pk").values_list("pk", "slug")),
        "cohorts": list(
            Cohort.objects.order_by("pk").values_list("pk", "status", "capacity", "published_at")
        ),
        "sessions": list(CohortSession.objects.order_by("pk").values_list("pk", "starts_at")),
        "enrolments": list(
            Enrolment.objects.order_by("pk").values_list("pk", "status", "waiting_position")
        ),
        "attendance": list(Attendance.objects.order_by("pk").values_list("pk", "attended")),
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "status")),
    }


ROUND_DATES = (
    "eoi_opens_at",
    "eoi_closes_at",
    "applications_open_at",
    "applications_close_at",
    "decisions_announced_at",
)


@pytest.fixture
def without_the_fund(monkeypatch):
    """Leave the Fund's demo out, for checks of the register, staff and signatories: it takes
    seconds to seed, and TestSeedDemoFund and the run-twice test check it."""
    monkeypatch.setattr(demo_funding, "seed", lambda **kwargs: [])


@pytest.fixture(scope="class")
def seeded_without_the_fund(django_db_setup, django_db_blocker):
    """One seeding of the built-in organisations, staff, signatories and newsletter, without
    the Fund, for a class of tests that read it; rolled back when the class is done, each test
    in a savepoint of its own (see ``seeded``)."""
    environment = override_settings(DEBUG=True, SITE_URL="http://127.0.0.1:8000")
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch, environment:
        patch.delenv("LOCAL_AUTHORITIES_CSV", raising=False)
        patch.setattr(demo_funding, "seed", lambda **kwargs: [])
        with transaction.atomic():
            yield seed_demo()
            transaction.set_rollback(True)


@pytest.mark.xdist_group("seed_demo")
@pytest.mark.usefixtures("without_the_fund")
class TestWhatOneRunMakes:
    """What one run makes: organisations, staff, council users, signatories and the
    newsletter. One seeding is read by every test here."""

    def test_creates_the_built_in_councils_and_bodies_when_no_register_is_given(
        self, seeded_without_the_fund
    ):
        assert set(Organisation.objects.values_list("register_code", flat=True)) == {
            "HCK", "GLA", "ADU", "WOT", "WSX", "LDS", "WYCA", "SKP", "GMCA", "ESS", "",
        }  # fmt: skip
        stockport = Organisation.objects.get(register_code="SKP")
        assert stockport.combined_authority.name == "Greater Manchester Combined Authority"
        assert Organisation.objects.get(register_code="ADU").parent_county.register_code == "WSX"
        assert Organisation.objects.get(register_code="WOT").name == "Worthing Borough Council"
        assert set(
            Organisation.objects.filter(register_code="").values_list("name", flat=True)
        ) == {
            "Government Digital Service",
            "Ministry of Housing, Communities and Local Government",
            "Local Government Association",
        }

    def test_gives_staff_passwords_groups_and_confirmed_authenticators_when_run(
        self, seeded_without_the_fund
    ):
        output = seeded_without_the_fund

        for email, group in STAFF_EMAILS.items():
            user = User.objects.get(email=email)
            password = re.search(rf"Email: +{re.escape(email)}\n +Password: +(\S+)", output)[1]
            device = TOTPDevice.objects.get(user=user)
            secret = base64.b32encode(device.bin_key).decode()
            assert user.is_staff
            assert authenticate(email=email, password=password) == user
            assert device.confirmed
            assert f"TOTP secret: {secret}\n" in output
            assert f"TOTP URI:    {device.config_url}\n" in output
            assert device.config_url.startswith("otpauth://totp/Local%20Digital")
            assert list(user.groups.values_list("name", flat=True)) == ([group] if group else [])
        assert User.objects.get(email="superuser@demo.localdigital.test").is_superuser
        assert User.objects.filter(is_superuser=True).count() == 1

    def test_a_demo_fund_manager_reaches_the_admin_with_the_printed_password_and_secret(
        self, client, seeded_without_the_fund
    ):
        """The sign-in staff are shown works: password, then a code from the printed secret."""
        output = seeded_without_the_fund
        email = "fund.manager@demo.localdigital.test"
        password = re.search(rf"Email: +{re.escape(email)}\n +Password: +(\S+)", output)[1]
        secret = re.search(rf"Email: +{re.escape(email)}\n.*\n +TOTP secret: +(\S+)", output)[1]
        client.post(
            "/staff/sign-in/",
            {
                "staff_login_view-current_step": "auth",
                "auth-username": email,
                "auth-password": password,
            },
        )
        code = f"{totp(base64.b32decode(secret)):06d}"
        response = client.post(
            "/staff/sign-in/",
            {"staff_login_view-current_step": "token", "token-otp_token": code},
        )
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_makes_a_member_and_an_admin_of_hackney_when_run(self, seeded_without_the_fund):

        hackney = Organisation.objects.get(register_code="HCK")
        member = Membership.objects.get(user__email=COUNCIL_MEMBER)
        admin = Membership.objects.get(user__email=COUNCIL_ADMIN)
        assert hackney.has_email_domain("hackney.demo.localdigital.test")
        assert (member.organisation, member.role, member.is_approved) == (
            hackney,
            MembershipRole.MEMBER,
            True,
        )
        assert (admin.organisation, admin.role, admin.is_approved) == (
            hackney,
            MembershipRole.ADMIN,
            True,
        )
        council_users = User.objects.filter(email__in=[COUNCIL_MEMBER, COUNCIL_ADMIN])
        assert not any(user.has_usable_password() or user.is_staff for user in council_users)
        assert all(user.email_verified_at for user in council_users)

    def test_publishes_the_co_publishers_and_signatories_with_projects_and_updates(
        self, seeded_without_the_fund
    ):
        published = Signing.objects.filter(status=SigningStatus.PUBLISHED)
        co_publishers = set(
            published.filter(co_publisher=True).values_list("organisation__slug", flat=True)
        )
        assert co_publishers == {"government-digital-service", "mhclg"}
        assert all(signing.project_title for signing in published)
        hackney = published.get(organisation__register_code="HCK")
        assert hackney.updates.count() == 2
        assert Membership.objects.get(
            user__email=COUNCIL_ADMIN, organisation=hackney.organisation
        ).is_admin

    def test_leaves_a_signing_waiting_for_staff_with_each_flag(self, seeded_without_the_fund):
        pending = Signing.objects.filter(status=SigningStatus.SUBMITTED)
        assert any(s.domain_mismatch and not s.is_organisation_unlisted for s in pending)
        assert any(s.is_organisation_unlisted and not s.possible_duplicate for s in pending)
        assert any(s.possible_duplicate for s in pending)

    def test_adds_confirmed_subscribers_a_draft_an_issue_to_approve_and_a_test_group(
        self, seeded_without_the_fund
    ):
        assert Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count() >= 5
        assert NewsletterIssue.objects.filter(status="draft").count() == 1
        communications = User.objects.get(groups__name="Communications")
        to_approve = NewsletterIssue.objects.get(status="awaiting_approval")
        assert to_approve.approval_requested_by == to_approve.edited_by == communications
        # Someone else can approve it, as the demo's staff will.
        superuser = User.objects.get(is_superuser=True)
        newsletter_issue_approve(issue_id=to_approve.pk, approved_by=superuser)
        assert NewsletterIssue.objects.get(pk=to_approve.pk).status == "approved"
        group = NewsletterTestGroup.objects.get()
        assert (group.name, group.recipients) == ("Comms team", [communications.email])


@pytest.mark.usefixtures("without_the_fund")
class TestSeedDemo:
    def test_prints_where_and_how_everyone_signs_in_when_run(self, settings):
        settings.SITE_URL = "http://0.0.0.0:8080"

        output = sign_ins(seed_demo())

        assert output.startswith("Demo sign-ins\n")
        assert "Staff sign in at http://0.0.0.0:8080/admin/" in output
        assert "manage.py totp_code EMAIL" in output
        assert "Request a sign-in link at http://0.0.0.0:8080/account/sign-in/" in output
        assert "make run" in output
        assert f"Council member, London Borough of Hackney\n  Email: {COUNCIL_MEMBER}" in output
        assert f"Organisation admin, London Borough of Hackney\n  Email: {COUNCIL_ADMIN}" in output

    def test_repairs_what_was_changed_when_run_again(self):
        """A second run puts back a demo password, a group or an approval that went astray."""
        seed_demo()
        fund_manager = User.objects.get(email="fund.manager@demo.localdigital.test")
        fund_manager.set_password("something-else-entirely")
        fund_manager.save()
        fund_manager.groups.clear()
        Membership.objects.filter(user__email=COUNCIL_ADMIN).update(
            approved_at=None, role=MembershipRole.MEMBER
        )

        output = seed_demo()

        password = re.search(r"fund\.manager@\S+\n +Password: +(\S+)", output)[1]
        assert authenticate(email=fund_manager.email, password=password) == fund_manager
        assert fund_manager.groups.filter(name="Fund manager").exists()
        admin = Membership.objects.get(user__email=COUNCIL_ADMIN)
        assert admin.is_approved
        assert admin.is_admin

    def test_imports_the_whole_register_when_local_authorities_csv_is_set(self, monkeypatch):
        monkeypatch.setenv("LOCAL_AUTHORITIES_CSV", str(REGISTER_CSV))

        output = seed_demo()
        again = seed_demo()

        assert "380 created, 0 updated, 0 unchanged, 48 closed" in output
        assert "0 created, 0 updated, 380 unchanged, 0 closed" in again
        assert Organisation.objects.exclude(register_code="").count() == 380
        assert Membership.objects.filter(organisation__register_code="HCK").count() == 2

    def test_stops_with_a_clear_message_when_local_authorities_csv_is_missing(
        self, monkeypatch, tmp_path
    ):
        monkeypatch.setenv("LOCAL_AUTHORITIES_CSV", str(tmp_path / "missing.csv"))

        with pytest.raises(CommandError, match="LOCAL_AUTHORITIES_CSV: Could not read"):
            seed_demo()

        assert not Organisation.objects.exists()
        assert not User.objects.exists()


LONDON = ZoneInfo("Europe/London")


def london(moment: datetime.datetime | None) -> tuple[int, ...]:
    """Return a time as (year, month, day, hour, minute) in London, to compare with the record."""
    assert moment is not None, "the round has no such date"
    local = moment.astimezone(LONDON)
    return (local.year, local.month, local.day, local.hour, local.minute)


def signatory_ids() -> set[int]:
    return set(
        Signing.objects.filter(status=SigningStatus.PUBLISHED).values_list(
            "organisation_id", flat=True
        )
    )


def completed_sections(application: Application) -> int:
    return application.sections.filter(is_completed=True).count()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One seeding of the whole demo, with the whole register as `make run` loads it, for a
    class of tests, rolled back when the class is done.

    Each test runs in a savepoint inside this transaction, so it sees the seeded rows and what it
    changes is undone before the next test."""
    environment = override_settings(DEBUG=True, SITE_URL="http://127.0.0.1:8000")
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch, environment:
        patch.setenv("LOCAL_AUTHORITIES_CSV", str(REGISTER_CSV))
        with transaction.atomic():
            yield seed_demo()
            transaction.set_rollback(True)


@pytest.mark.xdist_group("seed_demo_fund")
class TestSeedDemoFund:
    """The Fund's demo over the whole register, as `make run` makes it. Seeding it takes
    seconds, so one seeding is read by every test here."""

    @pytest.fixture(autouse=True)
    def _with_the_register(self, monkeypatch):
        """A run again inside a test reads the register, as the first did."""
        monkeypatch.setenv("LOCAL_AUTHORITIES_CSV", str(REGISTER_CSV))

    def test_changes_nothing_and_prints_the_same_sign_ins_when_run_twice(self, seeded):
        first = seeded
        rows = snapshot()

        second = seed_demo()

        assert snapshot() == rows
        assert sign_ins(second) == sign_ins(first)
        assert "380 created, 0 updated, 0 unchanged, 48 closed" in first
        assert "0 created, 0 updated, 380 unchanged, 0 closed" in second
        assert "Other public bodies: 3 created." in first
        assert "Other public bodies: 0 created." in second

    def test_spreads_the_bids_over_the_whole_register_s_signatories(self, seeded):
        signatories = signatory_ids()
        leads = set(
            ExpressionOfInterest.objects.filter(round__number=5).values_list(
                "lead_organisation_id", flat=True
            )
        )
        assert len(leads) > 10
        assert leads <= signatories
        partners = set(ApplicationPartner.objects.values_list("organisation_id", flat=True))
        assert partners <= signatories
        assert ExpressionOfInterest.objects.filter(round__number=5).count() >= 28

    def test_makes_the_programmes_rounds_and_two_open_rounds(self, seeded):
        self.check_makes_rounds_1_to_4_with_the_programme_dates_and_rules()
        self.check_gives_every_round_criteria_weighing_100_and_published_questions()
        self.check_opens_one_round_for_eois_and_one_for_applications_at_5pm_london_time()

    def test_makes_bids_in_every_state_by_signatories(self, seeded):
        self.check_holds_about_30_eois_in_every_state_some_clustered_in_the_eoi_round()
        self.check_leads_and_partners_are_all_published_signatories()
        self.check_leaves_an_application_in_every_applicant_side_state_in_the_open_round()
        self.check_has_submitted_applications_in_rounds_1_to_4_made_inside_their_windows()
        self.check_gives_the_demo_council_users_a_dashboard_of_their_own_bids()

    def check_makes_rounds_1_to_4_with_the_programme_dates_and_rules(self):
        """DESIGN.md's facts, in London time; a week or a month is marked approximate."""
        fund = Fund.objects.get(slug="local-digital-fund")
        assert fund.name == "Local Digital Fund"
        rounds = {round.number: round for round in fund.rounds.all()}
        one, two, three, four = rounds[1], rounds[2], rounds[3], rounds[4]
        assert one.budget == Decimal(7_500_000)
        assert london(one.eoi_opens_at)[:3] == (2018, 9, 24)
        # "EOIs closed 5 October": open all that day, so the close is midnight at its end.
        assert london(one.eoi_closes_at) == (2018, 10, 6, 0, 0)
        assert london(one.applications_open_at)[:3] == (2018, 10, 15)
        assert london(one.applications_close_at) == (2018, 11, 19, 0, 0)
        assert london(one.decisions_announced_at)[:3] == (2018, 12, 3)
        assert one.min_participants == 2
        assert one.participants_must_be_signatories
        assert one.date_precision == {}
        assert {cap.phase: cap.max_award for cap in one.phase_caps.all()} == {
            Phase.DISCOVERY: Decimal(80_000),
            Phase.ALPHA: None,
        }

        assert not two.has_eoi_stage
        assert two.restricted_to_round == one
        assert london(two.applications_open_at)[:3] == (2019, 7, 17)
        assert london(two.decisions_announced_at)[:3] == (2019, 9, 9)
        assert two.date_precision == {
            "applications_close_at": "month",
            "decisions_announced_at": "week",
        }

        assert not three.has_eoi_stage
        assert (three.min_participants, three.max_led_applications) == (3, 2)
        assert three.participants_must_be_signatories
        assert three.applications_close_at == datetime.datetime(
            2019, 9, 16, 16, 0, tzinfo=datetime.UTC
        )  # 5pm British Summer Time
        assert london(three.decisions_announced_at)[:3] == (2019, 10, 14)
        assert three.date_precision == {
            "applications_open_at": "month",
            "decisions_announced_at": "week",
        }

        assert four.restricted_to_round == three
        assert "rounds 2 and 3" in four.summary
        assert four.budget == Decimal(1_200_000)
        assert london(four.applications_open_at)[:2] == (2020, 1)
        assert london(four.decisions_announced_at)[:2] == (2020, 3)
        assert set(four.date_precision.values()) == {"month"}
        assert all(
            cap.max_award == Decimal(350_000)
            for round in (two, four)
            for cap in round.phase_caps.all()
        )

    def check_gives_every_round_criteria_weighing_100_and_published_questions(self):
        for round in Round.objects.all():
            assert sum(round.criteria.values_list("weight", flat=True)) == 100
            assert round.criteria.count() >= 4
            published = round.questions.filter(is_published=True)
            assert published.count() >= 2
            assert all(question.answer and question.published_at for question in published)

    def check_opens_one_round_for_eois_and_one_for_applications_at_5pm_london_time(self):
        now = timezone.now()

        eoi_round, application_round = Round.objects.get(number=5), Round.objects.get(number=6)
        assert eoi_round.status_at(now) == RoundStatus.EOI_OPEN
        assert application_round.status_at(now) == RoundStatus.APPLICATIONS_OPEN
        assert not application_round.has_eoi_stage
        for round in (eoi_round, application_round):
            assert all(
                london(getattr(round, name))[3:] == (17, 0)
                for name in ROUND_DATES
                if getattr(round, name) is not None
            )
            assert {cap.phase: cap.max_award for cap in round.phase_caps.all()} == {
                Phase.DISCOVERY: Decimal(80_000),
                Phase.ALPHA: Decimal(350_000),
                Phase.BETA: Decimal(350_000),
            }
        assert (application_round.min_participants, application_round.max_led_applications) == (
            3,
            2,
        )

    def check_holds_about_30_eois_in_every_state_some_clustered_in_the_eoi_round(self):
        eois = ExpressionOfInterest.objects.filter(round__number=5)
        statuses = [eoi.status for eoi in eois]
        assert 28 <= len(statuses) <= 32
        assert statuses.count(EoiStatus.SUBMITTED) > len(statuses) / 2
        assert statuses.count(EoiStatus.DRAFT) >= 3
        assert {EoiStatus.WITHDRAWN, EoiStatus.DECLINED, EoiStatus.INVITED} <= set(statuses)
        declined = eois.get(status=EoiStatus.DECLINED)
        assert declined.decline_feedback
        invited = eois.get(status=EoiStatus.INVITED)
        assert invited.application.status == ApplicationStatus.DRAFT
        assert invited.application.title == invited.title
        clusters = EoiCluster.objects.filter(round__number=5)
        assert 2 <= clusters.count() <= 3
        for cluster in clusters:
            members = cluster.eois.all()
            assert members.count() >= 2
            assert len({eoi.lead_organisation_id for eoi in members}) == members.count()
        assert ClusterMessage.objects.filter(cluster__round__number=5).count() == 1
        assert len({eoi.title for eoi in eois if eoi.title}) == len([e for e in eois if e.title])

    def check_leads_and_partners_are_all_published_signatories(self):
        signatories = signatory_ids()

        bids = [*ExpressionOfInterest.objects.all(), *Application.objects.all()]
        assert all(bid.lead_organisation_id in signatories for bid in bids)
        assert set(EoiPartner.objects.values_list("organisation_id", flat=True)) <= signatories
        assert (
            set(ApplicationPartner.objects.values_list("organisation_id", flat=True)) <= signatories
        )
        submitted_eois = ExpressionOfInterest.objects.exclude(status=EoiStatus.DRAFT)
        assert all(eoi.partners.exists() for eoi in submitted_eois)

    def check_leaves_an_application_in_every_applicant_side_state_in_the_open_round(self):
        now = timezone.now()

        applications = list(Application.objects.filter(round__number=6))
        drafts = [a for a in applications if a.status == ApplicationStatus.DRAFT]
        rules = {
            a.pk: {p.rule for p in application_problems(application=a, now=now)} for a in drafts
        }
        partial = [a for a in drafts if 0 < completed_sections(a) < 7]
        awaiting = [a for a in drafts if rules[a.pk] == {"partner-confirmation"}]
        ready = [a for a in drafts if not rules[a.pk]]
        assert partial and awaiting and ready
        assert all(a.partners.filter(confirmed_at__isnull=False).exists() for a in awaiting)
        unconfirmed = ApplicationPartner.objects.get(
            application=awaiting[0], confirmed_at__isnull=True
        )
        assert OutgoingEmail.objects.filter(
            recipient=unconfirmed.contact_email,
            subject__startswith="Confirm that",
            body_text__contains=awaiting[0].reference,
        ).exists()
        assert all(a.partners.count() >= 2 for a in ready)
        statuses = {a.status for a in applications}
        assert {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN} <= statuses

    def check_has_submitted_applications_in_rounds_1_to_4_made_inside_their_windows(self):
        for number in (1, 2, 3, 4):
            round = Round.objects.get(number=number)
            submitted = round.applications.filter(status=ApplicationStatus.SUBMITTED)
            assert submitted.exists()
            for application in submitted:
                assert round.applications_open_at <= application.submitted_at
                assert application.submitted_at < round.applications_close_at
                assert completed_sections(application) == 7
        invited = ExpressionOfInterest.objects.filter(round__number=1, status=EoiStatus.INVITED)
        assert invited.count() == Round.objects.get(number=1).applications.count()

    def check_gives_the_demo_council_users_a_dashboard_of_their_own_bids(self):
        for email in (COUNCIL_MEMBER, COUNCIL_ADMIN):
            dashboard = funding_dashboard(user=User.objects.get(email=email))
            assert {row.status_label for row in dashboard.eois} >= {
                "Draft",
                "Submitted",
                "Invited to apply",
            }
            assert {row.status_label for row in dashboard.applications} == {
                "Draft",
                "Submitted",
                "Withdrawn",
                "Approved",
            }
            assert dashboard.funded_projects
            assert any(row.is_lead for row in dashboard.applications)
            assert any(not row.is_lead for row in dashboard.applications)
            assert any(row.deadline.startswith("Submit by") for row in dashboard.applications)
            assert [r.name for r in dashboard.open_rounds] == ["Round 6", "Round 5"]
        member = User.objects.get(email=COUNCIL_MEMBER)
        assert ExpressionOfInterest.objects.filter(created_by=member).exists()
        assert Application.objects.filter(created_by=member).exists()

    def test_decides_rounds_1_to_4_funds_projects_and_leaves_the_open_round_to_assess(
        self, client, seeded
    ):
        output = seeded

        self.check_decides_and_announces_rounds_1_to_4_after_two_assessments_each()
        self.check_shows_every_announced_award_but_the_declined_one_at_funding_projects(client)
        self.check_bids_in_follow_on_rounds_name_a_funded_project_of_their_lead()
        self.check_takes_the_awards_through_offers_instalments_and_work()
        self.check_gives_the_projects_progress_updates_and_outputs(client)
        self.check_leaves_the_open_round_s_submitted_applications_to_assess()
        self.check_publishes_the_awards_as_360giving(client)
        assert re.search(r"Assessments: \d+ \(", output)
        assert re.search(r"Decisions: \d+ \(\d+ approved, \d+ rejected\), in 4 announced", output)
        assert re.search(r"Awards: \d+ \(.*\d+ completed\), with \d+ instalments", output)

    def check_decides_and_announces_rounds_1_to_4_after_two_assessments_each(self):
        for number in (1, 2, 3, 4):
            round = Round.objects.get(number=number)
            assert round.decisions_approved_at is not None
            assert round.applications_close_at < round.decisions_approved_at
            assert round.decisions_approved_at < round.decisions_announced_at
            assert round.announced_at == round.decisions_announced_at
            for application in round.applications.filter(status=ApplicationStatus.SUBMITTED):
                decision = application.decision
                assert decision.outcome in DecisionOutcome.values
                assert decision.recommendation
                assert decision.notified_at == round.announced_at
                assert round.applications_close_at < decision.decided_at < round.announced_at
                assessments = application.assessments.all()
                assert [a.status for a in assessments] == [AssessmentStatus.SUBMITTED] * 2
                assert all(
                    a.scores.count() == round.criteria.count()
                    and round.applications_close_at < a.submitted_at < decision.decided_at
                    for a in assessments
                )
                assert application.moderated_scores.count() == round.criteria.count()
        rejected = Decision.objects.filter(outcome=DecisionOutcome.REJECTED)
        assert rejected.exists()
        assert all(decision.feedback for decision in rejected)
        assessors = {a.assessor.email for a in Assessment.objects.select_related("assessor")}
        assert assessors == {
            "assessor@demo.localdigital.test",
            "panel.assessor@demo.localdigital.test",
        }

    def check_shows_every_announced_award_but_the_declined_one_at_funding_projects(self, client):
        for number in (1, 2, 3, 4):
            round = Round.objects.get(number=number)
            awards = Award.objects.filter(application__round=round)
            assert awards.exists()
            page = client.get("/funding/projects/", {"round": round.slug}).content.decode()
            for award in awards:
                assert (escape(award.title) in page) == (award.status != AwardStatus.DECLINED)
        assert Award.objects.filter(status=AwardStatus.DECLINED).count() == 1

    def check_bids_in_follow_on_rounds_name_a_funded_project_of_their_lead(self):
        for number, earlier in ((2, 1), (4, 3)):
            applications = Application.objects.filter(round__number=number)
            assert applications.exists()
            for application in applications:
                award = application.follow_on_award
                assert award.application.round.number == earlier
                assert award.status != AwardStatus.DECLINED
                team = {
                    award.application.lead_organisation_id,
                    *award.application.partners.values_list("organisation_id", flat=True),
                }
                assert application.lead_organisation_id in team
                assert award.awarded_on < timezone.localdate(application.created_at)

    def check_takes_the_awards_through_offers_instalments_and_work(self):
        awards = Award.objects.select_related("application__round")
        assert {AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED} <= {
            award.status for award in awards
        }
        for award in awards:
            announced = award.application.round.announced_at
            assert award.responded_at > announced
            assert award.amount == award.application.decision.award_amount
            instalments = list(award.instalments.all())
            if award.status == AwardStatus.DECLINED:
                assert award.decline_reason and not instalments
                continue
            assert sum(i.amount for i in instalments) == award.amount
            paid = [i for i in instalments if i.is_paid]
            if award.status == AwardStatus.COMPLETED:
                assert len(paid) == len(instalments)
                assert award.started_at < award.completed_at < timezone.now()
            elif award.status == AwardStatus.ACTIVE:
                assert 0 < len(paid) < len(instalments)
            else:
                assert not paid and award.started_at is None
            assert all(announced < i.paid_at for i in paid)

    def check_gives_the_projects_progress_updates_and_outputs(self, client):
        worked = Award.objects.filter(status__in=[AwardStatus.ACTIVE, AwardStatus.COMPLETED])
        assert worked.count() >= 4
        for award in worked:
            assert award.updates.exists() and award.outputs.exists()
            assert all(award.started_at < update.posted_at for update in award.updates.all())
        assert {
            ProjectOutputType.CODE,
            ProjectOutputType.RESEARCH,
            ProjectOutputType.PATTERN,
        } <= set(ProjectOutput.objects.values_list("output_type", flat=True))
        titles = set(Award.objects.values_list("title", flat=True))
        assert "Family context for children's social workers" in titles
        assert "A digital planning application service" in titles
        award = worked.get(title="Family context for children's social workers")
        page = client.get(f"/funding/projects/{award.slug}/").content.decode()
        assert escape(award.updates.first().title) in page
        assert all(output.url in page for output in award.outputs.all())

    def check_leaves_the_open_round_s_submitted_applications_to_assess(self):
        submitted = Application.objects.filter(round__number=6, status=ApplicationStatus.SUBMITTED)
        assert submitted.count() >= 3
        assert not Decision.objects.filter(application__in=submitted).exists()
        statuses = list(
            Assessment.objects.filter(application__in=submitted).values_list("status", flat=True)
        )
        assert statuses and set(statuses) <= {
            AssessmentStatus.ASSIGNED,
            AssessmentStatus.CONFLICTED,
        }
        assert any(not application.assessments.exists() for application in submitted)
        assert not Round.objects.get(number=6).decisions_approved_at
        assert not Assessment.objects.filter(
            application__round__number__in=(5, 6), status=AssessmentStatus.SUBMITTED
        ).exists()

    def check_publishes_the_awards_as_360giving(self, client):
        response = client.get("/funding/360giving.json")

        assert response.status_code == 200
        package = json.loads(b"".join(response.streaming_content))
        public = Award.objects.exclude(status=AwardStatus.DECLINED)
        assert len(package["grants"]) == public.count()
        assert {grant["title"] for grant in package["grants"]} == set(
            public.values_list("title", flat=True)
        )

    def test_gives_rounds_3_and_4_projects_reports_payments_and_a_change_request(
        self, client, seeded
    ):
        """Through the services: reports accepted with their instalments paid, one returned
        with a comment, one overdue, one amber, one waiting for review, final reports that
        completed round 3's projects, and an end date asked for."""
        output = seeded
        now = timezone.now()
        reports = ProgressReport.objects.select_related("award__application__round")
        assert {r.award.application.round.number for r in reports} == {3, 4}
        for report in reports.exclude(status=ReportStatus.DRAFT):
            assert report.versions.count() == 1
            assert report.period_start <= timezone.localdate(report.submitted_at)
        self.check_completes_round_3_through_final_reports_shown_in_the_open(client)
        paid_on_reports = Instalment.objects.filter(report__isnull=False, paid_at__isnull=False)
        assert paid_on_reports.exists()
        assert all(i.report.accepted_at < i.paid_at for i in paid_on_reports)
        assert not Instalment.objects.filter(report__isnull=False, paid_at__isnull=False).exclude(
            report__status=ReportStatus.ACCEPTED
        )
        amber = reports.get(overall_status=RagStatus.AMBER, status=ReportStatus.ACCEPTED)
        assert amber.status_reason and amber.risks.exists()
        assert reports.filter(status=ReportStatus.SUBMITTED).count() == 1
        returned = reports.get(status=ReportStatus.RETURNED)
        comment = returned.versions.get().comment
        assert comment
        overdue = [report for report in reports if report_is_overdue(report, now)]
        assert overdue and {report.award_id for report in overdue} == {returned.award_id}
        change = ChangeRequest.objects.get()
        assert change.status == ChangeStatus.PENDING and change.kind == ChangeKind.END_DATE
        assert change.award_id == returned.award_id
        lead = returned.award.application.created_by
        assert lead.email == COUNCIL_MEMBER
        client.force_login(lead)
        page = client.get(
            reverse("funding:project-report", args=[returned.award.slug, returned.key])
        ).content.decode()
        assert escape(comment) in page
        portfolio = portfolio_awards(
            filters=PortfolioFilters(round_id=Round.objects.get(number=4).pk), now=now
        )
        assert [
            (row.title, row.is_overdue, row.last_rag) for row in map(portfolio_row, portfolio)
        ] == [
            (returned.award.title, True, ""),
            ("Free school meals without a separate claim: beta", False, RagStatus.AMBER),
        ]
        assert f"Progress reports: {reports.count()} (" in output
        assert (
            f"{returned.award.title}: Report 1 returned for changes (amber), Report 2 "
            "overdue, Final report overdue; a new end date asked for; its team signs in as "
            f"{COUNCIL_MEMBER}."
        ) in output

    def check_completes_round_3_through_final_reports_shown_in_the_open(self, client):
        completed = Award.objects.filter(application__round__number=3, status=AwardStatus.COMPLETED)
        assert completed.count() == 3
        for award in completed:
            final = award.reports.get(is_final=True)
            assert set(award.reports.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}
            assert award.completed_at == final.accepted_at
            assert not award.instalments.filter(paid_at__isnull=True).exists()
            page = client.get(f"/funding/projects/{award.slug}/").content.decode()
            assert escape(final.reuse.split("\n")[0]) in page
            assert escape(final.lessons.split("\n")[0]) in page
            assert all(output.url in page for output in award.outputs.all())
        for award in Award.objects.filter(application__round__number__in=(1, 2)):
            assert not award.reports.exists() and award.planned_end_on is not None

    def test_moves_and_adds_nothing_when_run_again_days_later(self, monkeypatch, seeded):
        """Rounds are made once, by slug: the open rounds keep the dates of the first run."""
        rows = snapshot()
        later = timezone.now() + datetime.timedelta(days=10)
        monkeypatch.setattr(timezone, "now", lambda: later)

        output = seed_demo()

        assert snapshot() == rows
        assert "6 rounds (none made now" in output
        assert "; 0 made now." in output
        assert "0 awards, 0 updates and 0 outputs made now." in output
        assert "Emails queued now by the Fund's services, for the worker to send: 0." in output


@pytest.mark.usefixtures("without_the_fund")
class TestTotpCode:
    def test_refuses_to_run_when_debug_is_off(self, settings):
        seed_demo()
        settings.DEBUG = False

        with pytest.raises(CommandError, match="only with DEBUG on"):
            call_command("totp_code", "fund.manager@demo.localdigital.test")

    def test_prints_a_code_the_device_accepts_when_debug_is_on(self, settings):
        settings.DEBUG = True
        seed_demo()
        out = io.StringIO()

        call_command("totp_code", "Fund.Manager@demo.localdigital.test", stdout=out)

        code = out.getvalue().strip()
        device = TOTPDevice.objects.get(user__email="fund.manager@demo.localdigital.test")
        assert re.fullmatch(r"[0-9]{6}", code)
        assert device.verify_token(code)

    def test_says_so_when_the_user_has_no_account_or_no_device(self, settings):
        settings.DEBUG = True
        UserFactory(email="nodevice@example.gov.uk")

        with pytest.raises(CommandError, match="no account"):
            call_command("totp_code", "nobody@example.gov.uk")
        with pytest.raises(CommandError, match="no confirmed authenticator"):
            call_command("totp_code", "nodevice@example.gov.uk")


@pytest.mark.usefixtures("without_the_fund")
class TestSeedDemoTraining:
    """The training demo, seeded with the declaration's demo and without the Fund's, which
    takes seconds: so no organisation has a funded project, and reserved places stay free."""

    def test_runs_the_programmes_courses_past_and_upcoming_and_adds_nothing_again(self):
        output = seed_demo()
        rows = training_snapshot()

        self.check_makes_the_three_courses()
        self.check_past_cohorts_have_attendance_with_completed_and_no_show_people()
        self.check_an_open_cohort_is_almost_full_with_a_waiting_list()
        assert "Training: 3 courses; 3 past cohorts with attendance and 2 upcoming" in output

        again = seed_demo()

        assert training_snapshot() == rows
        assert "Training: 3 courses; 0 past cohorts with attendance and 0 upcoming" in again

    @staticmethod
    def check_makes_the_three_courses():
        courses = {course.slug: course for course in Course.objects.all()}
        assert set(courses) == {"digital-leadership", "digital-and-agile", "cyber-security"}
        assert courses["digital-leadership"].audience == "senior-leaders"
        assert courses["digital-and-agile"].title == "Digital and Agile for Local Government"
        assert all(course.is_published for course in courses.values())

    @staticmethod
    def check_past_cohorts_have_attendance_with_completed_and_no_show_people():
        past = Cohort.objects.filter(status=CohortStatus.COMPLETED)
        assert past.count() == 3
        assert set(past.values_list("course__slug", flat=True)) == {
            "digital-leadership", "digital-and-agile", "cyber-security",
        }  # fmt: skip
        for cohort in past:
            statuses = set(cohort.enrolments.values_list("status", flat=True))
            assert {EnrolmentStatus.COMPLETED, EnrolmentStatus.NO_SHOW} <= statuses
            taken = cohort.enrolments.count()
            assert Attendance.objects.filter(session__cohort=cohort).count() == (
                taken * cohort.sessions.count()
            )
        assert Enrolment.objects.filter(status=EnrolmentStatus.INCOMPLETE).count() == 2
        figures = training_figures()
        assert figures.trained_here == 24
        assert figures.organisations_trained >= 5

    @staticmethod
    def check_an_open_cohort_is_almost_full_with_a_waiting_list():
        cohort = Cohort.objects.get(status=CohortStatus.OPEN, name="Next cohort, Leeds")
        places = cohort_places(cohort_ids=[cohort.pk])[cohort.pk]
        assert places.is_taking_enrolments
        assert (places.capacity, places.places_left, places.reserved_left) == (16, 2, 2)
        assert places.waiting == 3
        assert list(
            cohort.enrolments.filter(status=EnrolmentStatus.WAITING)
            .order_by("waiting_position")
            .values_list("waiting_position", flat=True)
        ) == [1, 2, 3]
        assert cohort.enrolments.exclude(needs="").exists()
        later = Cohort.objects.get(status=CohortStatus.OPEN, name="Later cohort, Leeds")
        assert cohort_places(cohort_ids=[later.pk])[later.pk].places_left == 16
