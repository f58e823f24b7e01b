"""Configuring funds and rounds in the admin (funding/admin/rounds.py): the list with each
round's status, the round's dates in order, and every change audited. The round's reminders,
criteria and questions are tested in test_rounds_settings.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import PhaseCap, Round
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.admin_support import ADD_ROUND, ROUND_1_DATES, at, errors_of, round_data
from tests.funding.factories import FundFactory, RoundFactory

pytestmark = pytest.mark.django_db


ROUNDS = reverse("admin:funding_round_changelist")


FOUR_CRITERIA = [
    {"name": "Problem", "guidance": "", "weight": 30, "scale_max": 4, "position": 1},
    {"name": "Approach", "guidance": "", "weight": 30, "scale_max": 4, "position": 2},
    {"name": "Reuse", "guidance": "", "weight": 25, "scale_max": 4, "position": 3},
    {"name": "Team", "guidance": "", "weight": 15, "scale_max": 4, "position": 4},
]


class TestRoundList:
    def test_shows_each_rounds_status_from_its_dates_and_its_budget(self, client):
        RoundFactory(name="Round 11", eoi_open=True, budget=Decimal("7500000"))
        RoundFactory(name="Round 12", closed=True, budget=Decimal("1200000.50"))
        RoundFactory(name="Round 13", decided=True)

        response = client.get(ROUNDS)

        assert response.status_code == 200
        text = response.text
        assert "Expressions of interest open" in text
        assert "Assessment" in text
        assert "Decided" in text
        assert "£7,500,000" in text
        assert "£1,200,000.50" in text

    def test_refuses_staff_who_do_not_manage_the_fund(self, otp_verified_client_for):
        RoundFactory()
        for group in ["Assessor", "Training administrator", "Communications"]:
            staff = otp_verified_client_for(UserFactory(staff=True, groups=[group]))
            assert staff.get(ROUNDS).status_code == 403
            assert staff.get(ADD_ROUND).status_code == 403


class TestRoundDates:
    def test_saves_a_round_with_its_phases_criteria_questions_and_reminders(
        self, client, fund, fund_manager
    ):
        """Through ``round_create`` and ``round_parts_save``: the audit log says what the round
        was made with, and each part added."""
        response = client.post(
            ADD_ROUND,
            round_data(
                fund,
                phase_caps=[{"phase": "discovery", "max_award": "80000"}],
                criteria=FOUR_CRITERIA,
                questions=[
                    {
                        "question": "Can a fire authority lead?",
                        "answer": "Yes, if it has signed.",
                        "is_published": True,
                        "position": 0,
                    },
                    {"question": "Is there a second round?", "answer": "", "position": 1},
                ],
                reminder_offsets_days="1, 7 ,7",
            ),
        )

        assert response.status_code == 302, errors_of(response)
        round = Round.objects.get(slug="round-1")
        assert round.eoi_opens_at == ROUND_1_DATES["eoi_opens_at"]
        assert round.applications_close_at == ROUND_1_DATES["applications_close_at"]
        assert round.reminder_offsets_days == [7, 1]
        assert list(round.phase_caps.values_list("phase", "max_award")) == [
            ("discovery", Decimal(80000))
        ]
        assert sum(round.criteria.values_list("weight", flat=True)) == 100
        published, unpublished = round.questions.order_by("position")
        assert published.is_published and published.published_at is not None
        assert not unpublished.is_published and unpublished.published_at is None
        created = AuditEvent.objects.get(verb="funding.round.created")
        assert (created.actor, created.target_object_id) == (fund_manager, str(round.pk))
        assert created.data["values"]["budget"] == "7500000.00"
        parts = AuditEvent.objects.get(verb="funding.round.parts_changed")
        assert parts.actor == fund_manager
        assert [(change["part"], change["change"]) for change in parts.data["changes"]] == [
            ("phase and cap", "added"),
            *[("criterion", "added")] * 4,
            *[("question and answer", "added")] * 2,
        ]

    def test_saves_a_round_with_no_eoi_stage(self, client, fund):
        response = client.post(
            ADD_ROUND, round_data(fund, dates={"eoi_opens_at": None, "eoi_closes_at": None})
        )

        assert response.status_code == 302, errors_of(response)
        assert not Round.objects.get(slug="round-1").has_eoi_stage

    @pytest.mark.parametrize(
        ("dates", "field", "message"),
        [
            (
                {"eoi_closes_at": at("2018-09-20")},
                "eoi_closes_at",
                "Expressions of interest must close after they open.",
            ),
            (
                {"eoi_closes_at": None},
                "eoi_closes_at",
                "Enter when expressions of interest close, or leave both of their dates empty "
                "for a round with no EOI stage.",
            ),
            (
                {"eoi_opens_at": None},
                "eoi_opens_at",
                "Enter when expressions of interest open, or leave both of their dates empty "
                "for a round with no EOI stage.",
            ),
            (
                {"applications_open_at": at("2018-10-01")},
                "applications_open_at",
                "Applications must open when expressions of interest close, or later.",
            ),
            (
                {"applications_close_at": at("2018-10-14")},
                "applications_close_at",
                "Applications must close after they open.",
            ),
            (
                {"decisions_announced_at": at("2018-11-01")},
                "decisions_announced_at",
                "Decisions are announced when applications close, or later.",
            ),
        ],
        ids=[
            "EOIs close before they open",
            "EOIs open but never close",
            "EOIs close but never open",
            "applications open before EOIs close",
            "applications close before they open",
            "decisions before the close",
        ],
    )
    def test_names_the_date_out_of_order_and_saves_nothing(
        self, client, fund, dates, field, message
    ):
        """The error is beside the date, once, and what staff typed is kept."""
        response = client.post(ADD_ROUND, round_data(fund, dates=dates, name="Round one"))

        assert errors_of(response) == {field: [message]}
        assert "<title>Error:" in response.text
        assert 'value="Round one"' in response.text
        assert not Round.objects.exists()

    def test_names_the_problem_when_a_date_is_not_a_date(self, client, fund):
        data = round_data(fund)
        data["applications_close_at_0"] = "31/02/2018"

        response = client.post(ADD_ROUND, data)

        assert errors_of(response) == {"applications_close_at": ["Enter a valid date."]}
        assert not Round.objects.exists()

    def test_refuses_a_round_number_the_fund_already_has(self, client, fund):
        RoundFactory(fund=fund, number=1, slug="first")

        response = client.post(ADD_ROUND, round_data(fund, number=1))

        assert errors_of(response) == {"number": ["Local Digital Fund already has a round 1."]}

    def test_refuses_a_round_restricted_to_projects_funded_in_itself(self, client, fund):
        round = RoundFactory(fund=fund, number=1, slug="round-1", phases={})

        response = client.post(
            reverse("admin:funding_round_change", args=[round.pk]),
            round_data(fund, round=round, restricted_to_round=round.pk),
        )

        # Itself is not offered, so choosing it is not a valid choice.
        assert list(errors_of(response)) == ["restricted_to_round"]
        assert Round.objects.get(pk=round.pk).restricted_to_round is None

    def test_refuses_a_date_precision_that_names_no_date(self, client, fund):
        response = client.post(
            ADD_ROUND, round_data(fund, date_precision='{"decided": "fortnight"}')
        )

        (message,) = errors_of(response)["date_precision"]
        assert message.startswith("Name the round's dates (eoi_opens_at,")
        assert not Round.objects.exists()

    def test_saves_a_date_known_only_to_the_week(self, client, fund):
        response = client.post(
            ADD_ROUND, round_data(fund, date_precision='{"decisions_announced_at": "week"}')
        )

        assert response.status_code == 302, errors_of(response)
        assert Round.objects.get().date_precision == {"decisions_announced_at": "week"}


class TestRoundChangeAudit:
    @pytest.fixture
    def round(self, fund):
        """A round saved as the round's page would save it, so an unchanged save changes
        nothing."""
        round = RoundFactory(
            fund=fund, number=1, slug="round-1", name="Round 1", phases={}, **ROUND_1_DATES
        )
        Round.objects.filter(pk=round.pk).update(
            summary="Money for councils to fix common problems together.",
            reminder_offsets_days=[7, 1],
            assessors_per_application=2,
            participants_must_be_signatories=True,
        )
        return round

    def test_records_what_staff_changed_when_they_save_a_rounds_page(
        self, client, fund, fund_manager, round
    ):
        """Editing a round goes through ``round_update``: the audit event names each change."""
        response = client.post(
            reverse("admin:funding_round_change", args=[round.pk]),
            round_data(fund, round=round, budget="8000000", min_participants=3),
        )

        assert response.status_code == 302, errors_of(response)
        event = AuditEvent.objects.get(verb="funding.round.updated")
        assert event.actor == fund_manager
        assert event.data["changes"] == [
            {"field": "budget", "old": "7500000.00", "new": "8000000.00"},
            {"field": "min_participants", "old": 2, "new": 3},
        ]
        round.refresh_from_db()
        assert round.budget == Decimal("8000000")

    def test_records_nothing_when_staff_save_a_round_unchanged(self, client, fund, round):
        response = client.post(
            reverse("admin:funding_round_change", args=[round.pk]), round_data(fund, round=round)
        )

        assert response.status_code == 302, errors_of(response)
        assert not AuditEvent.objects.filter(verb="funding.round.updated").exists()


class TestRoundPartsAudit:
    def test_records_a_part_removed_on_the_rounds_page(self, client, fund, fund_manager):
        client.post(
            ADD_ROUND,
            round_data(fund, phase_caps=[{"phase": "discovery", "max_award": "80000"}]),
        )
        round = Round.objects.get(slug="round-1")
        cap = round.phase_caps.get()

        response = client.post(
            reverse("admin:funding_round_change", args=[round.pk]),
            round_data(
                fund,
                round=round,
                phase_caps=[
                    {"id": cap.pk, "phase": "discovery", "max_award": "80000", "DELETE": True}
                ],
            ),
        )

        assert response.status_code == 302, errors_of(response)
        assert not round.phase_caps.exists()
        event = AuditEvent.objects.filter(verb="funding.round.parts_changed").latest("pk")
        assert event.actor == fund_manager
        assert event.data["changes"] == [
            {"part": "phase and cap", "change": "removed", "row": str(cap)}
        ]


class TestPhaseCaps:
    def test_refuses_the_same_phase_twice(self, client, fund):
        caps = [{"phase": "alpha", "max_award": "100"}, {"phase": "alpha", "max_award": "200"}]

        response = client.post(ADD_ROUND, round_data(fund, phase_caps=caps))

        errors = errors_of(response)
        assert errors["phase_caps"] == ["Please correct the duplicate data for phase."]
        assert not PhaseCap.objects.exists()


class TestFundAdmin:
    def test_lists_funds_with_their_round_counts(self, client):
        fund = FundFactory()
        RoundFactory.create_batch(2, fund=fund)

        response = client.get(reverse("admin:funding_fund_changelist"))

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [fund]
        assert response.context["cl"].result_list[0].round_count == 2
