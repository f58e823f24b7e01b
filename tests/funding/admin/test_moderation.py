"""Moderating an application's scores in the admin (funding/admin/moderation.py), once its
assessments are all in."""

from __future__ import annotations

import pytest

from funding.models import ModeratedScore
from tests.accounts.factories import UserFactory
from tests.funding.admin_support import application_url, criteria, moderate_url
from tests.funding.factories import AssessmentFactory
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


class TestModeration:
    @pytest.fixture
    def assessed(self, application, round):
        """Two submitted assessments of the application: 1 and 4 on the first criterion,
        5 and 3 on the second."""
        problem, reuse = criteria(round)
        AssessmentFactory(
            application=application,
            submitted=True,
            assessor=UserFactory(staff=True, groups=["Assessor"], full_name="Ada First"),
            scores={problem: 1, reuse: 5},
        )
        AssessmentFactory(
            application=application,
            submitted=True,
            assessor=UserFactory(staff=True, groups=["Assessor"], full_name="Ben Second"),
            scores={problem: 4, reuse: 3},
        )
        return application

    def test_shows_the_scores_side_by_side_with_the_spread_and_justifications(
        self, manager, assessed
    ):
        response = manager.get(moderate_url(assessed))

        assert response.status_code == 200
        lines = response.context["lines"]
        assert [item["line"].spread for item in lines] == [3, 2]
        assert [[s.score for s in item["line"].scores] for item in lines] == [[1, 4], [5, 3]]
        assert "Ada First" in response.text and "Ben Second" in response.text
        assert "The bid shows this clearly, with evidence." in response.text
        # Ada: 1/4 * 60 + 5/5 * 40 = 55; Ben: 4/4 * 60 + 3/5 * 40 = 84.
        assert "55.0" in response.text and "84.0" in response.text

    def test_records_the_moderated_score_per_criterion_with_a_note(self, manager, assessed, round):
        problem, reuse = criteria(round)

        response = manager.post(
            moderate_url(assessed),
            {
                f"score_{problem.pk}": "3",
                f"note_{problem.pk}": "Ben's reading of the evidence is right.",
                f"score_{reuse.pk}": "4",
                f"note_{reuse.pk}": "",
            },
        )

        assert response.status_code == 302
        assert response.url == application_url(assessed)
        moderated = {m.criterion_id: m for m in ModeratedScore.objects.all()}
        assert moderated[problem.pk].score == 3
        assert moderated[problem.pk].note == "Ben's reading of the evidence is right."
        assert moderated[reuse.pk].score == 4
        # 3/4 * 60 + 4/5 * 40 = 77.
        assert "77.0 out of 100" in " ".join(messages_of(response))

    def test_invalid_scores_are_shown_and_kept(self, manager, assessed, round):
        problem, reuse = criteria(round)

        response = manager.post(
            moderate_url(assessed),
            {
                f"score_{problem.pk}": "9",
                f"note_{problem.pk}": "Kept note",
                f"score_{reuse.pk}": "",
            },
        )

        assert response.status_code == 200
        assert "Enter a whole number from 0 to 4 for “Understands the problem”." in response.text
        assert "Give the moderated score for “Reuse”." in response.text
        assert 'value="9"' in response.text
        assert "Kept note" in response.text
        assert not ModeratedScore.objects.exists()

    def test_waits_for_every_assessment(self, manager, application, round):
        problem, reuse = criteria(round)
        AssessmentFactory(application=application, submitted=True)
        AssessmentFactory(application=application, scoring=True)

        page = manager.get(moderate_url(application))
        post = manager.post(
            moderate_url(application),
            {f"score_{problem.pk}": "3", f"score_{reuse.pk}": "3"},
        )

        assert page.status_code == 200
        assert "does not have all its assessments yet" in page.text
        assert 'name="score_' not in page.text
        assert post.status_code == 200
        assert not ModeratedScore.objects.exists()

    def test_the_application_page_links_to_moderation_once_complete(self, manager, assessed):
        response = manager.get(application_url(assessed))

        assert moderate_url(assessed) in response.text
