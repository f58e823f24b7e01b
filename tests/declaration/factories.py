import factory
from django.utils import timezone

from declaration.models import Membership, MembershipRole, Organisation, OrganisationType
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
