"""Factories for EOIs and applications in each state, their partners and budgets."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import factory

from funding.models import (
    Application,
    ApplicationPartner,
    ApplicationSection,
    ApplicationStatus,
    BudgetLine,
    EoiCluster,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    OutputType,
    Phase,
    Section,
)
from tests.funding.factories.rounds import RoundFactory, SignatoryFactory, member_of, time_now


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
            submitted_at=factory.LazyFunction(time_now),
            submitted_by=factory.SelfAttribute("created_by"),
        )
        declined = factory.Trait(
            status=EoiStatus.DECLINED,
            submitted_at=factory.LazyFunction(time_now),
            declined_at=factory.LazyFunction(time_now),
            decline_feedback="Others are solving this problem already; talk to them.",
        )
        withdrawn = factory.Trait(
            status=EoiStatus.WITHDRAWN, withdrawn_at=factory.LazyFunction(time_now)
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
            submitted_at=factory.LazyFunction(time_now),
            submitted_by=factory.SelfAttribute("created_by"),
        )
        withdrawn = factory.Trait(
            status=ApplicationStatus.WITHDRAWN, withdrawn_at=factory.LazyFunction(time_now)
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
        confirmed = factory.Trait(confirmed_at=factory.LazyFunction(time_now))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    description = "Developer, 40 days"
    amount = Decimal(20000)
