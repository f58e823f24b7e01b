"""The training report in the admin: per cohort and per organisation, enrolled, waiting,
attended, completed and no-show, on a page and as CSV with no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.funding.factories import SignatoryFactory
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
)
from training.selectors import COHORT_REPORT_HEADERS, ORGANISATION_REPORT_HEADERS

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:training_cohort_report")
COHORTS_CSV = reverse("admin:training_cohort_report_csv")
ORGANISATIONS_CSV = reverse("admin:training_cohort_report_organisations_csv")


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


@pytest.fixture
def past():
    """A completed cohort run for "=HYPERLINK(…)" Council: one completed, one no-show, one
    who attended some sessions; and someone waiting on an open cohort."""
    council = SignatoryFactory(name='=HYPERLINK("http://evil.example")')
    course = CourseFactory(title="@SUM(1+1) cyber")
    cohort = CohortFactory(course=course, past=True, name="Autumn")
    completed = EnrolmentFactory(cohort=cohort, organisation=council, completed=True)
    EnrolmentFactory(cohort=cohort, organisation=council, no_show=True)
    some = EnrolmentFactory(cohort=cohort, organisation=council, status="incomplete")
    AttendanceFactory(enrolment=completed)
    AttendanceFactory(enrolment=some)
    EnrolmentFactory(cohort=CohortFactory(capacity=1), waiting=True, waiting_position=1)
    return cohort, council


def test_the_page_shows_each_cohort_and_organisation(trainer, past):
    cohort, council = past

    response = trainer.get(REPORT)

    assert response.status_code == 200
    (row,) = [
        item["row"] for item in response.context["cohorts"] if item["row"].cohort_id == cohort.pk
    ]
    figures = (row.enrolled, row.waiting, row.attended, row.completed, row.incomplete)
    assert (*figures, row.no_show) == (3, 0, 2, 1, 1, 1)
    (organisation,) = [
        o for o in response.context["organisations"] if o.organisation_id == council.pk
    ]
    assert (organisation.enrolled, organisation.completed, organisation.no_show) == (3, 1, 1)
    assert response.context["totals"]["waiting"] == 1
    assert COHORTS_CSV in response.text
    assert ORGANISATIONS_CSV in response.text


def test_the_cohort_csv_has_every_cohort_and_runs_no_formula(trainer, past):
    cohort, _council = past

    rows = rows_of(trainer.get(COHORTS_CSV))

    assert rows[0] == list(COHORT_REPORT_HEADERS)
    (row,) = [r for r in rows[1:] if r[0] == str(cohort.pk)]
    assert row[1] == "'@SUM(1+1) cyber"
    assert row[2] == "Autumn"
    assert row[6:] == ["3", "0", "2", "1", "1", "1"]
    assert len(rows) == 3


def test_the_organisation_csv_runs_no_formula(trainer, past):
    rows = rows_of(trainer.get(ORGANISATIONS_CSV))

    assert rows[0] == list(ORGANISATION_REPORT_HEADERS)
    assert ['\'=HYPERLINK("http://evil.example")', "3", "0", "2", "1", "1", "1"] in rows


def test_other_staff_are_refused_the_report_and_its_csvs(other_staff, past):
    for url in (REPORT, COHORTS_CSV, ORGANISATIONS_CSV):
        assert other_staff.get(url).status_code == 403


def test_the_report_is_read_by_get_only(trainer):
    assert trainer.post(COHORTS_CSV).status_code == 405
