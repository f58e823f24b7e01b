"""The applicant's side of full applications: starting, sections, partners and their
confirmation, submitting under every rule of the round, and withdrawing."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from funding.errors import (
    DeadlinePassed,
    FundingError,
    LeadLimitReached,
    NotPermitted,
    RuleCode,
    RulesNotMet,
    SectionConflict,
    TransitionNotAllowed,
    WindowNotOpen,
)
from funding.models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    ApplicationStatus,
    BudgetLine,
    EoiStatus,
    Section,
)
from funding.services import applications as services
from funding.services import applications_partners as partner_services
from funding.services import applications_sections as section_services
from funding.services import applications_start as start_services
from funding.services import applications_submission as submission_services
from funding.services.applications import BudgetLineValue
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    EoiFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def broken_audit(monkeypatch):
    def fail(**kwargs):
        raise IntegrityError("audit log unavailable")

    for module in (services, submission_services):
        monkeypatch.setattr(module, "audit_record", fail)


def rules_of(error: RulesNotMet) -> set[str]:
    return {problem.rule for problem in error.problems}


def ready(**kwargs) -> Application:
    """A complete draft with one confirmed partner: everything the round asks."""
    application = ApplicationFactory.create(complete=True, **kwargs)
    ApplicationPartnerFactory(application=application, confirmed=True)
    return application


def token_from(email: OutgoingEmail) -> str:
    for word in email.body_text.split():
        if "/funding/partners/confirm/?token=" in word:
            return parse_qs(urlsplit(word).query)["token"][0]
    raise AssertionError("no confirmation link in the email")


class TestApplicationStart:
    def test_starts_a_draft_with_every_section_not_started(self):
        round = RoundFactory()
        lead = SignatoryFactory()
        person = member_of(lead)

        application = start_services.application_start(
            round=round, lead_organisation=lead, started_by=person
        )

        assert application.reference.startswith("LDF-")
        states = ApplicationSection.objects.filter(application=application)
        assert {state.section for state in states} == set(Section.values)
        assert not any(state.is_completed or state.version for state in states)
        assert AuditEvent.objects.filter(verb="funding.application.started").exists()

    def test_refuses_a_round_with_an_eoi_stage(self):
        lead = SignatoryFactory()
        round = RoundFactory(eoi_then_applications_open=True)

        with pytest.raises(NotPermitted, match="only from expressions of interest"):
            start_services.application_start(
                round=round, lead_organisation=lead, started_by=member_of(lead)
            )

    def test_refuses_outside_the_window(self):
        lead = SignatoryFactory()
        for round in (RoundFactory(upcoming=True), RoundFactory(closed=True)):
            with pytest.raises(WindowNotOpen):
                start_services.application_start(
                    round=round, lead_organisation=lead, started_by=member_of(lead)
                )

    def test_refuses_a_third_bid_when_a_council_may_lead_two(self):
        """Round 3's rule: a council may lead at most 2 applications; drafts count."""
        round = RoundFactory(max_led_applications=2)
        lead = SignatoryFactory()
        ApplicationFactory(round=round, lead_organisation=lead)
        ApplicationFactory(round=round, lead_organisation=lead, submitted=True)
        ApplicationFactory(round=round, lead_organisation=lead, withdrawn=True)

        with pytest.raises(LeadLimitReached, match="already leads 2 applications"):
            start_services.application_start(
                round=round, lead_organisation=lead, started_by=member_of(lead)
            )

    def test_lets_a_council_at_its_lead_limit_partner_on_others(self):
        round = RoundFactory(max_led_applications=1)
        council = SignatoryFactory()
        ApplicationFactory(round=round, lead_organisation=council)
        other = ready(round=round)
        ApplicationPartner.objects.filter(application=other).update(organisation=council)

        submission_services.application_submit(application=other, submitted_by=other.created_by)

        other.refresh_from_db()
        assert other.status == ApplicationStatus.SUBMITTED


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


