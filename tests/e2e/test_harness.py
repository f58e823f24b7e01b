"""The browser harness itself: it must be able to fail."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import UserFactory
from tests.e2e.journeys import signs_in_to_the_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_axe_reports_a_real_violation(ui):
    """A page with an unlabelled input and an image without alt text is caught."""
    ui.goto("/")
    ui.page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const image = '/static/vendor/govuk-frontend/assets/images/favicon.svg';
            main.insertAdjacentHTML('beforeend', `<img src="${image}"><input type="text">`);
        }"""
    )
    ui.check()
    rules = {violation.rule for violation in ui.violations}
    assert {"image-alt", "label"} <= rules
    ui.violations.clear()


def test_a_document_checked_again_reports_its_violations_again_without_a_second_run(ui):
    """axe-core runs once for a document that is the same in every way it reads; the result
    is reported at every check, and a document that changed is checked afresh."""
    ui.goto("/")
    ui.page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML(
            'beforeend', '<input type="text" id="harness-reuse">')"""
    )
    runs, reused = ui.axe_runs, ui.axe_reused
    ui.check()
    ui.check()
    assert (ui.axe_runs, ui.axe_reused) == (runs + 1, reused + 1)
    assert [violation.rule for violation in ui.violations].count("label") == 2

    ui.page.evaluate("() => document.getElementById('harness-reuse').focus()")
    ui.check()
    assert ui.axe_runs == runs + 2, "a document with another element focused was not checked"
    ui.violations.clear()


def test_without_javascript_the_same_page_is_checked_once(ui_without_js):
    ui_without_js.goto("/cookies/")
    runs = ui_without_js.axe_runs
    ui_without_js.goto("/cookies/")
    assert ui_without_js.axe_runs == runs
    assert ui_without_js.axe_reused >= 1


def test_a_page_visited_without_a_check_is_reported(ui):
    ui.goto("/")
    ui.page.goto(ui.base_url + "/cookies/")
    assert ui.visited == ["/", "/cookies/"]
    with pytest.raises(AssertionError, match="visited but not checked"):
        ui.assert_all_checked_and_accessible()
    ui.check()


@pytest.fixture
def staff_in_the_admin(staff_ui):
    """A superuser signed in to the admin with a password and a code."""
    staff = UserFactory(email="harness@communities.gov.uk", staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    signs_in_to_the_admin(staff_ui, staff.email, device)
    return staff_ui


def test_axe_checks_the_admin_like_every_other_page(staff_in_the_admin):
    """Staff use the admin all day: its pages are checked too."""
    ui = staff_in_the_admin
    ui.page.evaluate(
        """() => document.querySelector('#content-main').insertAdjacentHTML(
            'beforeend', '<input type="text">')"""
    )
    ui.check()
    assert "label" in {violation.rule for violation in ui.violations}
    assert {violation.url for violation in ui.violations} == {"/admin/"}
    ui.violations.clear()


def test_a_policy_refusal_is_reported_but_not_one_of_axes_own(staff_in_the_admin):
    """axe adds a stylesheet that Django's forms.css @imports to the page as a <style>, which
    the policy refuses: that is not the page's fault. A style the page itself sets inline is."""
    ui = staff_in_the_admin
    ui.goto("/admin/auth/group/add/")
    assert ui.console_errors == []

    ui.page.evaluate(
        """() => document.querySelector('#content-main').insertAdjacentHTML(
            'beforeend', '<p style="color: red">Inline</p>')"""
    )
    ui.page.wait_for_timeout(100)
    assert any("Content Security Policy" in error for error in ui.console_errors)
    ui.console_errors.clear()
