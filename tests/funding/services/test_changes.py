"""Change requests (funding/services/changes.py): the project team (members of the lead) asks
for a new end date, money moved between budget lines, or a milestone changed, with a reason; a
fund manager approves or refuses it. The team's pages and the admin are tested in
views/test_changes.py and admin/test_changes.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from funding.errors import FundingError, MoveExceedsLine, NotPermitted, TransitionNotAllowed
from funding.models import BudgetLine, ChangeKind, ChangeRequest, ChangeStatus, ReportStatus
from funding.services import changes as services
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import AwardFactory, BudgetLineFactory, member_of
from tests.funding.support import DAY

pytestmark = pytest.mark.django_db


class TestAsking:
    def test_a_lead_member_asks_for_a_new_end_date(self, project):
        new_end = project.award.planned_end_on + 60 * DAY

        change = project.ask(new_end_on=new_end)

        assert change.status == ChangeStatus.PENDING
        assert change.new_end_on == new_end
        assert AuditEvent.objects.filter(verb="funding.change.requested").exists()

    def test_a_partner_may_not_ask(self, project):
        with pytest.raises(NotPermitted):
            services.change_request_make(
                award=project.award,
                kind=ChangeKind.END_DATE,
                reason="Why not.",
                requested_by=project.partner,
                new_end_on=project.award.planned_end_on + DAY,
            )

    def test_a_completed_project_takes_no_requests(self):
        award = AwardFactory.create(completed=True)
        lead = member_of(award.application.lead_organisation)
        with pytest.raises(TransitionNotAllowed):
            services.change_request_make(
                award=award,
                kind=ChangeKind.END_DATE,
                reason="Late.",
                requested_by=lead,
                new_end_on=timezone.localdate(),
            )

    def test_an_end_before_the_start_is_refused(self, project):
        with pytest.raises(FundingError, match="on or after the project's start"):
            project.ask(new_end_on=project.award.planned_start_on - DAY)

    def test_moving_more_than_a_line_has_says_how_much_it_has(self, project):
        with pytest.raises(
            MoveExceedsLine, match=r"^User research only has £5,000 to move: enter £5,000 or less$"
        ):
            project.ask(
                ChangeKind.BUDGET,
                from_line=project.other_line,
                to_line=project.line,
                amount=Decimal(5001),
            )

    def test_a_line_of_another_project_is_refused(self, project):
        elsewhere = BudgetLineFactory.create()
        with pytest.raises(FundingError, match="project's own budget"):
            project.ask(
                ChangeKind.BUDGET, from_line=elsewhere, to_line=project.line, amount=Decimal(1)
            )

    def test_a_milestone_change_needs_a_title_or_a_date(self, project):
        with pytest.raises(FundingError, match="new title, its new date"):
            project.ask(ChangeKind.MILESTONE, milestone=project.milestone)


class TestDeciding:
    def test_approving_a_new_end_fits_only_the_reports_not_submitted(self, project):
        first = project.award.reports.order_by("due_at").first()
        first.status, first.submitted_at = ReportStatus.SUBMITTED, timezone.now()
        first.save()
        first_due = first.due_at
        final_before = project.award.reports.get(is_final=True).due_at
        new_end = project.award.planned_end_on + 90 * DAY
        change = project.ask(new_end_on=new_end)

        services.change_request_approve(change=change, decided_by=project.manager, note="Fine.")

        project.award.refresh_from_db()
        assert project.award.planned_end_on == new_end
        first.refresh_from_db()
        assert first.due_at == first_due
        final = project.award.reports.get(is_final=True)
        assert final.due_at > final_before
        assert timezone.localdate(final.due_at) == new_end
        change.refresh_from_db()
        assert (change.status, change.decision_note) == (ChangeStatus.APPROVED, "Fine.")
        event = AuditEvent.objects.get(verb="funding.change.approved")
        assert event.actor == project.manager

    def test_approving_a_budget_move_moves_the_money_and_keeps_the_total(self, project):
        before = project.line.amount + project.other_line.amount
        change = project.ask(
            ChangeKind.BUDGET,
            from_line=project.line,
            to_line=project.other_line,
            amount=Decimal(2500),
        )

        services.change_request_approve(change=change, decided_by=project.manager)

        project.line.refresh_from_db()
        project.other_line.refresh_from_db()
        assert project.other_line.amount == Decimal(7500)
        assert project.line.amount + project.other_line.amount == before

    def test_a_move_that_no_longer_fits_is_refused_when_approved(self, project):
        change = project.ask(
            ChangeKind.BUDGET,
            from_line=project.other_line,
            to_line=project.line,
            amount=Decimal(5000),
        )
        BudgetLine.objects.filter(pk=project.other_line.pk).update(amount=Decimal(100))

        with pytest.raises(MoveExceedsLine, match="only has £100 to move"):
            services.change_request_approve(change=change, decided_by=project.manager)
        assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.PENDING

    def test_approving_a_milestone_change(self, project):
        new_day = timezone.localdate() + 100 * DAY
        change = project.ask(
            ChangeKind.MILESTONE,
            milestone=project.milestone,
            milestone_title="Beta assessed",
            milestone_planned_on=new_day,
        )

        services.change_request_approve(change=change, decided_by=project.manager)

        project.milestone.refresh_from_db()
        assert (project.milestone.title, project.milestone.planned_on) == (
            "Beta assessed",
            new_day,
        )

    def test_rejecting_needs_a_note_and_changes_nothing(self, project):
        end = project.award.planned_end_on
        change = project.ask(new_end_on=end + 30 * DAY)

        with pytest.raises(FundingError, match="Write a note"):
            services.change_request_reject(change=change, decided_by=project.manager, note=" ")
        services.change_request_reject(
            change=change, decided_by=project.manager, note="Not this year."
        )

        project.award.refresh_from_db()
        assert project.award.planned_end_on == end
        assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.REJECTED

    def test_a_decided_change_is_not_decided_again(self, project):
        change = project.ask(new_end_on=project.award.planned_end_on + DAY)
        services.change_request_reject(change=change, decided_by=project.manager, note="No.")

        with pytest.raises(TransitionNotAllowed, match="already rejected"):
            services.change_request_approve(change=change, decided_by=project.manager)

    def test_only_fund_managers_decide(self, project):
        change = project.ask(new_end_on=project.award.planned_end_on + DAY)
        assessor = UserFactory.create(staff=True, groups=["Assessor"])

        with pytest.raises(NotPermitted):
            services.change_request_approve(change=change, decided_by=assessor)
