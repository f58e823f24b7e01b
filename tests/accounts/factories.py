import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from localdigital.accounts.models import User
from tests.accounts.support import PASSWORD


class UserFactory(factory.django.DjangoModelFactory):
    """A council user who has signed in before (a verified email address)."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(None)
    email_verified_at = factory.LazyFunction(timezone.now)

    class Params:
        unverified = factory.Trait(email_verified_at=None)
        # Made by a request for a sign-in link, and never used.
        signed_up = factory.Trait(email_verified_at=None, created_by_sign_in=True)
        staff = factory.Trait(is_staff=True, password=factory.django.Password(PASSWORD))

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs: object) -> None:
        """Put the user in staff groups: ``UserFactory(staff=True, groups=["Assessor"])``."""
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))
