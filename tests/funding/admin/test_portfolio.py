"""The fund managers' portfolio of live projects in the admin: what each row says, the
order of risk, the filters by round, status and overdue, the CSV file of the same, who may
see it, and the same number of queries at 10 and at 1,000 projects."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import RagStatus
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory
from tests.funding.factories import AwardFactory, InstalmentFactory, RoundFactory
from tests.funding.factories_reporting import ProgressReportFactory
from tests.funding.portfolio_rows import add_projects

pytestmark = pytest.mark.django_db

PORTFOLIO = reverse("admin:funding_award_portfolio")
CSV = reverse("admin:funding_award_portfolio_csv")


def project(title: str, *, rag: str = "", overdue: bool = False, **kwargs):
    award = AwardFactory.create(active=True, title=title, **kwargs)
    if rag:
        ProgressReportFactory.create(award=award, number=1, accepted=True, overall_status=rag)
    if overdue:
        ProgressReportFactory.create(
            award=award, number=2, due_at=timezone.now() - datetime.timedelta(days=2)
        )
    else:
        ProgressReportFactory.create(award=award, number=2)
    return award


def titles(response) -> list[str]:
    return [item["row"].title for item in response.context["rows"]]


class TestThePortfolio:
    def test_shows_each_live_project_riskiest_first(self, manager):
        green = project("Green project", rag=RagStatus.GREEN)
        project("Amber project", rag=RagStatus.AMBER)
        project("Red project", rag=RagStatus.RED)
        project("Overdue project", rag=RagStatus.GREEN, overdue=True)
        project("New project")
        AwardFactory.create(title="Offered project")
        AwardFactory.create(completed=True, title="Completed project")
        InstalmentFactory.create(
            award=green,
            amount=Decimal(20000),
            paid_at=timezone.now(),
            paid_on=timezone.localdate(),
            paid_amount=Decimal(20000),
        )

        response = manager.get(PORTFOLIO)

        assert titles(response) == [
            "Overdue project",
            "Red project",
            "Amber project",
            "Green project",
            "New project",
        ]
        page = response.text
        assert "£20,000" in page and "£60,000" in page
        assert "Amber: at risk" in page and "Not reported yet" in page
        assert "<strong>Overdue</strong>" in page

    def test_filters_by_round_status_and_overdue(self, manager):
        other_round = RoundFactory.create(decided=True, name="Round 9")
        project("Late one", overdue=True)
        project("Elsewhere", application__round=other_round)
        AwardFactory.create(completed=True, title="Finished one")

        by_round = manager.get(PORTFOLIO, {"round": other_round.pk})
        completed = manager.get(PORTFOLIO, {"status": "completed"})
        overdue = manager.get(PORTFOLIO, {"overdue": "yes"})
        not_overdue = manager.get(PORTFOLIO, {"overdue": "no"})
        nonsense = manager.get(PORTFOLIO, {"round": "x", "status": "won", "overdue": "maybe"})

        assert titles(by_round) == ["Elsewhere"]
        assert titles(completed) == ["Finished one"]
        assert titles(overdue) == ["Late one"]
        assert titles(not_overdue) == ["Elsewhere"]
        assert set(titles(nonsense)) == {"Late one", "Elsewhere"}

    def test_the_csv_file_has_the_same_rows(self, manager):
        project("Red project", rag=RagStatus.RED)
        project("Overdue project", overdue=True)

        response = manager.get(CSV)

        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert rows[0][:3] == ["project", "lead organisation", "round"]
        assert [row[0] for row in rows[1:]] == ["Overdue project", "Red project"]
        assert rows[2][7] == "Red: in trouble" and rows[1][8] == "yes"

    def test_a_project_with_no_report_due_says_so_and_the_csv_leaves_it_empty(self, manager):
        AwardFactory.create(active=True, title="Quiet project")

        page = manager.get(PORTFOLIO).text
        response = manager.get(CSV)

        assert "<td>No report due</td>" in page
        assert "<td>None</td>" not in page
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert rows[1][0] == "Quiet project" and rows[1][6] == ""

    def test_the_award_list_links_to_it(self, manager):
        page = manager.get(reverse("admin:funding_award_changelist")).text
        assert PORTFOLIO in page

    def test_is_refused_to_an_assessor(self, otp_verified_client_for):
        client = otp_verified_client_for(UserFactory.create(staff=True, groups=["Assessor"]))
        assert client.get(PORTFOLIO).status_code == 403
        assert client.get(CSV).status_code == 403


def queries(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(captured)


def test_the_same_number_of_queries_for_10_and_1000_projects(manager):
    round = RoundFactory.create(decided=True)
    organisations = OrganisationFactory.create_batch(5)

    add_projects(10, round=round, organisations=organisations)
    small = queries(manager, PORTFOLIO), queries(manager, f"{PORTFOLIO}?overdue=yes")
    small_csv = queries(manager, CSV)
    add_projects(990, round=round, organisations=organisations)
    large = queries(manager, PORTFOLIO), queries(manager, f"{PORTFOLIO}?overdue=yes")
    large_csv = queries(manager, CSV)

    assert small == large, f"{small} queries with 10 projects, {large} with 1,000"
    assert small_csv == large_csv
    assert "1000 projects" in manager.get(PORTFOLIO).text