class TestPartnerConfirmation:
    def test_emails_the_contact_a_link_that_confirms_once(self):
        application = ApplicationFactory()
        organisation = SignatoryFactory()

        partner = partner_services.application_partner_add(
            application=application,
            organisation=organisation,
            contact_name="Jo Bloggs",
            contact_email="jo@partner.gov.uk",
            added_by=application.created_by,
        )

        email = OutgoingEmail.objects.get(recipient="jo@partner.gov.uk")
        assert email.is_sensitive
        token = token_from(email)
        assert partner_services.partner_for_token(token) == partner
        partner_services.application_partner_confirm(token=token)
        partner_services.application_partner_confirm(token=token)
        partner.refresh_from_db()
        assert partner.is_confirmed
        assert OutgoingEmail.objects.filter(recipient=application.created_by.email).count() == 1

    def test_a_new_contact_takes_the_confirmation_back_and_the_old_link_stops(self):
        application = ApplicationFactory()
        partner = partner_services.application_partner_add(
            application=application,
            organisation=SignatoryFactory(),
            contact_name="Jo",
            contact_email="jo@partner.gov.uk",
            added_by=application.created_by,
        )
        old = token_from(OutgoingEmail.objects.get(recipient="jo@partner.gov.uk"))
        partner_services.application_partner_confirm(token=old)

        partner_services.application_partner_contact_save(
            partner=partner,
            contact_name="Sam",
            contact_email="sam@partner.gov.uk",
            saved_by=application.created_by,
        )

        partner.refresh_from_db()
        assert not partner.is_confirmed
        with pytest.raises(NotPermitted):
            partner_services.application_partner_confirm(token=old)
        partner_services.application_partner_confirm(
            token=token_from(OutgoingEmail.objects.get(recipient="sam@partner.gov.uk"))
        )

    def test_resending_replaces_the_link(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)

        partner_services.application_partner_confirmation_resend(
            partner=partner, requested_by=application.created_by
        )
        first = token_from(OutgoingEmail.objects.get(recipient=partner.contact_email))
        partner_services.application_partner_confirmation_resend(
            partner=partner, requested_by=application.created_by
        )

        emails = OutgoingEmail.objects.filter(recipient=partner.contact_email).order_by("pk")
        assert emails.count() == 2
        with pytest.raises(NotPermitted):
            partner_services.application_partner_confirm(token=first)
        partner_services.application_partner_confirm(token=token_from(emails.last()))

    def test_refuses_a_made_up_token_and_a_link_after_the_close(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)
        partner_services.application_partner_confirmation_resend(
            partner=partner, requested_by=application.created_by
        )
        token = token_from(OutgoingEmail.objects.get(recipient=partner.contact_email))

        with pytest.raises(NotPermitted):
            partner_services.application_partner_confirm(token="made-up")
        with pytest.raises(DeadlinePassed):
            partner_services.application_partner_confirm(
                token=token, now=application.round.applications_close_at
            )

    def test_refuses_the_lead_as_its_own_partner_and_a_repeat(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)

        with pytest.raises(FundingError, match="leads this bid"):
            partner_services.application_partner_add(
                application=application,
                organisation=application.lead_organisation,
                contact_name="A",
                contact_email="a@example.gov.uk",
                added_by=application.created_by,
            )
        with pytest.raises(FundingError, match="already a partner"):
            partner_services.application_partner_add(
                application=application,
                organisation=partner.organisation,
                contact_name="A",
                contact_email="a@example.gov.uk",
                added_by=application.created_by,
            )


