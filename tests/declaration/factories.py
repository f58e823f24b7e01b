import datetime

import factory
from django.utils import timezone

from declaration.models import (
    DeclarationVersion,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
    Principle,
    ProjectUpdate,
    Signing,
    SigningStatus,
)
from tests.accounts.factories import UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Borsetshire District Council {n}")
    slug = factory.Sequence(lambda n: f"borsetshire-{n}")
    register_code = factory.Sequence(lambda n: f"Z{n:03d}")
    organisation_type = OrganisationType.DISTRICT
    region = "South West"
    nation = "England"
    email_domains = factory.LazyAttribute(lambda o: [f"{o.slug}.gov.uk"])

    class Params:
        closed = factory.Trait(closed_on=factory.LazyFunction(lambda: timezone.localdate()))


class MembershipFactory(factory.django.DjangoModelFactory):
    """An approved member, approved by email domain (so by nobody: ``approved_by`` is empty).

    ``pending=True`` makes one awaiting approval, and ``admin=True`` an organisation admin.
    Pass ``approved_by`` for someone approved or added by staff.
    """

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER
    approved_at = factory.LazyFunction(timezone.now)
    approved_by = None

    class Params:
        pending = factory.Trait(approved_at=None, approved_by=None)
        admin = factory.Trait(role=MembershipRole.ADMIN)


class DeclarationVersionFactory(factory.django.DjangoModelFactory):
    """A published version of the Declaration's text."""

    class Meta:
        model = DeclarationVersion
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    text = "## The principles\n\nWe redesign services around the people who use them."
    published_on = datetime.date(2018, 7, 4)

    class Params:
        draft = factory.Trait(published_on=None)


class SigningFactory(factory.django.DjangoModelFactory):
    """A signing, by default published; traits give every other state with its timestamps.

    ``SigningFactory(submitted=True)`` is pending; ``draft``, ``rejected``, ``withdrawn`` and
    ``unpublished`` give the others; ``unlisted=True`` proposes an organisation not in the
    register.
    """

    class Meta:
        model = Signing

    status = SigningStatus.PUBLISHED
    organisation = factory.SubFactory(OrganisationFactory)
    signer = factory.SubFactory(UserFactory)
    signer_role = "Head of digital"
    senior_leader_name = factory.Faker("name", locale="en_GB")
    senior_leader_job_title = "Chief executive"
    digital_lead_name = factory.Faker("name", locale="en_GB")
    digital_lead_job_title = "Head of digital services"
    digital_lead_email = factory.LazyAttribute(
        lambda s: f"digital.lead@{s.organisation.slug}.gov.uk" if s.organisation else ""
    )
    project_title = factory.Sequence(lambda n: f"Reusable booking service {n}")
    project_description = "We will build one booking component and share it with our partners."
    project_principles = factory.LazyFunction(lambda: [Principle.SERVICES, Principle.OPEN])
    version = factory.SubFactory(DeclarationVersionFactory, number=1)
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    submitted_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=28))

    class Params:
        draft = factory.Trait(
            status=SigningStatus.DRAFT,
            version=None,
            signed_on=None,
            submitted_at=None,
            published_at=None,
        )
        submitted = factory.Trait(status=SigningStatus.SUBMITTED, published_at=None)
        rejected = factory.Trait(
            status=SigningStatus.REJECTED,
            published_at=None,
            rejected_at=factory.LazyFunction(timezone.now),
            rejection_reason="We could not confirm that you work for this organisation.",
        )
        withdrawn = factory.Trait(
            status=SigningStatus.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawal_reason="We are reorganising our digital team.",
        )
        unpublished = factory.Trait(
            status=SigningStatus.UNPUBLISHED,
            unpublished_at=factory.LazyFunction(timezone.now),
            unpublish_reason="The organisation asked us to remove it.",
        )
        unlisted = factory.Trait(
            organisation=None,
            proposed_name=factory.Sequence(lambda n: f"Borsetshire Fire and Rescue Service {n}"),
            proposed_type=OrganisationType.FIRE_AND_RESCUE,
            proposed_website="https://www.borsetshire-fire.example",
            proposed_region="South West",
        )
        co_published = factory.Trait(
            co_publisher=True,
            signed_on=datetime.date(2018, 7, 4),
        )


class ProjectUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectUpdate

    signing = factory.SubFactory(SigningFactory)
    title = factory.Sequence(lambda n: f"Sprint {n} show and tell")
    body = "We tested the new booking flow with 12 residents and fixed three problems."
    posted_by = factory.LazyAttribute(lambda u: u.signing.signer)
    posted_at = factory.LazyFunction(timezone.now)
