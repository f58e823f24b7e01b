"""The Fund's demo over the whole register, as `make run` makes it: its rounds, bids,
decisions, awards and reports, each checked by a mixin of checks, from one seeding."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from funding.models import (
    ApplicationPartner,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    ExpressionOfInterest,
    Instalment,
    ProgressReport,
    RagStatus,
    ReportStatus,
    Round,
)
from funding.selectors.portfolio import PortfolioFilters, portfolio_awards, portfolio_row
from funding.selectors.reporting import report_is_overdue
from tests.demo.fund_bids import RoundsAndBidsChecks
from tests.demo.fund_outcomes import OutcomesChecks
from tests.demo.support import (
    COUNCIL_MEMBER,
    REGISTER_CSV,
    seed_demo,
    sign_ins,
    signatory_ids,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.mark.xdist_group("seed_demo_fund")
class TestSeedDemoFund(RoundsAndBidsChecks, OutcomesChecks):
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
