"""A round's settings in the admin: its reminder offsets, criteria whose weights add up to 100,
and its questions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import Criterion, Round, RoundQuestion
from tests.funding.admin_support import ADD_ROUND, errors_of, round_data
from tests.funding.factories import CriterionFactory, RoundFactory, RoundQuestionFactory

pytestmark = pytest.mark.django_db


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
