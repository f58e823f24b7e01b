"""Assessments in the admin (funding/admin/assessment.py): what an assessor sees of their own
assessments and nothing else, and the weighted score fund managers read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Assessment, CriterionScore
from funding.selectors import assessment as selectors
from tests.funding.admin_support import (
    APPLICATIONS,
    ASSESSMENTS,
    application_url,
    declare_url,
    moderate_url,
    score_url,
)
from tests.funding.factories import (
    ApplicationFactory,
    AssessmentFactory,
    CriterionFactory,
    RoundFactory,
)
from tests.support.admin import listed

pytestmark = pytest.mark.django_db


class TestWhatAnAssessorSees:
    def test_the_list_of_applications_holds_only_theirs_without_conflicts(
        self, assessor_client, assessor, round
    ):
        mine = ApplicationFactory(round=round, submitted=True)
        conflicted = ApplicationFactory(round=round, submitted=True)
        ApplicationFactory(round=round, submitted=True)
        AssessmentFactory(application=mine, assessor=assessor, scoring=True)
        AssessmentFactory(application=conflicted, assessor=assessor, conflicted=True)

        response = assessor_client.get(APPLICATIONS)

        assert listed(response) == [mine]
        assert "Score" in response.text

    def test_another_application_is_refused_by_address(self, assessor_client, assessor, round):
        """Unassigned and conflicted applications answer 403, their history too; their own
        answers 200."""
        mine = ApplicationFactory(round=round, submitted=True)
        conflicted = ApplicationFactory(round=round, submitted=True)
        unassigned = ApplicationFactory(round=round, submitted=True)
        AssessmentFactory(application=mine, assessor=assessor)
        AssessmentFactory(application=conflicted, assessor=assessor, conflicted=True)

        def status(application, page="change"):
            url = reverse(f"admin:funding_application_{page}", args=[application.pk])
            return assessor_client.get(url).status_code

        assert status(mine) == 200
        assert status(mine, "history") == 200
        assert status(unassigned) == 403
        assert status(unassigned, "history") == 403
        assert status(conflicted) == 403
        assert status(conflicted, "history") == 403

    def test_their_application_page_links_to_their_next_step(self, assessor_client, assessor):
        assessment = AssessmentFactory(assessor=assessor)

        response = assessor_client.get(application_url(assessment.application))

        assert declare_url(assessment) in response.text
        assert "Assign assessors" not in response.text
        assert "Moderate" not in response.text

    def test_the_list_of_assessments_holds_only_theirs_with_due_dates(
        self, assessor_client, assessor
    ):
        due = timezone.localdate() + timedelta(days=3)
        mine = AssessmentFactory(assessor=assessor, due_on=due)
        AssessmentFactory()

        response = assessor_client.get(ASSESSMENTS)

        assert listed(response) == [mine]
        assert f'<td class="field-due_on nowrap">{due.day} {due:%B %Y}</td>' in response.text
        assert declare_url(mine) in response.text

    def test_fund_managers_see_every_assessment(self, manager):
        assessments = AssessmentFactory.create_batch(2)

        assert set(listed(manager.get(ASSESSMENTS))) == set(assessments)

    def test_someone_elses_assessment_is_refused(self, assessor_client):
        other = AssessmentFactory(scoring=True)
        change = reverse("admin:funding_assessment_change", args=[other.pk])

        assert assessor_client.get(change).status_code == 403
        assert assessor_client.get(score_url(other)).status_code == 403
        assert assessor_client.post(score_url(other), {"_draft": "1"}).status_code == 403
        assert assessor_client.get(declare_url(other)).status_code == 403

    def test_the_scoring_page_of_a_conflicted_application_is_refused(
        self, assessor_client, assessor
    ):
        conflicted = AssessmentFactory(assessor=assessor, conflicted=True)

        assert assessor_client.get(score_url(conflicted)).status_code == 403
        assert assessor_client.post(score_url(conflicted), {"_draft": "1"}).status_code == 403
        assert assessor_client.get(declare_url(conflicted)).status_code == 403

    def test_moderation_is_refused_to_an_assessor(self, assessor_client, assessor, application):
        AssessmentFactory(application=application, assessor=assessor, submitted=True)

        assert assessor_client.get(moderate_url(application)).status_code == 403


class TestWeightedScore:
    def test_python_and_sql_agree_on_fractions(self, round):
        """1 of 7 on weight 30 is 4.2857…, not 0 (whole-number division) nor 4."""
        criterion = CriterionFactory(round=RoundFactory(), weight=30, scale_max=7)
        assessment = AssessmentFactory(application__round=criterion.round, scoring=True)
        CriterionScore.objects.create(
            assessment=assessment, criterion=criterion, score=1, justification="Some."
        )

        in_python = selectors.weighted_score([(30, 7, 1)])
        in_sql = selectors.assessments_with_scores(Assessment.objects.filter(pk=assessment.pk))[
            0
        ].weighted

        assert selectors.score_display(in_python) == "4.3"
        assert selectors.score_display(in_sql) == "4.3"
        assert abs(in_python - in_sql) < Decimal("0.000001")

    def test_full_marks_are_100(self):
        assert selectors.weighted_score([(60, 4, 4), (40, 5, 5)]) == 100
