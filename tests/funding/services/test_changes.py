"""Change requests: the project team (members of the lead) asks for a new end date, money
moved between budget lines, or a milestone changed, with a reason; partners read; a fund
manager approves (the change is made, the schedule fitted, audited) or rejects with a note.
A change that would raise the total award is refused."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from funding.errors import ChangeRaisesAward, FundingError, NotPermitted, TransitionNotAllowed
from funding.models import BudgetLine, ChangeKind, ChangeRequest, ChangeStatus, ReportStatus
from funding.services import changes as services
from funding.services.reporting import award_dates_set
from localdigital.admin_actions import object_action_url
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    BudgetLineFactory,
    member_of,
)
from tests.funding.factories_reporting import ChangeRequestFactory, ProjectMilestoneFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class Project:
    """An accepted project running from a month ago for six months, with its reports, two
    budget lines, a milestone, a member of the lead, of a partner and a fund manager."""

    def __init__(self) -> None:
        today = timezone.localdate()
        self.award = AwardFactory.create(accepted=True, title="Joined-up missed bins")
        application = self.award.application
        self.manager = UserFactory.create(staff=True, groups=["Fund manager"])
        award_dates_set(
            award=self.award,
            starts_on=today - 30 * DAY,
            ends_on=today + 180 * DAY,
            set_by=self.manager,
        )
        self.award.refresh_from_db()
        self.lead = member_of(application.lead_organisation)
        partner = ApplicationPartnerFactory.create(
            application=application, confirmed=True
        ).organisation
        self.partner = member_of(partner)
        self.line = application.budget_lines.get()
        self.other_line = BudgetLineFactory.create(
            application=application, description="User research", amount=Decimal(5000)
        )
        self.milestone = ProjectMilestoneFactory.create(award=self.award, title="Alpha assessed")

    def ask(self, kind: str = ChangeKind.END_DATE, **values: Any) -> ChangeRequest:
        return services.change_request_make(
            award=self.award,
            kind=kind,
            reason="A partner joined late.",
            requested_by=self.lead,
            **values,
        )

    @property
    def list_url(self) -> str:
        return reverse("funding:project-changes", args=[self.award.slug])

    def new_url(self, kind: str) -> str:
        return reverse("funding:project-change-new", args=[self.award.slug, kind])


@pytest.fixture
def project() -> Project:
    return Project()


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

    def test_moving_more_than_a_line_has_would_raise_the_award(self, project):
        with pytest.raises(ChangeRaisesAward, match="would raise the total award"):
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

        with pytest.raises(ChangeRaisesAward):
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


class TestTeamPages:
    def test_the_lead_sees_the_history_and_the_ways_to_ask(self, project):
        change = project.ask(new_end_on=project.award.planned_end_on + DAY)
        services.change_request_reject(
            change=change, decided_by=project.manager, note="Keep the date."
        )

        page = client_for(project.lead).get(project.list_url).text

        assert "Ask to change the end date" in page
        assert "Ask to move money between budget lines" in page
        assert "Ask to change a milestone" in page
        assert "Rejected" in page and "Keep the date." in page

    def test_a_partner_reads_but_may_not_ask(self, project):
        project.ask(new_end_on=project.award.planned_end_on + DAY)
        client = client_for(project.partner)

        page = client.get(project.list_url).text
        response = client.get(project.new_url("end-date"))

        assert "Waiting for a decision" in page
        assert "Ask to change the end date" not in page
        assert response.status_code == 302
        assert "ask for changes to the project" in messages_of(response)[0]

    def test_someone_not_on_the_team_is_told_there_is_no_such_page(self, project):
        stranger = member_of(ApplicationPartnerFactory.create().organisation)
        assert client_for(stranger).get(project.list_url).status_code == 404
        assert client_for(project.lead).get(project.new_url("colour")).status_code == 404

    def test_asking_for_a_new_end_date_redirects_to_the_history(self, project):
        new_end = project.award.planned_end_on + 30 * DAY

        response = client_for(project.lead).post(
            project.new_url("end-date"),
            {"new_end_on": new_end.strftime("%d/%m/%Y"), "reason": "A partner joined late."},
        )

        assert response.status_code == 302 and response.url == project.list_url
        assert ChangeRequest.objects.get().new_end_on == new_end

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"new_end_on": "", "reason": "Late."}, "Enter the new end date"),
            ({"new_end_on": "31/2/2027", "reason": "Late."}, "must be a real date"),
            ({"new_end_on": "1/1/2030", "reason": ""}, "Say why the change is needed"),
            ({"new_end_on": "1/1/2000", "reason": "Late."}, "on or after the project"),
        ],
    )
    def test_the_end_date_form_says_what_is_wrong(self, project, data, message):
        response = client_for(project.lead).post(project.new_url("end-date"), data)

        assert response.status_code == 200
        assert message in response.text
        assert not ChangeRequest.objects.exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"to_line": "line", "amount": "10"}, "Choose the budget line to move money from"),
            ({"from_line": "line", "amount": "10"}, "Choose the budget line to move money to"),
            ({"from_line": "line", "to_line": "line", "amount": "10"}, "a different budget"),
            ({"from_line": "other", "to_line": "line", "amount": ""}, "Enter the amount"),
            ({"from_line": "other", "to_line": "line", "amount": "lots"}, "amount in pounds"),
            ({"from_line": "other", "to_line": "line", "amount": "0"}, "at least £1"),
            ({"from_line": "other", "to_line": "line", "amount": "5001"}, "raise the total"),
            ({"from_line": "999999", "to_line": "line", "amount": "1"}, "project&#x27;s budget"),
        ],
    )
    def test_the_budget_form_says_what_is_wrong(self, project, data, message):
        ids = {"line": str(project.line.pk), "other": str(project.other_line.pk)}
        posted = {name: ids.get(value, value) for name, value in data.items()}

        response = client_for(project.lead).post(
            project.new_url("budget"), {**posted, "reason": "Research costs more."}
        )

        assert response.status_code == 200
        assert message in response.text
        assert not ChangeRequest.objects.exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"milestone_title": "Beta"}, "Choose the milestone to change"),
            ({"milestone": "999999", "milestone_title": "Beta"}, "project&#x27;s milestones"),
            ({"milestone": "mine"}, "new title, its new date, or both"),
            ({"milestone": "mine", "milestone_planned_on": "soon"}, "must be a real date"),
            ({"milestone": "mine", "milestone_title": "x" * 201}, "200 characters or fewer"),
        ],
    )
    def test_the_milestone_form_says_what_is_wrong(self, project, data, message):
        posted = {
            name: str(project.milestone.pk) if value == "mine" else value
            for name, value in data.items()
        }

        response = client_for(project.lead).post(
            project.new_url("milestone"), {**posted, "reason": "Procurement slipped."}
        )

        assert response.status_code == 200
        assert message in response.text
        assert not ChangeRequest.objects.exists()

    def test_a_milestone_change_is_sent(self, project):
        response = client_for(project.lead).post(
            project.new_url("milestone"),
            {
                "milestone": str(project.milestone.pk),
                "milestone_title": "Beta assessed",
                "reason": "Procurement slipped.",
            },
        )

        assert response.status_code == 302
        assert ChangeRequest.objects.get().milestone_title == "Beta assessed"


class TestAdmin:
    @pytest.fixture
    def manager_client(self, otp_verified_client_for, project):
        return otp_verified_client_for(project.manager)

    def test_the_list_and_the_page_show_what_is_asked(self, manager_client, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)

        listing = manager_client.get(reverse("admin:funding_changerequest_changelist")).text
        page = manager_client.get(
            reverse("admin:funding_changerequest_change", args=[change.pk])
        ).text

        assert "Joined-up missed bins" in listing and "End on" in listing
        assert "A partner joined late." in page
        assert "Approve…" in page and "Reject…" in page
        award_page = manager_client.get(
            reverse("admin:funding_award_change", args=[project.award.pk])
        ).text
        assert "changes asked for" in award_page.lower()

    def test_approving_from_the_page_asks_for_an_optional_note(self, manager_client, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)
        url = object_action_url(change, "approve_selected")

        asked = manager_client.post(url)
        response = manager_client.post(url, {"confirm": "yes", "note": "Agreed on the call."})

        assert "Note to the team (optional)" in asked.text
        assert response.url == reverse("admin:funding_changerequest_change", args=[change.pk])
        assert "Approved Change the end date for Joined-up missed bins." in messages_of(response)
        change.refresh_from_db()
        assert (change.status, change.decision_note) == (
            ChangeStatus.APPROVED,
            "Agreed on the call.",
        )

    def test_rejecting_needs_a_note(self, manager_client, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)
        url = object_action_url(change, "reject_selected")

        empty = manager_client.post(url, {"confirm": "yes", "note": ""})
        manager_client.post(url, {"confirm": "yes", "note": "Not this year."})

        assert "Write a note saying why the change is rejected." in empty.text
        assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.REJECTED

    def test_a_refusal_is_a_message_not_an_error(self, manager_client, project):
        change = ChangeRequestFactory.create(status=ChangeStatus.REJECTED)

        response = manager_client.post(
            reverse("admin:funding_changerequest_changelist"),
            {"action": "approve_selected", "_selected_action": [change.pk], "confirm": "yes"},
        )

        assert response.status_code == 302
        assert "Not approved:" in messages_of(response)[0]

    def test_refused_to_an_assessor(self, otp_verified_client_for, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)
        client = otp_verified_client_for(UserFactory.create(staff=True, groups=["Assessor"]))

        assert client.get(reverse("admin:funding_changerequest_changelist")).status_code == 403
        response = client.post(object_action_url(change, "approve_selected"))
        assert response.status_code == 403
