"""``manage.py staff_create``: a new member of staff, in their group, with a one-time link
that leads them through choosing a password and setting up their authenticator app."""

from __future__ import annotations

import re
from base64 import b32decode
from datetime import datetime, timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.accounts import services
from localdigital.accounts.errors import EmailAlreadyUsed, StaffGroupUnknown, StaffNotAwaitingSetUp
from localdigital.accounts.models import User
from localdigital.accounts.tokens import StaffSetUpTokenGenerator
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.accounts.support import sign_in_with_password
from tests.support.deployment import manage, production_environment

pytestmark = pytest.mark.django_db
EMAIL = "new.manager@communities.gov.uk"
PASSWORD = "heron lantern copper meadow"


def staff_create(*arguments: str) -> str:
    """Run the command and return what it printed."""
    out = StringIO()
    call_command("staff_create", *arguments, stdout=out)
    return out.getvalue()


def link_in(output: str) -> str:
    links = re.findall(r"https?://\S+", output)
    assert len(links) == 1, output
    return links[0]


def open_link(client: Client, link: str):
    """Open a printed link as a browser would: its path and query, on this test server."""
    parts = urlsplit(link)
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def set_password(client: Client, password: str = PASSWORD, again: str | None = None):
    return client.post(
        reverse("two_factor:set-up"),
        {"new_password1": password, "new_password2": password if again is None else again},
    )


class TestStaffCreateCommand:
    def test_creates_active_staff_in_the_group_with_no_usable_password(self):
        output = staff_create(EMAIL, "--group", "Fund manager", "--name", "Ada Manager")
        user = User.objects.get(email=EMAIL)
        assert user.is_active and user.is_staff and not user.is_superuser
        assert not user.has_usable_password()
        assert user.full_name == "Ada Manager"
        assert list(user.groups.values_list("name", flat=True)) == ["Fund manager"]
        assert f"Created {EMAIL}, staff in: Fund manager" in output
        link = urlsplit(link_in(output))
        assert f"{link.scheme}://{link.netloc}" == "http://testserver"  # SITE_URL
        assert link.path == reverse("two_factor:set-up") == "/staff/set-up/"
        assert set(parse_qs(link.query)) == {"user", "token"}
        event = AuditEvent.objects.get(verb="accounts.user.created", target_object_id=str(user.pk))
        assert event.data["groups"] == ["Fund manager"]

    def test_puts_them_in_every_group_given_and_can_make_a_superuser(self):
        staff_create(EMAIL, "--group", "Assessor", "--group", "Communications", "--superuser")
        user = User.objects.get(email=EMAIL)
        assert user.is_superuser
        assert set(user.groups.values_list("name", flat=True)) == {"Assessor", "Communications"}

    def test_refuses_an_unknown_group_and_lists_the_groups_there_are(self):
        Group.objects.create(name="Data team")
        with pytest.raises(CommandError) as refused:
            staff_create(EMAIL, "--group", "Fund managers")
        message = str(refused.value)
        assert 'There is no staff group called "Fund managers"' in message
        for name in ("Assessor", "Communications", "Data team", "Fund manager"):
            assert f'"{name}"' in message
        assert not User.objects.filter(email=EMAIL).exists()

    def test_refuses_an_existing_email_in_any_case(self):
        UserFactory(email=EMAIL)
        with pytest.raises(CommandError) as refused:
            staff_create(EMAIL.upper(), "--group", "Assessor")
        assert str(refused.value) == (
            "An account with the email address NEW.MANAGER@communities.gov.uk already exists"
        )
        assert User.objects.filter(email__iexact=EMAIL).count() == 1
        assert not User.objects.get(email=EMAIL).is_staff

    def test_refuses_something_that_is_not_an_email_address(self):
        with pytest.raises(CommandError) as refused:
            staff_create("not-an-address", "--group", "Assessor")
        assert "is not an email address" in str(refused.value)
        assert not User.objects.filter(is_staff=True).exists()

    def test_needs_a_group(self):
        with pytest.raises(CommandError) as refused:
            staff_create(EMAIL)
        assert "--group" in str(refused.value)


class TestStaffCreateFromTheShell:
    """As an operator runs it, with production settings: non-zero, with the reason."""

    def test_exits_non_zero_with_the_reason_on_an_error(self):
        result = manage(
            "staff_create", EMAIL, "--group", "No such group", environment=production_environment()
        )
        assert result.returncode == 1
        assert 'CommandError: There is no staff group called "No such group"' in result.stderr
        assert not User.objects.filter(email=EMAIL).exists()


