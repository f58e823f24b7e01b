"""An assessor's own pages in the admin (funding/admin/assessment_pages.py): declaring a
conflict of interest, and scoring."""

from __future__ import annotations

import pytest

from funding.models import AssessmentStatus, CriterionScore
from tests.funding.admin_support import (
    APPLICATIONS,
    ASSESSMENTS,
    application_url,
    criteria,
    declare_url,
    score_url,
)
from tests.funding.factories import ApplicationPartnerFactory, AssessmentFactory, SignatoryFactory
from tests.support.admin import listed

pytestmark = pytest.mark.django_db


class TestDeclaringAConflict:
    def test_the_page_names_the_organisations_in_the_bid(self, assessor_client, assessor):
        assessment = AssessmentFactory(
            assessor=assessor,
            application__lead_organisation=SignatoryFactory(name="Borsetshire County Council"),
        )
        ApplicationPartnerFactory(
            application=assessment.application,
            organisation=SignatoryFactory(name="Felpersham City Council"),
        )

        response = assessor_client.get(declare_url(assessment))

        assert response.status_code == 200
        assert "Borsetshire County Council (lead)" in response.text
        assert "Felpersham City Council" in response.text

    def test_no_conflict_opens_the_scoring_page(self, assessor_client, assessor):
        assessment = AssessmentFactory(assessor=assessor)

        response = assessor_client.post(declare_url(assessment), {"has_conflict": "no"})

        assert response.status_code == 302
        assert response.url == score_url(assessment)
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SCORING

    def test_a_conflict_needs_a_note_and_keeps_the_choice(self, assessor_client, assessor):
        assessment = AssessmentFactory(assessor=assessor)

        response = assessor_client.post(declare_url(assessment), {"has_conflict": "yes"})

        assert response.status_code == 200
        assert "Say what the conflict of interest is." in response.text
        assert 'value="yes" required id="id_has_conflict_1" checked' in response.text
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.ASSIGNED

    def test_no_answer_is_an_error(self, assessor_client, assessor):
        assessment = AssessmentFactory(assessor=assessor)

        response = assessor_client.post(declare_url(assessment), {})

        assert response.status_code == 200
        assert "Say whether you have a conflict of interest." in response.text

    def test_a_conflict_removes_access_and_the_fund_manager_sees_it(
        self, assessor_client, assessor, manager
    ):
        assessment = AssessmentFactory(assessor=assessor)
        application = assessment.application

        response = assessor_client.post(
            declare_url(assessment),
            {"has_conflict": "yes", "note": "I used to work for the lead council."},
        )

        assert response.status_code == 302
        assert response.url == ASSESSMENTS
        assert assessor_client.get(application_url(application)).status_code == 403
        assert assessor_client.get(score_url(assessment)).status_code == 403
        assert listed(assessor_client.get(APPLICATIONS)) == []
        page = manager.get(application_url(application))
        assert "I used to work for the lead council." in page.text

    def test_after_declaring_the_page_sends_them_to_score(self, assessor_client, assessor):
        assessment = AssessmentFactory(assessor=assessor, scoring=True)

        response = assessor_client.get(declare_url(assessment))

        assert response.status_code == 302
        assert response.url == score_url(assessment)

    def test_the_scoring_page_asks_for_a_declaration_first(self, assessor_client, assessor):
        assessment = AssessmentFactory(assessor=assessor)

        response = assessor_client.get(score_url(assessment))

        assert response.status_code == 302
        assert response.url == declare_url(assessment)


