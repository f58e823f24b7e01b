"""Saving the sections of a full application: versions, budget lines, and the round's rules
checked where the answer is given."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from funding.errors import (
    DeadlinePassed,
    LeadLimitReached,
    NotPermitted,
    RuleCode,
    RulesNotMet,
    SectionConflict,
)
from funding.models import Application, ApplicationChange, ApplicationSection, BudgetLine, Section
from funding.services import applications_sections as section_services
from funding.services import applications_start as start_services
from funding.services.applications import BudgetLineValue
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)
from tests.funding.support import rules_of

pytestmark = pytest.mark.django_db


class TestSectionSave:
    def test_saves_a_section_marks_it_complete_and_keeps_the_history(self):
        application = ApplicationFactory()
        person = member_of(application.lead_organisation)

        state = section_services.application_section_save(
            application=application,
            section=Section.PROBLEM,
            values={"title": " Missed bins ", "problem": "Calls", "evidence": "Figures"},
            completed=True,
            version=0,
            saved_by=person,
        )

        application.refresh_from_db()
        assert application.title == "Missed bins"
        assert (state.version, state.is_completed, state.updated_by) == (1, True, person)
        change = ApplicationChange.objects.filter(application=application, section="problem").get()
        assert change.changed_by == person
        assert "project title" in change.fields

    def test_lets_a_partner_member_edit_but_not_a_stranger(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)

        section_services.application_section_save(
            application=application,
            section=Section.USERS,
            values={"users_and_needs": "Residents"},
            completed=False,
            version=0,
            saved_by=member_of(partner.organisation),
        )
        with pytest.raises(NotPermitted):
            section_services.application_section_save(
                application=application,
                section=Section.USERS,
                values={"users_and_needs": "Taken over"},
                completed=False,
                version=1,
                saved_by=member_of(SignatoryFactory()),
            )
        application.refresh_from_db()
        assert application.users_and_needs == "Residents"

    def test_refuses_a_save_against_an_old_version_and_changes_nothing(self):
        application = ApplicationFactory()
        first = member_of(application.lead_organisation, user=UserFactory(full_name="Ada Lovelace"))
        second = member_of(application.lead_organisation)
        section_services.application_section_save(
            application=application,
            section=Section.USERS,
            values={"users_and_needs": "Ada's answer"},
            completed=False,
            version=0,
            saved_by=first,
        )

        with pytest.raises(SectionConflict) as conflict:
            section_services.application_section_save(
                application=application,
                section=Section.USERS,
                values={"users_and_needs": "The second answer"},
                completed=False,
                version=0,
                saved_by=second,
            )

        assert (conflict.value.saved_by, conflict.value.version) == ("Ada Lovelace", 1)
        application.refresh_from_db()
        assert application.users_and_needs == "Ada's answer"

    def test_replaces_the_budget_lines(self):
        application = ApplicationFactory(complete=True)
        state = ApplicationSection.objects.get(application=application, section=Section.BUDGET)

        section_services.application_section_save(
            application=application,
            section=Section.BUDGET,
            values={"requested_amount": Decimal(50000)},
            budget_lines=[
                BudgetLineValue("Researcher", Decimal(30000)),
                BudgetLineValue("Developer", Decimal(20000)),
            ],
            completed=True,
            version=state.version,
            saved_by=application.created_by,
        )

        assert list(
            BudgetLine.objects.filter(application=application).values_list("description", "amount")
        ) == [("Researcher", Decimal(30000)), ("Developer", Decimal(20000))]

    def test_saves_each_partners_role_with_the_team(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application, role="")

        section_services.application_section_save(
            application=application,
            section=Section.TEAM,
            values={"team": "Three people"},
            partner_roles={partner.pk: "Runs the research"},
            completed=True,
            version=0,
            saved_by=application.created_by,
        )

        partner.refresh_from_db()
        assert partner.role == "Runs the research"

    def test_refuses_a_field_of_another_section(self):
        application = ApplicationFactory()

        with pytest.raises(ValueError, match="no fields"):
            section_services.application_section_save(
                application=application,
                section=Section.USERS,
                values={"title": "Sneaky"},
                completed=False,
                version=0,
                saved_by=application.created_by,
            )

    def test_refuses_after_the_close(self):
        application = ApplicationFactory()

        with pytest.raises(DeadlinePassed, match="can no longer be changed"):
            section_services.application_section_save(
                application=application,
                section=Section.USERS,
                values={"users_and_needs": "Late"},
                completed=False,
                version=0,
                saved_by=application.created_by,
                now=application.round.applications_close_at,
            )


@pytest.mark.django_db(transaction=True)
def test_two_collaborators_saving_one_section_at_once_never_lose_an_edit_silently():
    """Both opened the section at version 0 and press Save together: one is saved, the
    other is refused with a conflict, and what is stored is exactly the first's answer."""
    application = ApplicationFactory()
    people = [member_of(application.lead_organisation) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def save(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            section_services.application_section_save(
                application=application,
                section=Section.USERS,
                values={"users_and_needs": f"Answer {index}"},
                completed=False,
                version=0,
                saved_by=people[index],
            )
            outcomes[index] = "saved"
        except SectionConflict as conflict:
            outcomes[index] = conflict
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = [index for index, outcome in outcomes.items() if outcome == "saved"]
    conflicts = [o for o in outcomes.values() if isinstance(o, SectionConflict)]
    assert len(saved) == 1 and len(conflicts) == 1, outcomes
    application.refresh_from_db()
    assert application.users_and_needs == f"Answer {saved[0]}"
    state = ApplicationSection.objects.get(application=application, section=Section.USERS)
    assert state.version == 1
    assert conflicts[0].version == 1
    assert timezone.now() >= state.updated_at


def section_version(application: Application, section: str) -> int:
    return ApplicationSection.objects.get(application=application, section=section).version


class TestRulesWhereTheAnswerIsGiven:
    """Saving a section checks the round's rules that submission checks: an answer that
    breaks one is refused whenever it is saved; a section marked complete must leave
    nothing of its own to do."""

    def test_an_amount_over_its_phases_cap_is_refused_even_for_later(self):
        application = ApplicationFactory(complete=True)  # discovery, capped at £80,000

        with pytest.raises(RulesNotMet) as refused:
            section_services.application_section_save(
                application=application,
                section=Section.BUDGET,
                values={"requested_amount": Decimal(90000)},
                budget_lines=[BudgetLineValue("Research", Decimal(90000))],
                completed=False,
                version=section_version(application, Section.BUDGET),
                saved_by=application.created_by,
            )

        assert rules_of(refused.value) == {RuleCode.PHASE_CAP}
        assert "requested_amount" in refused.value.problems[0].fields
        application.refresh_from_db()
        assert application.requested_amount == Decimal(60000)
        assert list(application.budget_lines.values_list("amount", flat=True)) == [60000]
        assert section_version(application, Section.BUDGET) == 1

    def test_a_phase_whose_cap_is_below_the_amount_is_refused(self):
        application = ApplicationFactory(complete=True, phase="alpha", requested_amount=200000)

        with pytest.raises(RulesNotMet, match="£80,000 or less for a discovery project") as refused:
            section_services.application_section_save(
                application=application,
                section=Section.APPROACH,
                values={"approach": "Research", "phase": "discovery"},
                completed=False,
                version=section_version(application, Section.APPROACH),
                saved_by=application.created_by,
            )

        assert "phase" in refused.value.problems[0].fields
        application.refresh_from_db()
        assert application.phase == "alpha"

    def test_the_team_cannot_be_completed_without_each_partners_role(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application, role="")

        with pytest.raises(RulesNotMet) as refused:
            section_services.application_section_save(
                application=application,
                section=Section.TEAM,
                values={"team": "Three people"},
                partner_roles={partner.pk: ""},
                completed=True,
                version=0,
                saved_by=application.created_by,
            )
        assert refused.value.problems[0].fields == (f"role_{partner.pk}",)
        assert f"Say what {partner.organisation.name} will do" in str(refused.value)

        section_services.application_section_save(
            application=application,
            section=Section.TEAM,
            values={"team": "Three people"},
            partner_roles={partner.pk: ""},
            completed=False,
            version=0,
            saved_by=application.created_by,
        )
        assert section_version(application, Section.TEAM) == 1

    def test_a_budget_whose_lines_do_not_add_up_is_saved_for_later_but_not_completed(self):
        application = ApplicationFactory()
        values = {"requested_amount": Decimal(100)}
        lines = [BudgetLineValue("A", Decimal(60)), BudgetLineValue("B", Decimal(30))]

        with pytest.raises(RulesNotMet, match="add up to £90, but the amount requested is £100"):
            section_services.application_section_save(
                application=application,
                section=Section.BUDGET,
                values=values,
                budget_lines=lines,
                completed=True,
                version=0,
                saved_by=application.created_by,
            )
        section_services.application_section_save(
            application=application,
            section=Section.BUDGET,
            values=values,
            budget_lines=lines,
            completed=False,
            version=0,
            saved_by=application.created_by,
        )
        assert application.budget_lines.count() == 2

    def test_the_first_answers_start_the_draft(self):
        round = RoundFactory()
        lead = SignatoryFactory()
        person = member_of(lead)

        application = start_services.application_start(
            round=round,
            lead_organisation=lead,
            started_by=person,
            first_answers={"title": "Missed bins", "problem": "", "evidence": ""},
        )

        application.refresh_from_db()
        assert application.title == "Missed bins"
        assert section_version(application, Section.PROBLEM) == 1
        assert list(application.changes.values_list("description", flat=True)) == [
            "Saved the problem and the evidence for it",
            "Started the application",
        ]

    def test_the_start_check_refuses_as_the_start_does_and_writes_nothing(self):
        round = RoundFactory(max_led_applications=1)
        lead = SignatoryFactory()
        person = member_of(lead)

        start_services.application_start_check(
            round=round, lead_organisation=lead, started_by=person
        )
        assert not Application.objects.exists()

        ApplicationFactory(round=round, lead_organisation=lead)
        with pytest.raises(LeadLimitReached, match="already leads 1 application in"):
            start_services.application_start_check(
                round=round, lead_organisation=lead, started_by=person
            )
        assert Application.objects.count() == 1
