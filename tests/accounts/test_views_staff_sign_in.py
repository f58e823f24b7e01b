"""Staff reach the admin only with a password and a confirmed TOTP device."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import UserFactory
from tests.accounts.support import sign_in_with_password

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset):06d}"


@pytest.fixture
def staff_with_device():
    user = UserFactory(email="officer@communities.gov.uk", staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user, device


class TestAdminNeedsTwoFactors:
    def test_sends_anonymous_visitors_to_staff_sign_in(self, client):
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == f"{reverse('two_factor:login')}?next=/admin/"
        assert "Staff sign in" in response.text

    def test_refuses_a_password_alone(self, client, staff_with_device):
        """A password without the code gives no admin page."""
        user, _ = staff_with_device
        response = sign_in_with_password(client, user.email)
        assert response.status_code == 302
        assert response.url == f"{reverse('two_factor:login')}?step=token"
        assert "Enter the code from your authenticator app" in client.get(response.url).text
        assert client.get("/admin/").status_code == 302

    def test_refuses_a_session_that_was_never_verified(self, client, staff_with_device):
        user, _ = staff_with_device
        client.force_login(user)
        for path in ("/admin/", "/admin/accounts/user/", "/admin/auth/group/"):
            response = client.get(path, follow=True)
            assert response.redirect_chain[-1][0].startswith(reverse("two_factor:login")), path

    def test_opens_with_password_and_code(self, client, staff_with_device):
        user, device = staff_with_device
        sign_in_with_password(client, user.email)
        response = client.post(
            reverse("two_factor:login"),
            {"staff_login_view-current_step": "token", "token-otp_token": code_for(device)},
        )
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_refuses_a_wrong_code_with_a_message(self, client, staff_with_device):
        user, device = staff_with_device
        sign_in_with_password(client, user.email)
        wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
        response = client.post(
            reverse("two_factor:login"),
            {"staff_login_view-current_step": "token", "token-otp_token": wrong},
        )
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert client.get("/admin/").status_code == 302

    def test_refuses_a_wrong_password_with_a_message(self, client, staff_with_device):
        user, _ = staff_with_device
        response = sign_in_with_password(client, user.email, "not the password")
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert "Error: Staff sign in" in response.text

    def test_refuses_council_users(self, client):
        """A council user, signed in by link, is not staff: the admin stays shut."""
        client.force_login(UserFactory())
        assert client.get("/admin/").status_code == 302
        assert client.get(reverse("two_factor:setup")).status_code == 403


class TestFirstSignIn:
    def test_sets_up_a_device_then_opens_the_admin(self, client):
        """A new staff member scans a QR code, confirms a code, and gets backup codes."""
        user = UserFactory(email="new.officer@communities.gov.uk", staff=True, is_superuser=True)
        response = sign_in_with_password(client, user.email)
        assert response.status_code == 302
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == reverse("two_factor:setup")
        assert not TOTPDevice.objects.filter(user=user).exists()

        page = client.post(
            reverse("two_factor:setup"), {"staff_setup_view-current_step": "welcome"}, follow=True
        )
        assert "Scan this QR code" in page.text
        assert client.get(reverse("two_factor:qr")).status_code == 200
        key = client.session["django_two_factor-qr_secret_key"]
        code = f"{totp(b32decode(key)):06d}"
        response = client.post(
            reverse("two_factor:setup"),
            {"staff_setup_view-current_step": "generator", "generator-token": code},
        )
        assert response.status_code == 302
        assert response.url == reverse("two_factor:setup_complete")
        assert TOTPDevice.objects.get(user=user).confirmed

        response = client.post(reverse("two_factor:backup_tokens"))
        codes = StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True)
        assert len(codes) == 10
        page = client.get(response.url)
        assert all(code in page.text for code in codes)
        assert client.get("/admin/").status_code == 200

    def test_a_wrong_setup_code_is_refused_with_a_message(self, client):
        user = UserFactory(email="new.officer@communities.gov.uk", staff=True)
        sign_in_with_password(client, user.email)
        client.post(reverse("two_factor:setup"), {"staff_setup_view-current_step": "welcome"})
        response = client.post(
            reverse("two_factor:setup"),
            {"staff_setup_view-current_step": "generator", "generator-token": "000000x"},
        )
        assert response.status_code == 200
        assert "There is a problem" in response.text
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    def test_a_backup_code_signs_in_once(self, client, staff_with_device):
        user, _ = staff_with_device
        static = StaticDevice.objects.create(user=user, name="backup")
        static.token_set.create(token="abcd1234")
        for expected in (302, 200):
            client.logout()
            sign_in_with_password(client, user.email)
            response = client.post(
                reverse("two_factor:login"),
                {"staff_login_view-current_step": "backup", "backup-otp_token": "abcd1234"},
            )
            assert response.status_code == expected


def label_of(page, field_id: str) -> str:
    """Return the text of the label for ``field_id`` on the page."""
    found = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', page.text, re.S)
    assert found, f"no label for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def errors_on(page) -> list[str]:
    """Return the messages of the page's error summary."""
    summary = page.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return [" ".join(item.split()) for item in re.findall(r"<a[^>]*>(.*?)</a>", summary, re.S)]