class TestApplicationSubmit:
    def test_submits_a_ready_application_and_emails_a_copy_of_the_answers(self):
        application = ready()

        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        email = OutgoingEmail.objects.get(recipient=application.created_by.email)
        assert application.reference in email.subject
        assert "42,000 calls a year about missed bins" in email.body_text
        assert "Sam Patel" in email.body_text
        assert AuditEvent.objects.filter(verb="funding.application.submitted").exists()

    @pytest.mark.parametrize(
        "close",
        [
            datetime.datetime(2019, 1, 16, 17, 0, tzinfo=LONDON),  # GMT
            datetime.datetime(2019, 9, 16, 17, 0, tzinfo=LONDON),  # BST, round 3's close
        ],
        ids=["GMT", "BST"],
    )
    def test_accepts_at_4_59_59pm_and_refuses_at_5pm_london_time(self, close):
        round = RoundFactory(
            applications_open_at=close - datetime.timedelta(days=30),
            applications_close_at=close,
            decisions_announced_at=close + datetime.timedelta(days=28),
        )
        late = ready(round=round)
        on_time = ready(round=round)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=late, submitted_by=late.created_by, now=close
            )
        assert rules_of(refused.value) == {RuleCode.WINDOW}
        assert f"5pm on {close:%A} 16 {close:%B} 2019" in str(refused.value)

        submission_services.application_submit(
            application=on_time,
            submitted_by=on_time.created_by,
            now=close - datetime.timedelta(seconds=1),
        )
        on_time.refresh_from_db()
        assert on_time.status == ApplicationStatus.SUBMITTED
        assert close.utcoffset() == datetime.timedelta(hours=0 if close.month == 1 else 1)

    def test_refuses_incomplete_sections_naming_each(self):
        application = ApplicationFactory()
        ApplicationPartnerFactory(application=application, confirmed=True)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        incomplete = [p for p in refused.value.problems if p.rule == RuleCode.INCOMPLETE]
        assert {p.section for p in incomplete} == set(Section.values)

    def test_refuses_too_few_organisations_for_round_3(self):
        """Round 3 needed at least 3 organisations, the lead included."""
        application = ready(round=RoundFactory(min_participants=3))

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PARTNER_MINIMUM}
        ApplicationPartnerFactory(application=application, confirmed=True)
        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

    def test_refuses_a_partner_that_has_not_signed(self):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(
            application=application, organisation=OrganisationFactory(), confirmed=True
        )

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.SIGNATORIES}

    def test_refuses_an_unconfirmed_partner(self):
        application = ApplicationFactory(complete=True)
        ApplicationPartnerFactory(application=application)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PARTNER_CONFIRMATION}

    def test_refuses_an_amount_over_the_phase_cap(self):
        round = RoundFactory(phases={"discovery": 80000})
        application = ready(round=round, requested_amount=Decimal("80000.01"))
        BudgetLine.objects.filter(application=application).update(amount=Decimal("80000.01"))

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PHASE_CAP}
        assert "£80,000 or less" in str(refused.value)

    def test_refuses_budget_lines_that_do_not_add_up(self):
        application = ready()
        BudgetLine.objects.create(application=application, description="Extra", amount=1)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.BUDGET_SUM}
        assert "£60,001" in str(refused.value)

    def test_refuses_a_partner_without_a_role(self):
        application = ready()
        ApplicationPartner.objects.filter(application=application).update(role="")

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.PARTNER_DETAILS}

    def test_refuses_over_the_lead_limit(self):
        round = RoundFactory(max_led_applications=1)
        application = ready(round=round)
        ApplicationFactory(round=round, lead_organisation=application.lead_organisation)

        with pytest.raises(RulesNotMet) as refused:
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        assert rules_of(refused.value) == {RuleCode.LEAD_LIMIT}

    def test_only_the_lead_organisation_submits(self):
        application = ready()
        partner = application.partners.get()

        with pytest.raises(NotPermitted):
            submission_services.application_submit(
                application=application, submitted_by=member_of(partner.organisation)
            )

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        application = ready()

        with pytest.raises(IntegrityError):
            submission_services.application_submit(
                application=application, submitted_by=application.created_by
            )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT
        assert not OutgoingEmail.objects.exists()


class TestApplicationWithdraw:
    def test_withdraws_before_the_close_and_frees_the_lead_limit(self):
        round = RoundFactory(max_led_applications=1)
        application = ApplicationFactory(round=round)

        submission_services.application_withdraw(
            application=application, withdrawn_by=application.created_by, reason="Merged"
        )

        application.refresh_from_db()
        assert (application.status, application.withdrawal_reason) == (
            ApplicationStatus.WITHDRAWN,
            "Merged",
        )
        start_services.application_start(
            round=round,
            lead_organisation=application.lead_organisation,
            started_by=application.created_by,
        )

    def test_refuses_after_the_close_twice_and_for_a_partner(self):
        application = ready()
        with pytest.raises(DeadlinePassed):
            submission_services.application_withdraw(
                application=application,
                withdrawn_by=application.created_by,
                now=application.round.applications_close_at,
            )
        with pytest.raises(NotPermitted):
            submission_services.application_withdraw(
                application=application,
                withdrawn_by=member_of(application.partners.get().organisation),
            )
        submission_services.application_withdraw(
            application=application, withdrawn_by=application.created_by
        )
        with pytest.raises(TransitionNotAllowed):
            submission_services.application_withdraw(
                application=application, withdrawn_by=application.created_by
            )

    def test_writes_nothing_when_the_audit_fails(self, broken_audit):
        application = ApplicationFactory()

        with pytest.raises(IntegrityError):
            submission_services.application_withdraw(
                application=application, withdrawn_by=application.created_by
            )

        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT


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


