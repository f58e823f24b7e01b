"""Factories for the Fund: rounds in each stage, EOIs and applications in each state."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import cast

import factory
from django.utils import timezone

from declaration.models import Organisation
from funding.models import (
    Application,
    ApplicationPartner,
    ApplicationSection,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Award,
    AwardStatus,
    BudgetLine,
    Criterion,
    CriterionScore,
    Decision,
    DecisionOutcome,
    EoiCluster,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Fund,
    Instalment,
    OutputType,
    Phase,
    PhaseCap,
    ProgressUpdate,
    ProjectOutput,
    ProjectOutputType,
    Round,
    RoundQuestion,
    Section,
)
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory

DAY = datetime.timedelta(days=1)


def _now() -> datetime.datetime:
    return timezone.now()


class SignatoryFactory(OrganisationFactory):
    """An organisation that has signed the Declaration (a published signing)."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    @factory.post_generation
    def signing(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            SigningFactory.create(organisation=self, **kwargs)


def member_of(organisation: Organisation, **kwargs: object):
    """Return a new user who is an approved member of ``organisation``."""
    return MembershipFactory.create(organisation=organisation, **kwargs).user


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund
        django_get_or_create = ("slug",)

    name = "Local Digital Fund"
    slug = "local-digital-fund"


class RoundFactory(factory.django.DjangoModelFactory):
    """A published round with no EOI stage, open for applications now.

    Traits give the other stages: ``eoi_open`` (an EOI stage, open now), ``eoi_closed``
    (EOIs closed, applications not yet open), ``upcoming``, ``closed`` (assessment) and
    ``decided``.
    """

    class Meta:
        model = Round
        skip_postgeneration_save = True

    fund = factory.SubFactory(FundFactory)
    number = factory.Sequence(lambda n: n + 10)
    name = factory.LazyAttribute(lambda r: f"Round {r.number}")
    slug = factory.LazyAttribute(lambda r: f"round-{r.number}")
    summary = "Money for councils to fix common problems together, in the open."
    budget = Decimal("7500000")
    is_published = True
    eoi_opens_at = None
    eoi_closes_at = None
    applications_open_at = factory.LazyFunction(lambda: _now() - 10 * DAY)
    applications_close_at = factory.LazyFunction(lambda: _now() + 20 * DAY)
    decisions_announced_at = factory.LazyAttribute(lambda r: r.applications_close_at + 30 * DAY)
    min_participants = 2

    class Params:
        eoi_open = factory.Trait(
            eoi_opens_at=factory.LazyFunction(lambda: _now() - 5 * DAY),
            eoi_closes_at=factory.LazyFunction(lambda: _now() + 10 * DAY),
            applications_open_at=factory.LazyFunction(lambda: _now() + 15 * DAY),
            applications_close_at=factory.LazyFunction(lambda: _now() + 45 * DAY),
        )
        eoi_closed = factory.Trait(
            eoi_opens_at=factory.LazyFunction(lambda: _now() - 20 * DAY),
            eoi_closes_at=factory.LazyFunction(lambda: _now() - 5 * DAY),
            applications_open_at=factory.LazyFunction(lambda: _now() + 5 * DAY),
            applications_close_at=factory.LazyFunction(lambda: _now() + 35 * DAY),
        )
        eoi_then_applications_open = factory.Trait(
            eoi_opens_at=factory.LazyFunction(lambda: _now() - 40 * DAY),
            eoi_closes_at=factory.LazyFunction(lambda: _now() - 20 * DAY),
            applications_open_at=factory.LazyFunction(lambda: _now() - 10 * DAY),
            applications_close_at=factory.LazyFunction(lambda: _now() + 20 * DAY),
        )
        upcoming = factory.Trait(
            applications_open_at=factory.LazyFunction(lambda: _now() + 10 * DAY),
            applications_close_at=factory.LazyFunction(lambda: _now() + 40 * DAY),
        )
        closed = factory.Trait(
            applications_open_at=factory.LazyFunction(lambda: _now() - 40 * DAY),
            applications_close_at=factory.LazyFunction(lambda: _now() - 10 * DAY),
        )
        decided = factory.Trait(
            applications_open_at=factory.LazyFunction(lambda: _now() - 90 * DAY),
            applications_close_at=factory.LazyFunction(lambda: _now() - 60 * DAY),
            decisions_announced_at=factory.LazyFunction(lambda: _now() - 30 * DAY),
        )

    @factory.post_generation
    def phases(self, create: bool, extracted: dict | None, **kwargs: object) -> None:
        """``RoundFactory(phases={"discovery": 80000, "alpha": None})``; by default discovery
        up to £80,000 and alpha up to £350,000."""
        if not create:
            return
        round = cast(Round, self)
        caps = (
            extracted
            if extracted is not None
            else {Phase.DISCOVERY: Decimal(80000), Phase.ALPHA: Decimal(350000)}
        )
        for phase, cap in caps.items():
            PhaseCap.objects.create(
                round=round, phase=phase, max_award=Decimal(cap) if cap is not None else None
            )


class PhaseCapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseCap
        django_get_or_create = ("round", "phase")

    round = factory.SubFactory(RoundFactory, phases={})
    phase = Phase.BETA
    max_award = Decimal(350000)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "How well the bid shows this."
    weight = 25
    scale_max = 4
    position = factory.Sequence(lambda n: n)


class RoundQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundQuestion

    round = factory.SubFactory(RoundFactory)
    question = factory.Sequence(lambda n: f"Can a fire authority lead a bid? ({n})")
    answer = "Yes, if it has signed the Declaration."
    is_published = True
    published_at = factory.LazyFunction(_now)


class EoiFactory(factory.django.DjangoModelFactory):
    """A complete draft EOI to a round whose EOI stage is open, by a member of its lead.

    Traits: ``submitted``, ``declined``, ``withdrawn``. Give ``partners=[organisation, …]``
    to add partners.
    """

    class Meta:
        model = ExpressionOfInterest
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory, eoi_open=True)
    lead_organisation = factory.SubFactory(SignatoryFactory)
    created_by = factory.LazyAttribute(lambda e: member_of(e.lead_organisation))
    title = factory.Sequence(lambda n: f"Reporting a missed bin collection online {n}")
    problem = "Residents phone the contact centre when their bin collection is missed."
    phase = Phase.DISCOVERY
    estimated_cost = Decimal(60000)
    status = EoiStatus.DRAFT

    class Params:
        submitted = factory.Trait(
            status=EoiStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(_now),
            submitted_by=factory.SelfAttribute("created_by"),
        )
        declined = factory.Trait(
            status=EoiStatus.DECLINED,
            submitted_at=factory.LazyFunction(_now),
            declined_at=factory.LazyFunction(_now),
            decline_feedback="Others are solving this problem already; talk to them.",
        )
        withdrawn = factory.Trait(
            status=EoiStatus.WITHDRAWN, withdrawn_at=factory.LazyFunction(_now)
        )

    @factory.post_generation
    def partners(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            for organisation in extracted:
                EoiPartner.objects.create(
                    eoi=cast(ExpressionOfInterest, self), organisation=organisation
                )


class EoiPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EoiPartner

    eoi = factory.SubFactory(EoiFactory)
    organisation = factory.SubFactory(SignatoryFactory)


class EoiClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EoiCluster

    round = factory.SubFactory(RoundFactory, eoi_closed=True)
    name = factory.Sequence(lambda n: f"Missed bins {n}")


COMPLETE_ANSWERS = {
    "title": "Joined-up missed bin reports",
    "problem": "Residents phone us when bins are missed; crews cannot see the reports.",
    "evidence": "42,000 calls a year about missed bins (contact centre figures, 2019).",
    "users_and_needs": "Residents need to know when their bin will be collected.",
    "approach": "A discovery with user research in three councils.",
    "phase": Phase.DISCOVERY,
    "outputs": "Research findings and a prototype, published openly.",
    "output_types": [OutputType.RESEARCH, OutputType.CODE],
    "reuse": "Any council with in-cab technology can reuse the prototype.",
    "team": "A delivery manager, a user researcher and a developer from each partner.",
    "requested_amount": Decimal(60000),
    "stakeholder_name": "Sam Patel",
    "stakeholder_job_title": "Director of environment",
    "stakeholder_email": "sam.patel@example.gov.uk",
}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application to a round open for applications, with its sections' states.

    ``complete=True`` answers every section (and marks it complete) with one budget line
    that matches the amount; ``submitted`` and ``withdrawn`` give those states. Partners
    are added with ``ApplicationPartnerFactory``.
    """

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    lead_organisation = factory.SubFactory(SignatoryFactory)
    created_by = factory.LazyAttribute(lambda a: member_of(a.lead_organisation))
    status = ApplicationStatus.DRAFT

    class Params:
        complete = factory.Trait(**COMPLETE_ANSWERS)
        submitted = factory.Trait(
            complete=True,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(_now),
            submitted_by=factory.SelfAttribute("created_by"),
        )
        withdrawn = factory.Trait(
            status=ApplicationStatus.WITHDRAWN, withdrawn_at=factory.LazyFunction(_now)
        )

    @factory.post_generation
    def sections(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        application = cast(Application, self)
        completed = bool(application.requested_amount)
        ApplicationSection.objects.bulk_create(
            ApplicationSection(
                application=application,
                section=section,
                is_completed=completed,
                version=1 if completed else 0,
            )
            for section in Section
        )
        if completed:
            BudgetLine.objects.create(
                application=application,
                description="User research",
                amount=cast(Decimal, application.requested_amount),
            )


class ApplicationPartnerFactory(factory.django.DjangoModelFactory):
    """A partner with a contact and a role; ``confirmed=True`` has confirmed its part."""

    class Meta:
        model = ApplicationPartner

    application = factory.SubFactory(ApplicationFactory)
    organisation = factory.SubFactory(SignatoryFactory)
    role = "Runs the user research with its residents."
    contact_name = factory.Faker("name", locale="en_GB")
    contact_email = factory.LazyAttribute(lambda p: f"contact@{p.organisation.slug}.gov.uk")

    class Params:
        confirmed = factory.Trait(confirmed_at=factory.LazyFunction(_now))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    description = "Developer, 40 days"
    amount = Decimal(20000)


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
            status=AssessmentStatus.SCORING, conflict_declared_at=factory.LazyFunction(_now)
        )
        conflicted = factory.Trait(
            status=AssessmentStatus.CONFLICTED,
            conflict_declared_at=factory.LazyFunction(_now),
            conflict_note="I advised the lead council on this bid last year.",
        )
        submitted = factory.Trait(
            status=AssessmentStatus.SUBMITTED,
            conflict_declared_at=factory.LazyFunction(_now),
            submitted_at=factory.LazyFunction(_now),
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
    decided_at = factory.LazyFunction(_now)

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
            decisions_approved_at=factory.LazyFunction(lambda: _now() - 40 * DAY),
            announced_at=factory.LazyFunction(lambda: _now() - 30 * DAY),
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
            status=AwardStatus.ACCEPTED, responded_at=factory.LazyFunction(_now)
        )
        declined = factory.Trait(
            status=AwardStatus.DECLINED,
            responded_at=factory.LazyFunction(_now),
            decline_reason="Our partner councils could not match the timetable.",
        )
        active = factory.Trait(
            status=AwardStatus.ACTIVE,
            responded_at=factory.LazyFunction(_now),
            started_at=factory.LazyFunction(_now),
        )
        completed = factory.Trait(
            status=AwardStatus.COMPLETED,
            responded_at=factory.LazyFunction(_now),
            started_at=factory.LazyFunction(_now),
            completed_at=factory.LazyFunction(_now),
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
    posted_at = factory.LazyFunction(_now)


class ProjectOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectOutput

    award = factory.SubFactory(AwardFactory)
    title = factory.Sequence(lambda n: f"Missed bins prototype {n}")
    url = factory.Sequence(lambda n: f"https://github.com/example-council/missed-bins-{n}")
    output_type = ProjectOutputType.CODE
