"""Assigning assessors to applications (funding/services/assessment.py). Conflicts and scoring,
moderation and recommendations, and the reminders of due dates are tested beside it, as the
services are split."""

from __future__ import annotations

import pytest
from django.utils import timezone

from funding.errors import FundingError, NotPermitted
from funding.models import Assessment
from funding.services import assessment as services
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    AssessmentFactory,
    member_of,
)
from tests.funding.support import DAY, assessor, round_with_criteria, submitted

pytestmark = pytest.mark.django_db


class TestAssign:
    def test_gives_each_application_the_rounds_number_of_assessors_least_busy_first(
        self, fund_manager
    ):
        round = round_with_criteria(assessors_per_application=2)
        applications = [submitted(round) for _ in range(3)]
        pool = [assessor(email=f"a{n}@communities.gov.uk") for n in range(3)]
        due = timezone.localdate() + 14 * DAY

        result = services.assessors_assign(
            applications=applications, assessors=pool, due_on=due, assigned_by=fund_manager
        )

        assert len(result.made) == 6 and not result.short
        for application in applications:
            assert application.assessments.count() == 2
        loads = sorted(Assessment.objects.filter(assessor=a).count() for a in pool)
        assert loads == [2, 2, 2]
        assert OutgoingEmail.objects.filter(recipient=pool[0].email).count() == 1

    def test_tops_up_without_repeating_anyone_and_skips_members_of_the_bid(self, fund_manager):
        round = round_with_criteria(assessors_per_application=2)
        application = submitted(round)
        partner = ApplicationPartnerFactory(application=application)
        existing = AssessmentFactory(application=application)
        conflicted = AssessmentFactory(application=application, conflicted=True)
        insider = assessor()
        member_of(partner.organisation, user=insider)
        fresh = assessor()

        result = services.assessors_assign(
            applications=[application],
            assessors=[existing.assessor, conflicted.assessor, insider, fresh],
            due_on=timezone.localdate() + DAY,
            assigned_by=fund_manager,
        )

        assert [a.assessor for a in result.made] == [fresh]
        assert not result.short

    def test_names_an_application_it_cannot_fill(self, fund_manager):
        round = round_with_criteria(assessors_per_application=3)
        application = submitted(round)

        result = services.assessors_assign(
            applications=[application],
            assessors=[assessor()],
            due_on=timezone.localdate() + DAY,
            assigned_by=fund_manager,
        )

        assert application.reference in result.short
        assert "needs 3 more" in result.short[application.reference]

    def test_refuses_someone_not_an_assessor_a_past_date_and_a_non_fund_manager(self, fund_manager):
        application = submitted(round_with_criteria())
        due = timezone.localdate() + DAY

        with pytest.raises(FundingError, match="Assessor group"):
            services.assessors_assign(
                applications=[application],
                assessors=[UserFactory(staff=True)],
                due_on=due,
                assigned_by=fund_manager,
            )
        with pytest.raises(FundingError, match="in the past"):
            services.assessors_assign(
                applications=[application],
                assessors=[assessor()],
                due_on=timezone.localdate() - DAY,
                assigned_by=fund_manager,
            )
        with pytest.raises(NotPermitted):
            services.assessors_assign(
                applications=[application],
                assessors=[assessor()],
                due_on=due,
                assigned_by=assessor(),
            )
        assert not Assessment.objects.exists()

    def test_leaves_drafts_unassigned(self, fund_manager):
        draft = ApplicationFactory(round=round_with_criteria())

        result = services.assessors_assign(
            applications=[draft],
            assessors=[assessor()],
            due_on=timezone.localdate() + DAY,
            assigned_by=fund_manager,
        )

        assert result.short == {draft.reference: "it is not submitted"}