class TestTheCodeIsCalledWhatPeopleCallIt:
    """The authenticator's code is "Code from your authenticator app" wherever it is asked
    for, never the library's "Token", and so are the messages about it."""

    def test_asks_for_the_code_from_the_authenticator_app_when_signing_in(
        self, client, staff_with_device
    ):
        user, _ = staff_with_device

        page = client.get(sign_in_with_password(client, user.email)["Location"])

        assert label_of(page, "id_token-otp_token") == "Code from your authenticator app"
        assert "Token" not in page.text

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("", "Enter the code from your authenticator app"),
            ("12ab", "Enter the 6-digit code from your authenticator app"),
            (
                "wrong",
                "The code is not right: enter the code your authenticator app shows now",
            ),
        ],
        ids=["empty", "not 6 digits", "wrong"],
    )
    def test_says_what_is_wrong_with_the_code_when_signing_in(
        self, client, staff_with_device, code, error
    ):
        user, device = staff_with_device
        sign_in_with_password(client, user.email)
        if code == "wrong":
            code = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

        page = client.post(
            reverse("two_factor:login"),
            {"staff_login_view-current_step": "token", "token-otp_token": code},
        )

        assert errors_on(page) == [error]
        assert "token" not in " ".join(errors_on(page)).lower()

    def test_asks_for_a_backup_code_by_that_name(self, client, staff_with_device):
        user, _ = staff_with_device
        StaticDevice.objects.create(user=user, name="backup").token_set.create(token="abcd1234")
        sign_in_with_password(client, user.email)

        page = client.post(
            reverse("two_factor:login"),
            {"staff_login_view-current_step": "token", "wizard_goto_step": "backup"},
            follow=True,
        )
        wrong = client.post(
            reverse("two_factor:login"),
            {"staff_login_view-current_step": "backup", "backup-otp_token": "wrong123"},
        )

        assert label_of(page, "id_backup-otp_token") == "Backup code"
        assert errors_on(wrong) == ["The backup code is not right, or it has been used"]

    def test_asks_for_the_code_from_the_authenticator_app_when_setting_up(self, client):
        user = UserFactory(email="new.officer@communities.gov.uk", staff=True)
        sign_in_with_password(client, user.email)

        page = client.post(
            reverse("two_factor:setup"), {"staff_setup_view-current_step": "welcome"}, follow=True
        )
        wrong = client.post(
            reverse("two_factor:setup"),
            {"staff_setup_view-current_step": "generator", "generator-token": "000000x"},
        )

        assert label_of(page, "id_generator-token") == "Code from your authenticator app"
        assert "Token" not in page.text
        assert errors_on(wrong) == ["Enter the 6-digit code from your authenticator app"]


class TestOnlyAPasswordSessionReachesTheAdmin:
    def test_a_session_begun_by_link_cannot_set_up_a_device(self, client):
        """A council session cannot turn itself into a staff one by adding a second factor."""
        user = UserFactory(email="promoted@communities.gov.uk", staff=True)
        client.force_login(user, backend="sesame.backends.ModelBackend")
        response = client.get(reverse("two_factor:setup"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor:login"))
        assert not TOTPDevice.objects.filter(user=user).exists()

    def test_a_session_begun_by_link_never_opens_the_admin(self, client):
        user = UserFactory(email="promoted@communities.gov.uk", staff=True, is_superuser=True)
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        client.force_login(user, backend="sesame.backends.ModelBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        assert client.get("/admin/").status_code == 302

    def test_becoming_staff_ends_the_sessions_begun_before(self, client):
        """A council user made staff must sign in again, with a password and a code."""
        user = UserFactory(email="clerk@communities.gov.uk")
        client.force_login(user, backend="sesame.backends.ModelBackend")
        assert client.get(reverse("pages:account")).status_code == 200
        user.is_staff = True
        user.save()
        assert client.get(reverse("pages:account")).status_code == 302
        assert "_auth_user_id" not in client.session


class TestPasswordAttemptsAreLimited:
    def test_refuses_with_a_message_when_one_address_tries_too_often(self, client, settings):
        settings.STAFF_SIGN_IN_RATE_PER_EMAIL = "3/h"
        UserFactory(email="officer@communities.gov.uk", staff=True)
        for _ in range(3):
            response = sign_in_with_password(client, "officer@communities.gov.uk", "guess")
            assert response.status_code == 200
        response = sign_in_with_password(client, "OFFICER@communities.gov.uk")
        assert response.status_code == 429
        assert "too many attempts to sign in" in response.text
        assert "_auth_user_id" not in client.session

    def test_refuses_with_a_message_when_one_network_tries_too_often(self, client, settings):
        settings.STAFF_SIGN_IN_RATE_PER_IP = "3/h"
        for n in range(3):
            sign_in_with_password(client, f"guess{n}@communities.gov.uk", "guess")
        UserFactory(email="officer@communities.gov.uk", staff=True)
        response = sign_in_with_password(client, "officer@communities.gov.uk")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