class TestStaffUserCreate:
    def test_raises_a_domain_error_for_an_unknown_group(self):
        with pytest.raises(StaffGroupUnknown):
            services.staff_user_create(email=EMAIL, groups=["Nobody"], created_by=None)

    def test_raises_a_domain_error_for_an_existing_email(self):
        UserFactory(email=EMAIL)
        with pytest.raises(EmailAlreadyUsed):
            services.staff_user_create(email=EMAIL, groups=["Assessor"], created_by=None)

    def test_writes_nothing_when_the_audit_fails(self, monkeypatch):
        def failing(**kwargs):
            raise RuntimeError("audit down")

        monkeypatch.setattr(services, "audit_record", failing)
        with pytest.raises(RuntimeError):
            services.staff_user_create(email=EMAIL, groups=["Assessor"], created_by=None)
        assert not User.objects.filter(email=EMAIL).exists()


class TestSetUpLink:
    def test_leads_from_a_password_to_the_authenticator_and_into_the_admin(self, client):
        """End to end: the printed link, a password, the authenticator app, the admin."""
        link = link_in(staff_create(EMAIL, "--group", "Fund manager"))
        page = open_link(client, link)
        assert page.redirect_chain[-1][0] == reverse("two_factor:set-up")
        assert "Create your password" in page.text
        assert EMAIL in page.text
        assert "token" not in page.redirect_chain[-1][0]

        response = set_password(client)
        assert response.status_code == 302
        assert response.url == reverse("two_factor:setup")
        user = User.objects.get(email=EMAIL)
        assert user.check_password(PASSWORD)
        assert AuditEvent.objects.filter(verb="accounts.user.password_set").count() == 1
        # Signed in with the password, but the admin needs the authenticator first.
        admin = client.get("/admin/", follow=True)
        assert admin.redirect_chain[-1][0] == reverse("two_factor:setup")
        assert "Set up your authenticator app" in admin.text

        page = client.post(
            reverse("two_factor:setup"), {"staff_setup_view-current_step": "welcome"}, follow=True
        )
        assert "Scan this QR code" in page.text
        key = client.session["django_two_factor-qr_secret_key"]
        response = client.post(
            reverse("two_factor:setup"),
            {
                "staff_setup_view-current_step": "generator",
                "generator-token": f"{totp(b32decode(key)):06d}",
            },
        )
        assert response.url == reverse("two_factor:setup_complete")
        assert TOTPDevice.objects.get(user=user).confirmed
        assert client.get("/admin/").status_code == 200

    def test_then_signs_in_with_the_password_and_a_code_like_any_member_of_staff(self, client):
        link = link_in(staff_create(EMAIL, "--group", "Assessor"))
        open_link(client, link)
        set_password(client)
        client.logout()
        response = sign_in_with_password(Client(), EMAIL, PASSWORD)
        assert response.status_code == 302

    def test_works_once(self, client):
        link = link_in(staff_create(EMAIL, "--group", "Assessor"))
        open_link(client, link)
        set_password(client)
        again = open_link(Client(), link)
        assert "This set-up link has expired or has been used" in again.text
        assert "Create your password" not in again.text

    def test_refuses_an_altered_link(self, client):
        link = link_in(staff_create(EMAIL, "--group", "Assessor"))
        page = open_link(client, link.replace("token=", "token=x"))
        assert "This set-up link has expired or has been used" in page.text
        for user in ("", "!!", "0", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"):
            other = Client()
            other.get(reverse("two_factor:set-up"), {"user": user, "token": "abc-def"})
            assert "has expired" in other.get(reverse("two_factor:set-up")).text
            assert set_password(other).status_code == 200
        assert not User.objects.get(email=EMAIL).has_usable_password()

    def test_expires_after_the_hours_set(self, client, settings, monkeypatch):
        settings.PASSWORD_RESET_TIMEOUT = 72 * 3600
        made = datetime(2026, 12, 1, 9, 0)
        monkeypatch.setattr(StaffSetUpTokenGenerator, "_now", lambda self: made)
        link = link_in(staff_create(EMAIL, "--group", "Assessor"))
        later = made + timedelta(hours=72, minutes=-1)
        monkeypatch.setattr(StaffSetUpTokenGenerator, "_now", lambda self: later)
        assert "Create your password" in open_link(Client(), link).text
        too_late = made + timedelta(hours=72, minutes=1)
        monkeypatch.setattr(StaffSetUpTokenGenerator, "_now", lambda self: too_late)
        page = open_link(client, link)
        assert "This set-up link has expired or has been used" in page.text
        assert "for 72 hours" in page.text

    def test_is_refused_once_the_account_is_no_longer_staff(self, client):
        link = link_in(staff_create(EMAIL, "--group", "Assessor"))
        User.objects.filter(email=EMAIL).update(is_staff=False)
        assert "has expired" in open_link(client, link).text

    def test_says_what_is_wrong_with_the_password_beside_it(self, client):
        open_link(client, link_in(staff_create(EMAIL, "--group", "Assessor")))
        response = set_password(client, "short")
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "This password is too short" in response.text
        assert response.context["form"].errors["new_password1"]
        response = set_password(client, PASSWORD, again=PASSWORD + "x")
        assert "The passwords do not match: type the same one twice" in response.text
        response = set_password(client, "", again="")
        assert "Enter a password" in response.text
        assert not User.objects.get(email=EMAIL).has_usable_password()

    def test_keeps_working_across_a_secret_key_rotation(self, client, settings):
        """A link printed before SECRET_KEY is rotated works while the old key is a fallback."""
        link = link_in(staff_create(EMAIL, "--group", "Assessor"))
        old = settings.SECRET_KEY
        settings.SECRET_KEY = "a-new-secret-key-" + "y" * 40
        assert "has expired" in open_link(Client(), link).text
        settings.SECRET_KEY_FALLBACKS = [old]
        assert "Create your password" in open_link(client, link).text


class TestStaffSetUpLinkCommand:
    """``manage.py staff_set_up_link EMAIL``: a new link when the first expired or was lost."""

    def test_prints_a_new_link_that_works(self, client):
        staff_create(EMAIL, "--group", "Assessor")
        out = StringIO()
        call_command("staff_set_up_link", EMAIL.upper(), stdout=out)
        assert "It works once, within 72 hours" in out.getvalue()
        page = open_link(client, link_in(out.getvalue()))
        assert "Create your password" in page.text
        assert set_password(client).url == reverse("two_factor:setup")

    def test_refuses_someone_who_has_chosen_a_password(self, client):
        open_link(client, link_in(staff_create(EMAIL, "--group", "Assessor")))
        set_password(client)
        with pytest.raises(CommandError) as refused:
            call_command("staff_set_up_link", EMAIL, stdout=StringIO())
        assert str(refused.value) == (
            f"{EMAIL} has chosen a password already. If they have forgotten it, a superuser "
            "can set a new one in the admin"
        )

    @pytest.mark.parametrize("who", ["nobody", "council user", "deactivated staff"])
    def test_refuses_anyone_but_active_staff(self, who):
        if who == "council user":
            UserFactory(email=EMAIL)
        elif who == "deactivated staff":
            staff_create(EMAIL, "--group", "Assessor")
            User.objects.filter(email=EMAIL).update(is_active=False)
        with pytest.raises(CommandError) as refused:
            call_command("staff_set_up_link", EMAIL, stdout=StringIO())
        assert str(refused.value) == (
            f"There is no active member of staff with the email address {EMAIL}"
        )


class TestStaffPasswordSet:
    def _user_and_token(self) -> tuple[User, str]:
        link = urlsplit(link_in(staff_create(EMAIL, "--group", "Assessor")))
        token = parse_qs(link.query)["token"][0]
        return User.objects.get(email=EMAIL), token

    def test_sets_a_password_once_for_one_link(self):
        user, token = self._user_and_token()
        services.staff_password_set(user=user, token=token, password=PASSWORD)
        with pytest.raises(StaffNotAwaitingSetUp):
            services.staff_password_set(user=user, token=token, password="another " + PASSWORD)
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_writes_nothing_when_the_audit_fails(self, monkeypatch):
        user, token = self._user_and_token()

        def failing(**kwargs):
            raise RuntimeError("audit down")

        monkeypatch.setattr(services, "audit_record", failing)
        with pytest.raises(RuntimeError):
            services.staff_password_set(user=user, token=token, password=PASSWORD)
        user.refresh_from_db()
        assert not user.has_usable_password()

    def test_a_second_window_with_the_form_open_is_told_the_link_is_used(self):
        """Two tabs opened the link; the first to press Continue sets the password."""
        link = link_in(staff_create(EMAIL, "--group", "Assessor"))
        first, second = Client(), Client()
        assert "Create your password" in open_link(first, link).text
        assert "Create your password" in open_link(second, link).text
        assert set_password(first).status_code == 302
        response = set_password(second, "another " + PASSWORD)
        assert response.status_code == 200
        assert "This set-up link has expired or has been used" in response.text
        assert User.objects.get(email=EMAIL).check_password(PASSWORD)
