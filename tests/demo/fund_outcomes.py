"""What the Fund's demo holds of outcomes: assessments, decisions, awards, instalments,
progress updates, outputs and reports."""

import json

from django.utils import timezone
from django.utils.html import escape

from funding.models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Award,
    AwardStatus,
    Decision,
    DecisionOutcome,
    ProjectOutput,
    ProjectOutputType,
    ReportStatus,
    Round,
)


class OutcomesChecks:
    """Checks of the seeded decisions, awards and reports, for ``TestSeedDemoFund``."""

    def check_decides_and_announces_rounds_1_to_4_after_two_assessments_each(self):
        for number in (1, 2, 3, 4):
            round = Round.objects.get(number=number)
            assert round.decisions_approved_at is not None
            assert round.applications_close_at < round.decisions_approved_at
            assert round.decisions_approved_at < round.decisions_announced_at
            assert round.announced_at == round.decisions_announced_at
            for application in round.applications.filter(status=ApplicationStatus.SUBMITTED):
                decision = application.decision
                assert decision.outcome in DecisionOutcome.values
                assert decision.recommendation
                assert decision.notified_at == round.announced_at
                assert round.applications_close_at < decision.decided_at < round.announced_at
                assessments = application.assessments.all()
                assert [a.status for a in assessments] == [AssessmentStatus.SUBMITTED] * 2
                assert all(
                    a.scores.count() == round.criteria.count()
                    and round.applications_close_at < a.submitted_at < decision.decided_at
                    for a in assessments
                )
                assert application.moderated_scores.count() == round.criteria.count()
        rejected = Decision.objects.filter(outcome=DecisionOutcome.REJECTED)
        assert rejected.exists()
        assert all(decision.feedback for decision in rejected)
        assessors = {a.assessor.email for a in Assessment.objects.select_related("assessor")}
        assert assessors == {
            "assessor@demo.localdigital.test",
            "panel.assessor@demo.localdigital.test",
        }

    def check_shows_every_announced_award_but_the_declined_one_at_funding_projects(self, client):
        for number in (1, 2, 3, 4):
            round = Round.objects.get(number=number)
            awards = Award.objects.filter(application__round=round)
            assert awards.exists()
            page = client.get("/funding/projects/", {"round": round.slug}).content.decode()
            for award in awards:
                assert (escape(award.title) in page) == (award.status != AwardStatus.DECLINED)
        assert Award.objects.filter(status=AwardStatus.DECLINED).count() == 1

    def check_bids_in_follow_on_rounds_name_a_funded_project_of_their_lead(self):
        for number, earlier in ((2, 1), (4, 3)):
            applications = Application.objects.filter(round__number=number)
            assert applications.exists()
            for application in applications:
                award = application.follow_on_award
                assert award.application.round.number == earlier
                assert award.status != AwardStatus.DECLINED
                team = {
                    award.application.lead_organisation_id,
                    *award.application.partners.values_list("organisation_id", flat=True),
                }
                assert application.lead_organisation_id in team
                assert award.awarded_on < timezone.localdate(application.created_at)

    def check_takes_the_awards_through_offers_instalments_and_work(self):
        awards = Award.objects.select_related("application__round")
        assert {AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED} <= {
            award.status for award in awards
        }
        for award in awards:
            announced = award.application.round.announced_at
            assert award.responded_at > announced
            assert award.amount == award.application.decision.award_amount
            instalments = list(award.instalments.all())
            if award.status == AwardStatus.DECLINED:
                assert award.decline_reason and not instalments
                continue
            assert sum(i.amount for i in instalments) == award.amount
            paid = [i for i in instalments if i.is_paid]
            if award.status == AwardStatus.COMPLETED:
                assert len(paid) == len(instalments)
                assert award.started_at < award.completed_at < timezone.now()
            elif award.status == AwardStatus.ACTIVE:
                assert 0 < len(paid) < len(instalments)
            else:
                assert not paid and award.started_at is None
            assert all(announced < i.paid_at for i in paid)

    def check_gives_the_projects_progress_updates_and_outputs(self, client):
        worked = Award.objects.filter(status__in=[AwardStatus.ACTIVE, AwardStatus.COMPLETED])
        assert worked.count() >= 4
        for award in worked:
            assert award.updates.exists() and award.outputs.exists()
            assert all(award.started_at < update.posted_at for update in award.updates.all())
        assert {
            ProjectOutputType.CODE,
            ProjectOutputType.RESEARCH,
            ProjectOutputType.PATTERN,
        } <= set(ProjectOutput.objects.values_list("output_type", flat=True))
        titles = set(Award.objects.values_list("title", flat=True))
        assert "Family context for children's social workers" in titles
        assert "A digital planning application service" in titles
        award = worked.get(title="Family context for children's social workers")
        page = client.get(f"/funding/projects/{award.slug}/").content.decode()
        assert escape(award.updates.first().title) in page
        assert all(output.url in page for output in award.outputs.all())

    def check_leaves_the_open_round_s_submitted_applications_to_assess(self):
        submitted = Application.objects.filter(round__number=6, status=ApplicationStatus.SUBMITTED)
        assert submitted.count() >= 3
        assert not Decision.objects.filter(application__in=submitted).exists()
        statuses = list(
            Assessment.objects.filter(application__in=submitted).values_list("status", flat=True)
        )
        assert statuses and set(statuses) <= {
            AssessmentStatus.ASSIGNED,
            AssessmentStatus.CONFLICTED,
        }
        assert any(not application.assessments.exists() for application in submitted)
        assert not Round.objects.get(number=6).decisions_approved_at
        assert not Assessment.objects.filter(
            application__round__number__in=(5, 6), status=AssessmentStatus.SUBMITTED
        ).exists()

    def check_publishes_the_awards_as_360giving(self, client):
        response = client.get("/funding/360giving.json")

        assert response.status_code == 200
        package = json.loads(b"".join(response.streaming_content))
        public = Award.objects.exclude(status=AwardStatus.DECLINED)
        assert len(package["grants"]) == public.count()
        assert {grant["title"] for grant in package["grants"]} == set(
            public.values_list("title", flat=True)
        )

    def check_completes_round_3_through_final_reports_shown_in_the_open(self, client):
        completed = Award.objects.filter(application__round__number=3, status=AwardStatus.COMPLETED)
        assert completed.count() == 3
        for award in completed:
            final = award.reports.get(is_final=True)
            assert set(award.reports.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}
            assert award.completed_at == final.accepted_at
            assert not award.instalments.filter(paid_at__isnull=True).exists()
            page = client.get(f"/funding/projects/{award.slug}/").content.decode()
            assert escape(final.reuse.split("\n")[0]) in page
            assert escape(final.lessons.split("\n")[0]) in page
            assert all(output.url in page for output in award.outputs.all())
        for award in Award.objects.filter(application__round__number__in=(1, 2)):
            assert not award.reports.exists() and award.planned_end_on is not None
