"""Assessment in the admin: fund managers assign assessors and moderate; an assessor sees
only their own assessments and the applications they have not declared a conflict with,
declares a conflict or none, and scores beside the application's answers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Assessment, AssessmentStatus, CriterionScore, ModeratedScore
from funding.selectors import assessment as selectors
from funding.selectors import assessment_sheets as sheet_selectors
from localdigital.admin_actions import object_action_url
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AssessmentFactory,
    CriterionFactory,
    RoundFactory,
    SignatoryFactory,
)
from tests.support.admin import messages_of

pytestmark = pytest.mark.django_db

APPLICATIONS = reverse("admin:funding_application_changelist")
ASSESSMENTS = reverse("admin:funding_assessment_changelist")


def application_url(application) -> str:
    return reverse("admin:funding_application_change", args=[application.pk])


def score_url(assessment) -> str:
    return reverse("admin:funding_assessment_score", args=[assessment.pk])


def declare_url(assessment) -> str:
    return reverse("admin:funding_assessment_declare", args=[assessment.pk])


def moderate_url(application) -> str:
    return reverse("admin:funding_application_moderate", args=[application.pk])


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def fund_manager():
    return UserFactory(staff=True, groups=["Fund manager"], full_name="Farah Manager")


@pytest.fixture
def manager(otp_verified_client_for, fund_manager):
    return otp_verified_client_for(fund_manager)


@pytest.fixture
def assessor():
    return UserFactory(staff=True, groups=["Assessor"], full_name="Asha Assessor")


@pytest.fixture
def assessor_client(otp_verified_client_for, assessor):
    return otp_verified_client_for(assessor)


@pytest.fixture
def round():
    """A closed round with two assessors per application and two criteria: "Understands the
    problem" (weight 60, scored 0 to 4) and "Reuse" (weight 40, scored 0 to 5)."""
    round = RoundFactory(closed=True, assessors_per_application=2)
    CriterionFactory(round=round, name="Understands the problem", weight=60, scale_max=4)
    CriterionFactory(round=round, name="Reuse", weight=40, scale_max=5)
    return round


@pytest.fixture
def application(round):
    return ApplicationFactory(round=round, submitted=True)


def criteria(round):
    problem, reuse = sheet_selectors.round_criteria(round=round)
    return problem, reuse


def assign_data(applications, assessors, due_on, **extra) -> dict:
    return {
        "action": "assign_assessors",
        "_selected_action": [a.pk for a in applications],
        "index": 0,
        "confirm": "yes",
        "assessors": [a.pk for a in assessors],
        "due_on": due_on.isoformat() if hasattr(due_on, "isoformat") else due_on,
        **extra,
    }


class TestAssigning:
    def test_the_action_asks_for_assessors_from_the_assessor_group_and_a_due_date(
        self, manager, application, assessor
    ):
        """The intermediate page offers only staff in the Assessor group."""
        UserFactory(staff=True, groups=["Fund manager"], full_name="Nadia Notassessor")

        response = manager.post(
            APPLICATIONS,
            {"action": "assign_assessors", "_selected_action": [application.pk], "index": 0},
        )

        assert response.status_code == 200
        assert "Assign assessors" in response.text
        assert "Asha Assessor" in response.text
        assert "Nadia Notassessor" not in response.text
        assert application.reference in response.text
        assert 'name="due_on"' in response.text
        assert not Assessment.objects.exists()

    def test_assigns_and_reports_what_was_made_and_what_could_not_be_filled(
        self, manager, round, assessor
    ):
        """With one assessor for a round that wants two, each application gets one, and
        the page says which could not be filled and why."""
        first = ApplicationFactory(round=round, submitted=True)
        second = ApplicationFactory(round=round, submitted=True)
        due = timezone.localdate() + timedelta(days=10)

        response = manager.post(APPLICATIONS, assign_data([first, second], [assessor], due))

        assert response.status_code == 302
        assert Assessment.objects.filter(assessor=assessor, due_on=due).count() == 2
        told = " ".join(messages_of(response))
        one, other = sorted([first.reference, second.reference])
        assert (
            f"Assigned 2 assessments: {one} to Asha Assessor; {other} to Asha Assessor. "
            "Each assessor has been emailed."
        ) in told
        assert (
            f"Could not give these applications all their assessors: {one}, as it needs 2 "
            "more assessors and only 1 of those chosen could take it"
        ) in told
        assert OutgoingEmail.objects.filter(recipient=assessor.email).count() == 1

    def test_invalid_input_is_shown_beside_the_fields_and_kept(self, manager, application):
        past = timezone.localdate() - timedelta(days=1)

        response = manager.post(APPLICATIONS, assign_data([application], [], past))

        assert response.status_code == 200
        assert "Choose at least one assessor." in response.text
        assert "The due date must be today or in the future." in response.text
        assert f'value="{past.isoformat()}"' in response.text
        assert not Assessment.objects.exists()

    def test_a_nonsense_date_is_an_error_not_a_crash(self, manager, application, assessor):
        response = manager.post(APPLICATIONS, assign_data([application], [assessor], "31/02/x"))

        assert response.status_code == 200
        assert "Enter the due date as a real date" in response.text
        assert 'value="31/02/x"' in response.text

    def test_an_assessor_cannot_assign(self, assessor_client, application, assessor):
        """Assessors have no such action: nothing is made."""
        due = timezone.localdate() + timedelta(days=10)

        assessor_client.post(APPLICATIONS, assign_data([application], [assessor], due))

        assert not Assessment.objects.exists()

    def test_the_list_shows_progress_conflicts_moderation_and_decision(self, manager, application):
        AssessmentFactory(application=application, submitted=True)
        AssessmentFactory(application=application, conflicted=True)

        response = manager.get(APPLICATIONS)

        row = response.text.split("<tbody>")[1].split("</tr>")[0]
        assert "1 of 2 submitted, 1 to assign" in row
        assert "1 conflict declared" in row

    def test_the_list_filters_applications_that_need_assessors(self, manager, round):
        needs = ApplicationFactory(round=round, submitted=True)
        full = ApplicationFactory(round=round, submitted=True)
        AssessmentFactory.create_batch(2, application=full)
        AssessmentFactory(application=needs)
        AssessmentFactory(application=needs, conflicted=True)

        assert listed(manager.get(APPLICATIONS, {"assessment": "unassigned"})) == [needs]
        assert listed(manager.get(APPLICATIONS, {"assessment": "conflict"})) == [needs]

    def test_the_application_page_shows_conflicts_and_offers_someone_else(
        self, manager, application
    ):
        conflicted = AssessmentFactory(
            application=application,
            conflicted=True,
            conflict_note="My partner leads the bid's user research.",
            assessor=UserFactory(staff=True, groups=["Assessor"], full_name="Conor Conflict"),
        )

        response = manager.get(application_url(application))

        assert response.status_code == 200
        assert "Conflicts of interest declared" in response.text
        assert "Conor Conflict" in response.text
        assert "My partner leads the bid&#x27;s user research." in response.text
        assert "Assign someone else…" in response.text
        assert score_url(conflicted) not in response.text

    def test_assigning_someone_else_from_the_page_returns_to_it(
        self, manager, application, assessor
    ):
        AssessmentFactory(application=application, conflicted=True)
        AssessmentFactory(application=application, scoring=True)
        due = timezone.localdate() + timedelta(days=5)

        response = manager.post(
            object_action_url(application, "assign_assessors"),
            assign_data([application], [assessor], due),
        )

        assert response.status_code == 302
        assert response.url == application_url(application)
        assert Assessment.objects.filter(application=application, assessor=assessor).exists()


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