class TestApplicationDelete:
    def test_a_member_of_the_lead_deletes_a_draft_with_everything_in_it(self):
        application = ready()
        reference = application.reference
        person = member_of(application.lead_organisation)

        services.application_delete(application=application, deleted_by=person)

        assert not Application.objects.filter(reference=reference).exists()
        assert not ApplicationPartner.objects.exists()
        assert not ApplicationSection.objects.exists()
        assert not BudgetLine.objects.exists()
        assert not ApplicationChange.objects.exists()
        event = AuditEvent.objects.get(verb="funding.application.deleted")
        assert (event.actor, event.data["reference"]) == (person, reference)

    def test_a_member_of_a_partner_who_may_edit_it_cannot_delete_it(self):
        application = ApplicationFactory()
        partner = ApplicationPartnerFactory(application=application)

        with pytest.raises(NotPermitted, match="delete it"):
            services.application_delete(
                application=application, deleted_by=member_of(partner.organisation)
            )

        assert Application.objects.filter(pk=application.pk).exists()

    def test_one_invited_from_an_expression_of_interest_is_withdrawn_not_deleted(self):
        application = ApplicationFactory()
        EoiFactory(
            round=application.round,
            lead_organisation=application.lead_organisation,
            status=EoiStatus.INVITED,
            submitted_at=timezone.now(),
            application=application,
        )

        with pytest.raises(TransitionNotAllowed, match="withdraw it instead"):
            services.application_delete(application=application, deleted_by=application.created_by)

        assert Application.objects.filter(pk=application.pk).exists()

    @pytest.mark.parametrize("state", ["submitted", "withdrawn"])
    def test_only_a_draft_can_be_deleted(self, state):
        application = ApplicationFactory(**{state: True})

        with pytest.raises(TransitionNotAllowed, match="cannot be deleted"):
            services.application_delete(application=application, deleted_by=application.created_by)

    def test_not_after_the_deadline(self):
        application = ApplicationFactory()

        with pytest.raises(DeadlinePassed):
            services.application_delete(
                application=application,
                deleted_by=application.created_by,
                now=application.round.applications_close_at,
            )

    def test_deletes_nothing_when_the_audit_fails(self, broken_audit):
        application = ApplicationFactory()

        with pytest.raises(IntegrityError):
            services.application_delete(application=application, deleted_by=application.created_by)

        assert Application.objects.filter(pk=application.pk).exists()


class TestApplicationPartnersTold:
    """When an application is submitted, each partner organisation's admins are told."""

    def test_emails_each_partner_admin_who_submitted_what_and_where_to_read_it(self):
        application = ready(title="Joined-up missed bins")
        partner = application.partners.get().organisation
        admin = MembershipFactory(organisation=partner, admin=True).user
        member = MembershipFactory(organisation=partner).user

        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

        email = OutgoingEmail.objects.get(recipient=admin.email)
        assert partner.name in email.subject
        assert application.lead_organisation.name in email.subject
        assert application.created_by.full_name in email.body_text
        assert "Joined-up missed bins" in email.body_text
        assert f"/funding/applications/{application.reference}/" in email.body_text
        assert not OutgoingEmail.objects.filter(recipient=member.email).exists()

    def test_telling_twice_sends_once_per_organisation_and_admin(self):
        application = ready()
        partner = application.partners.get().organisation
        admins = [MembershipFactory(organisation=partner, admin=True).user for _ in range(2)]
        submission_services.application_submit(
            application=application, submitted_by=application.created_by
        )

        submission_services.application_partners_tell(application=application)
        submission_services.application_partners_tell(application=application)

        for admin in admins:
            assert OutgoingEmail.objects.filter(recipient=admin.email).count() == 1
