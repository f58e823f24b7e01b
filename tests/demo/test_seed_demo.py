"""What one run of the demo seed makes, what it prints and repairs, and the authenticator code
command."""

import base64
import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from declaration.models import (
    Membership,
    MembershipRole,
    Organisation,
    Signing,
    SigningStatus,
)
from localdigital.accounts.models import User
from newsletter.models import NewsletterIssue, NewsletterTestGroup, Subscriber, SubscriberStatus
from newsletter.services import newsletter_issue_approve
from tests.accounts.factories import UserFactory
from tests.demo.support import (
    COUNCIL_ADMIN,
    COUNCIL_MEMBER,
    REGISTER_CSV,
    STAFF_EMAILS,
    seed_demo,
    sign_ins,
)

pytestmark = pytest.mark.django_db


def test_refuses_to_run_when_debug_is_off(settings):
    """It makes a superuser with a known password, so never on a live service."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        seed_demo()
    assert not User.objects.exists()


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