class TestScoring:
    @pytest.fixture
    def assessment(self, assessor, application):
        return AssessmentFactory(application=application, assessor=assessor, scoring=True)

    def data(self, round, problem=("", ""), reuse=("", ""), **extra) -> dict:
        first, second = criteria(round)
        return {
            f"score_{first.pk}": problem[0],
            f"justification_{first.pk}": problem[1],
            f"score_{second.pk}": reuse[0],
            f"justification_{second.pk}": reuse[1],
            **extra,
        }

    def test_the_page_shows_the_answers_beside_a_score_per_criterion(
        self, assessor_client, assessment
    ):
        response = assessor_client.get(score_url(assessment))

        assert response.status_code == 200
        text = response.text
        assert "42,000 calls a year about missed bins" in text
        assert "Score for “Understands the problem”, from 0 to 4" in text
        assert "Score for “Reuse”, from 0 to 5" in text
        assert 'name="_draft"' in text and 'name="_submit"' in text

    def test_a_draft_keeps_what_is_filled_in_and_shows_the_weighted_score(
        self, assessor_client, assessment, round
    ):
        """3 of 4 on a criterion weighted 60 is 45 of 100."""
        response = assessor_client.post(
            score_url(assessment),
            self.data(round, problem=("3", "Clear evidence from the contact centre."), _draft="1"),
        )

        assert response.status_code == 302
        assert CriterionScore.objects.get(assessment=assessment).score == 3
        page = assessor_client.get(score_url(assessment))
        assert "<strong>45.0</strong> out of 100" in page.text
        assert "Clear evidence from the contact centre." in page.text
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SCORING

    def test_a_score_needs_a_justification_even_in_a_draft(
        self, assessor_client, assessment, round
    ):
        response = assessor_client.post(
            score_url(assessment), self.data(round, problem=("3", ""), _draft="1")
        )

        assert response.status_code == 200
        assert "Justify the score for “Understands the problem”." in response.text
        assert 'value="3"' in response.text
        assert not CriterionScore.objects.exists()

    def test_a_score_off_the_scale_is_an_error_and_is_kept(
        self, assessor_client, assessment, round
    ):
        response = assessor_client.post(
            score_url(assessment), self.data(round, problem=("7", "Excellent."), _draft="1")
        )

        assert response.status_code == 200
        assert "Enter a whole number from 0 to 4 for “Understands the problem”." in response.text
        assert 'value="7"' in response.text
        assert "Excellent." in response.text
        assert not CriterionScore.objects.exists()

    def test_submitting_needs_every_criterion(self, assessor_client, assessment, round):
        response = assessor_client.post(
            score_url(assessment), self.data(round, problem=("3", "Good."), _submit="1")
        )

        assert response.status_code == 200
        assert "Give a score for “Reuse”." in response.text
        assert "Justify the score for “Reuse”." in response.text
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SCORING

    def test_submitting_locks_the_assessment(self, assessor_client, assessment, round):
        response = assessor_client.post(
            score_url(assessment),
            self.data(round, problem=("3", "Good."), reuse=("4", "Open code."), _submit="1"),
        )

        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SUBMITTED
        page = assessor_client.get(score_url(assessment))
        assert "This assessment is submitted, so it can no longer change." in page.text
        assert 'name="score_' not in page.text
        # 45 + 4/5 * 40 = 77.
        assert "<strong>77.0</strong> out of 100" in page.text
        again = assessor_client.post(
            score_url(assessment),
            self.data(round, problem=("0", "Changed."), reuse=("0", "Changed."), _draft="1"),
        )
        assert again.status_code == 302
        assert set(CriterionScore.objects.values_list("score", flat=True)) == {3, 4}

    def test_the_list_shows_the_weighted_score(self, assessor_client, assessment, round):
        problem, reuse = criteria(round)
        CriterionScore.objects.create(
            assessment=assessment, criterion=problem, score=3, justification="Good."
        )
        CriterionScore.objects.create(
            assessment=assessment, criterion=reuse, score=4, justification="Open."
        )

        response = assessor_client.get(ASSESSMENTS)

        assert "77.0" in response.text

    def test_a_fund_manager_reads_the_scores_but_cannot_change_them(
        self, manager, assessment, round
    ):
        page = manager.get(score_url(assessment))
        post = manager.post(score_url(assessment), self.data(round, problem=("1", "No.")))

        assert page.status_code == 200
        assert "only they can change them" in page.text
        assert 'name="score_' not in page.text
        assert post.status_code == 302
        assert not CriterionScore.objects.exists()
