"""Configuring funds and rounds in the admin: the list with each round's status, and the
round's page with its dates in order, phase caps, criteria whose weights add up to 100,
questions published with a time, and reminder offsets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Criterion, Fund, PhaseCap, Round, RoundQuestion
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.admin_support import ROUND_1_DATES, at, errors_of, round_data
from tests.funding.factories import (
    CriterionFactory,
    FundFactory,
    RoundFactory,
    RoundQuestionFactory,
)

pytestmark = pytest.mark.django_db

ROUNDS = reverse("admin:funding_round_changelist")
ADD_ROUND = reverse("admin:funding_round_add")


@pytest.fixture
def fund() -> Fund:
    return FundFactory.create()


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
    def test_saves_a_round_with_its_phases_criteria_questions_and_reminders(self, client, fund):
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
    def test_records_what_staff_changed_when_they_save_a_rounds_page(
        self, client, fund, fund_manager
    ):
        """Editing a round goes through ``round_update``: the audit event names each change."""
        round = RoundFactory(
            fund=fund, number=1, slug="round-1", name="Round 1", phases={}, **ROUND_1_DATES
        )
        Round.objects.filter(pk=round.pk).update(
            summary="Money for councils to fix common problems together.",
            reminder_offsets_days=[7, 1],
            assessors_per_application=2,
            participants_must_be_signatories=True,
        )

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

    def test_records_nothing_when_staff_save_a_round_unchanged(self, client, fund):
        round = RoundFactory(
            fund=fund, number=1, slug="round-1", name="Round 1", phases={}, **ROUND_1_DATES
        )
        Round.objects.filter(pk=round.pk).update(
            summary="Money for councils to fix common problems together.",
            reminder_offsets_days=[7, 1],
            assessors_per_application=2,
            participants_must_be_signatories=True,
        )

        response = client.post(
            reverse("admin:funding_round_change", args=[round.pk]), round_data(fund, round=round)
        )

        assert response.status_code == 302, errors_of(response)
        assert not AuditEvent.objects.filter(verb="funding.round.updated").exists()


class TestReminderOffsets:
    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            (
                "7,x",
                "“x” is not a whole number. Enter days as whole numbers separated by commas, "
                "such as 7,1.",
            ),
            (
                "7;1",
                "“7;1” is not a whole number. Enter days as whole numbers separated by "
                "commas, such as 7,1.",
            ),
            (
                "-1",
                "“-1” is not a whole number. Enter days as whole numbers separated by "
                "commas, such as 7,1.",
            ),
            ("7,0", "Each reminder goes from 1 to 365 days before the close; 0 is not."),
            ("400", "Each reminder goes from 1 to 365 days before the close; 400 is not."),
        ],
    )
    def test_names_the_problem_and_keeps_what_was_typed(self, client, fund, typed, message):
        response = client.post(ADD_ROUND, round_data(fund, reminder_offsets_days=typed))

        assert errors_of(response) == {"reminder_offsets_days": [message]}
        assert f'value="{typed}"' in response.text
        assert not Round.objects.exists()

    def test_saves_no_reminders_when_left_empty(self, client, fund):
        response = client.post(ADD_ROUND, round_data(fund, reminder_offsets_days=""))

        assert response.status_code == 302, errors_of(response)
        assert Round.objects.get().reminder_offsets_days == []

    def test_shows_the_saved_offsets_as_typed(self, client):
        round = RoundFactory(reminder_offsets_days=[14, 7, 1])

        response = client.get(reverse("admin:funding_round_change", args=[round.pk]))

        assert 'value="14,7,1"' in response.text


class TestCriteriaWeights:
    @pytest.mark.parametrize("weights", [[30, 30, 25], [50, 50, 25], [100, 1]])
    def test_refuses_weights_that_do_not_add_up_to_100(self, client, fund, weights):
        criteria = [
            {"name": f"Criterion {i}", "guidance": "", "weight": w, "scale_max": 4, "position": i}
            for i, w in enumerate(weights)
        ]

        response = client.post(ADD_ROUND, round_data(fund, criteria=criteria))

        assert errors_of(response) == {
            "criteria": [
                f"The criteria's weights add up to {sum(weights)}. They must add up to exactly "
                "100: change the weights, or add or remove a criterion."
            ]
        }
        assert "add up to exactly 100" in response.text
        assert not Round.objects.exists()
        assert not Criterion.objects.exists()

    def test_saves_a_round_with_no_criteria_yet(self, client, fund):
        response = client.post(ADD_ROUND, round_data(fund, criteria=[]))

        assert response.status_code == 302, errors_of(response)

    def test_refuses_a_deletion_that_leaves_the_rest_short_of_100(self, client, fund):
        round = RoundFactory(fund=fund, number=1, slug="round-1", phases={})
        kept = [CriterionFactory(round=round, weight=w, position=i) for i, w in enumerate([50, 50])]
        rows = [
            {
                "id": c.pk,
                "name": c.name,
                "guidance": "",
                "weight": c.weight,
                "scale_max": 4,
                "position": c.position,
            }
            for c in kept
        ]
        rows[1]["DELETE"] = True

        response = client.post(
            reverse("admin:funding_round_change", args=[round.pk]),
            round_data(fund, round=round, criteria=rows),
        )

        assert errors_of(response)["criteria"][0].startswith("The criteria's weights add up to 50.")
        assert round.criteria.count() == 2

    def test_saves_a_change_of_weights_that_still_add_up_to_100(self, client, fund):
        round = RoundFactory(fund=fund, number=1, slug="round-1", phases={})
        first, second = (CriterionFactory(round=round, weight=50) for _ in range(2))
        rows = [
            {"id": first.pk, "name": "Problem", "weight": 70, "scale_max": 4, "position": 0},
            {"id": second.pk, "name": "Team", "weight": 30, "scale_max": 4, "position": 1},
        ]

        response = client.post(
            reverse("admin:funding_round_change", args=[round.pk]),
            round_data(fund, round=round, criteria=rows),
        )

        assert response.status_code == 302, errors_of(response)
        assert sorted(round.criteria.values_list("weight", flat=True)) == [30, 70]

    def test_names_a_weight_out_of_range_beside_it(self, client, fund):
        criteria = [{"name": "All of it", "weight": 0, "scale_max": 4, "position": 0}]

        response = client.post(ADD_ROUND, round_data(fund, criteria=criteria))

        assert errors_of(response) == {
            "criteria-0-weight": ["Ensure this value is greater than or equal to 1."]
        }


class TestPhaseCaps:
    def test_refuses_the_same_phase_twice(self, client, fund):
        caps = [{"phase": "alpha", "max_award": "100"}, {"phase": "alpha", "max_award": "200"}]

        response = client.post(ADD_ROUND, round_data(fund, phase_caps=caps))

        errors = errors_of(response)
        assert errors["phase_caps"] == ["Please correct the duplicate data for phase."]
        assert not PhaseCap.objects.exists()


class TestQuestions:
    def test_refuses_to_publish_a_question_with_no_answer(self, client, fund):
        """The model's constraint shows as an error beside the answer, not a server error."""
        questions = [
            {
                "question": "Can parish councils bid?",
                "answer": "  ",
                "is_published": True,
                "position": 0,
            }
        ]

        response = client.post(ADD_ROUND, round_data(fund, questions=questions))

        assert errors_of(response) == {
            "questions-0-answer": ["A question needs an answer before it is published."]
        }
        assert "Can parish councils bid?" in response.text
        assert not RoundQuestion.objects.exists()

    def test_publishing_a_question_records_when_and_unpublishing_clears_it(self, client, fund):
        round = RoundFactory(fund=fund, number=1, slug="round-1", phases={})
        question = RoundQuestionFactory(round=round, is_published=False, published_at=None)
        url = reverse("admin:funding_round_change", args=[round.pk])
        row = {
            "id": question.pk,
            "question": question.question,
            "answer": question.answer,
            "position": 0,
        }

        published = client.post(
            url, round_data(fund, round=round, questions=[{**row, "is_published": True}])
        )
        published_at = RoundQuestion.objects.get(pk=question.pk).published_at
        republished = client.post(
            url,
            round_data(
                fund, round=round, questions=[{**row, "answer": "Edited.", "is_published": True}]
            ),
        )
        kept_at = RoundQuestion.objects.get(pk=question.pk).published_at
        unpublished = client.post(url, round_data(fund, round=round, questions=[row]))

        assert published.status_code == republished.status_code == 302
        assert unpublished.status_code == 302
        assert published_at is not None
        assert kept_at == published_at
        saved = RoundQuestion.objects.get(pk=question.pk)
        assert (saved.is_published, saved.published_at) == (False, None)


class TestFundAdmin:
    def test_lists_funds_with_their_round_counts(self, client):
        fund = FundFactory()
        RoundFactory.create_batch(2, fund=fund)

        response = client.get(reverse("admin:funding_fund_changelist"))

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [fund]
        assert response.context["cl"].result_list[0].round_count == 2
