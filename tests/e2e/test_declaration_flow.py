"""The whole of signing, across three people: a council officer signs in a real browser, a
member of staff signs in with two factors and publishes the signing in the admin, and the
public find the organisation on the list of signatories and in the open data."""

from __future__ import annotations

import csv
import io

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from declaration.models import SigningStatus
from tests.accounts.factories import UserFactory
from tests.e2e.test_signing import (
    answer_the_questions_after_the_organisation,
    check_change_and_submit,
    register,  # noqa: F401 - a fixture
    sign_in_from_the_start_page,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAFF_EMAIL = "fund.manager@communities.gov.uk"
STAFF_PASSWORD = "correct horse battery"


def staff_signs_in(staff_ui, device: TOTPDevice) -> None:
    staff_ui.goto("/admin/")
    staff_ui.page.get_by_label("Email address").fill(STAFF_EMAIL)
    staff_ui.page.get_by_label("Password").fill(STAFF_PASSWORD)
    staff_ui.follow(lambda: staff_ui.page.get_by_role("button", name="Continue").click())
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    staff_ui.page.get_by_label("Code from your authenticator app").fill(code)
    staff_ui.follow(lambda: staff_ui.page.get_by_role("button", name="Sign in").click())
    assert staff_ui.path() == "/admin/"


def test_a_signing_is_published_by_staff_and_appears_on_the_list_and_in_the_csv(
    ui,
    staff_ui,
    register,  # noqa: F811 - the fixture imported above
):
    # A council officer signs for Borsetshire County Council.
    sign_in_from_the_start_page(ui)
    combobox = ui.page.get_by_role("combobox", name="Which organisation are you signing for?")
    combobox.fill("Borse")
    ui.page.get_by_role("option", name="Borsetshire County Council").click()
    ui.follow(lambda: ui.page.get_by_role("button", name="Continue").click())
    answer_the_questions_after_the_organisation(ui)
    signing = check_change_and_submit(ui)

    # Not public until staff publish it.
    ui.goto("/signatories/")
    assert "Borsetshire County Council" not in ui.page.locator("main").inner_text()

    # A fund manager signs in with a password and a code, and publishes it in the admin.
    staff = UserFactory(email=STAFF_EMAIL, staff=True, groups=["Fund manager"])
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    staff_signs_in(staff_ui, device)
    staff_ui.goto("/admin/declaration/signing/")
    row = staff_ui.page.locator("tr", has_text="Borsetshire County Council")
    row.get_by_role("checkbox").check()
    staff_ui.page.locator("select[name=action]").select_option("publish_selected")
    staff_ui.follow(lambda: staff_ui.page.get_by_role("button", name="Go").click())
    signing.refresh_from_db()
    assert signing.status == SigningStatus.PUBLISHED

    # The public see it on the list and its page, and in the open data.
    ui.goto("/signatories/?q=Borsetshire")
    ui.follow(lambda: ui.page.get_by_role("link", name="Borsetshire County Council").click())
    assert ui.path() == "/signatories/borsetshire/"
    assert ui.page.get_by_text("One booking service").first.is_visible()
    response = ui.page.request.get(f"{ui.base_url}/signatories.csv")
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert [row["name"] for row in rows] == ["Borsetshire County Council"]
    assert rows[0]["declaration_project_title"] == "One booking service"
