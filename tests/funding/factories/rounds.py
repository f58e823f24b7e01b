"""Factories for the Fund's rounds, with their caps, criteria and questions, and the
signatories that bid to them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import cast

import factory
from django.utils import timezone

from declaration.models import Organisation
from funding.models import (
    Criterion,
    Fund,
    Phase,
    PhaseCap,
    Round,
    RoundQuestion,
)
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory

DAY = datetime.timedelta(days=1)


def time_now() -> datetime.datetime:
    """The time when a factory runs, read then (so a test that moves ``timezone.now`` moves
    it too), for ``factory.LazyFunction``."""
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
    applications_open_at = factory.LazyFunction(lambda: time_now() - 10 * DAY)
    applications_close_at = factory.LazyFunction(lambda: time_now() + 20 * DAY)
    decisions_announced_at = factory.LazyAttribute(lambda r: r.applications_close_at + 30 * DAY)
    min_participants = 2

    class Params:
        eoi_open = factory.Trait(
            eoi_opens_at=factory.LazyFunction(lambda: time_now() - 5 * DAY),
            eoi_closes_at=factory.LazyFunction(lambda: time_now() + 10 * DAY),
            applications_open_at=factory.LazyFunction(lambda: time_now() + 15 * DAY),
            applications_close_at=factory.LazyFunction(lambda: time_now() + 45 * DAY),
        )
        eoi_closed = factory.Trait(
            eoi_opens_at=factory.LazyFunction(lambda: time_now() - 20 * DAY),
            eoi_closes_at=factory.LazyFunction(lambda: time_now() - 5 * DAY),
            applications_open_at=factory.LazyFunction(lambda: time_now() + 5 * DAY),
            applications_close_at=factory.LazyFunction(lambda: time_now() + 35 * DAY),
        )
        eoi_then_applications_open = factory.Trait(
            eoi_opens_at=factory.LazyFunction(lambda: time_now() - 40 * DAY),
            eoi_closes_at=factory.LazyFunction(lambda: time_now() - 20 * DAY),
            applications_open_at=factory.LazyFunction(lambda: time_now() - 10 * DAY),
            applications_close_at=factory.LazyFunction(lambda: time_now() + 20 * DAY),
        )
        upcoming = factory.Trait(
            applications_open_at=factory.LazyFunction(lambda: time_now() + 10 * DAY),
            applications_close_at=factory.LazyFunction(lambda: time_now() + 40 * DAY),
        )
        closed = factory.Trait(
            applications_open_at=factory.LazyFunction(lambda: time_now() - 40 * DAY),
            applications_close_at=factory.LazyFunction(lambda: time_now() - 10 * DAY),
        )
        decided = factory.Trait(
            applications_open_at=factory.LazyFunction(lambda: time_now() - 90 * DAY),
            applications_close_at=factory.LazyFunction(lambda: time_now() - 60 * DAY),
            decisions_announced_at=factory.LazyFunction(lambda: time_now() - 30 * DAY),
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
    published_at = factory.LazyFunction(time_now)
