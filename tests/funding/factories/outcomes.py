"""Factories for what follows a bid: assessments, decisions, awards, instalments, updates and
outputs."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import factory
from django.utils import timezone

from funding.models import (
    Assessment,
    AssessmentStatus,
    Award,
    AwardStatus,
    CriterionScore,
    Decision,
    DecisionOutcome,
    Instalment,
    ProgressUpdate,
    ProjectOutput,
    ProjectOutputType,
)
from tests.accounts.factories import UserFactory
from tests.funding.factories.bids import ApplicationFactory
from tests.funding.factories.rounds import DAY, RoundFactory, time_now


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessor's assessment of a submitted application, due in a week.

    Traits: ``scoring`` (no conflict declared), ``conflicted``, ``submitted`` (every
    criterion of the round scored).
    """

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    assessor = factory.SubFactory(UserFactory, staff=True, groups=["Assessor"])
    due_on = factory.LazyFunction(lambda: timezone.localdate() + 7 * DAY)
    status = AssessmentStatus.ASSIGNED

    class Params:
        scoring = factory.Trait(
            status=AssessmentStatus.SCORING, conflict_declared_at=factory.LazyFunction(time_now)
        )
        conflicted = factory.Trait(
            status=AssessmentStatus.CONFLICTED,
            conflict_declared_at=factory.LazyFunction(time_now),
            conflict_note="I advised the lead council on this bid last year.",
        )
        submitted = factory.Trait(
            status=AssessmentStatus.SUBMITTED,
            conflict_declared_at=factory.LazyFunction(time_now),
            submitted_at=factory.LazyFunction(time_now),
        )

    @factory.post_generation
    def scores(self, create: bool, extracted: dict | None, **kwargs: object) -> None:
        """``AssessmentFactory(submitted=True, scores={criterion: 3})``; a submitted
        assessment without ``scores`` scores every criterion of its round 3 (or its top)."""
        if not create:
            return
        assessment = cast(Assessment, self)
        if extracted is None and assessment.status != AssessmentStatus.SUBMITTED:
            return
        values = extracted or {
            criterion: min(3, criterion.scale_max)
            for criterion in assessment.application.round.criteria.all()
        }
        for criterion, score in values.items():
            CriterionScore.objects.create(
                assessment=assessment,
                criterion=criterion,
                score=score,
                justification="The bid shows this clearly, with evidence.",
            )


class DecisionFactory(factory.django.DjangoModelFactory):
    """An approved decision on a submitted application, for the amount requested.

    ``rejected=True`` gives a rejection with feedback.
    """

    class Meta:
        model = Decision

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    outcome = DecisionOutcome.APPROVED
    award_amount = factory.LazyAttribute(lambda d: d.application.requested_amount)
    decided_at = factory.LazyFunction(time_now)

    class Params:
        rejected = factory.Trait(
            outcome=DecisionOutcome.REJECTED,
            award_amount=None,
            feedback="Others are solving this already; talk to them.",
        )


class AwardFactory(factory.django.DjangoModelFactory):
    """A funded project: the award of an approved decision in a round announced last month,
    offered. Traits: ``accepted``, ``declined``, ``active``, ``completed``."""

    class Meta:
        model = Award

    application = factory.SubFactory(
        ApplicationFactory,
        submitted=True,
        round=factory.SubFactory(
            RoundFactory,
            decided=True,
            decisions_approved_at=factory.LazyFunction(lambda: time_now() - 40 * DAY),
            announced_at=factory.LazyFunction(lambda: time_now() - 30 * DAY),
        ),
    )
    slug = factory.Sequence(lambda n: f"joined-up-missed-bin-reports-{n}")
    title = factory.Sequence(lambda n: f"Joined-up missed bin reports {n}")
    summary = "Residents report a missed bin once, and the crew sees it in the cab."
    amount = Decimal(60000)
    awarded_on = factory.LazyFunction(lambda: timezone.localdate() - 30 * DAY)
    status = AwardStatus.OFFERED

    class Params:
        accepted = factory.Trait(
            status=AwardStatus.ACCEPTED, responded_at=factory.LazyFunction(time_now)
        )
        declined = factory.Trait(
            status=AwardStatus.DECLINED,
            responded_at=factory.LazyFunction(time_now),
            decline_reason="Our partner councils could not match the timetable.",
        )
        active = factory.Trait(
            status=AwardStatus.ACTIVE,
            responded_at=factory.LazyFunction(time_now),
            started_at=factory.LazyFunction(time_now),
        )
        completed = factory.Trait(
            status=AwardStatus.COMPLETED,
            responded_at=factory.LazyFunction(time_now),
            started_at=factory.LazyFunction(time_now),
            completed_at=factory.LazyFunction(time_now),
        )


class InstalmentFactory(factory.django.DjangoModelFactory):
    """An instalment of an accepted award, due in a fortnight; given ``paid_at``, it was
    paid in full that day."""

    class Meta:
        model = Instalment

    award = factory.SubFactory(AwardFactory, accepted=True)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + 14 * DAY)
    amount = Decimal(30000)
    paid_at = None
    paid_on = factory.LazyAttribute(
        lambda i: timezone.localdate(i.paid_at) if i.paid_at is not None else None
    )
    paid_amount = factory.LazyAttribute(lambda i: i.amount if i.paid_at is not None else None)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    award = factory.SubFactory(AwardFactory)
    title = factory.Sequence(lambda n: f"Sprint {n}: what we learnt")
    body = "We tested the reporting form with 12 residents and fixed three problems."
    posted_at = factory.LazyFunction(time_now)


class ProjectOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectOutput

    award = factory.SubFactory(AwardFactory)
    title = factory.Sequence(lambda n: f"Missed bins prototype {n}")
    url = factory.Sequence(lambda n: f"https://github.com/example-council/missed-bins-{n}")
    output_type = ProjectOutputType.CODE
