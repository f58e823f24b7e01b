"""What the training admin tests share: clients for each staff role, the admin's
addresses, and reading what a page said."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.accounts.factories import UserFactory

OTHER_STAFF = ["Fund manager", "Assessor", "Communications"]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def cohort_url(cohort, name: str = "change", *args: object) -> str:
    return reverse(f"admin:training_cohort_{name}", args=[cohort.pk, *args])


def enrolment_url(enrolment, name: str = "change") -> str:
    return reverse(f"admin:training_enrolment_{name}", args=[enrolment.pk])


COHORTS = reverse("admin:training_cohort_changelist")
ENROLMENTS = reverse("admin:training_enrolment_changelist")


@pytest.fixture
def trainer_user(db):
    return UserFactory(staff=True, groups=["Training administrator"], full_name="Tom Trainer")


@pytest.fixture
def trainer(otp_verified_client_for, trainer_user):
    """A training administrator, signed in with two factors."""
    return otp_verified_client_for(trainer_user)


@pytest.fixture(params=OTHER_STAFF)
def other_staff(request, otp_verified_client_for):
    """A member of each other staff group, signed in with two factors."""
    return otp_verified_client_for(UserFactory(staff=True, groups=[request.param]))
