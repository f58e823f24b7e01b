"""The browser harness itself: it must be able to fail."""

import pytest

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


def test_a_page_visited_without_a_check_is_reported(ui):
    ui.goto("/")
    ui.page.goto(ui.base_url + "/cookies/")
    assert ui.visited == ["/", "/cookies/"]
    with pytest.raises(AssertionError, match="visited but not checked"):
        ui.assert_all_checked_and_accessible()
    ui.check()
