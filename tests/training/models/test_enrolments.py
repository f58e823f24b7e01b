"""The database holds the rules it can: one live enrolment per person per cohort, unique
waiting positions, reserved places within capacity; and the training administrators'
permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from tests.training.factories import CohortFactory, EnrolmentFactory
from training.models import EnrolmentStatus

pytestmark = pytest.mark.django_db


def check_deferred_constraints() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class TestConstraints:
    def test_one_live_enrolment_per_person_per_cohort(self):
        enrolment = EnrolmentFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            EnrolmentFactory(
                cohort=enrolment.cohort,
                user=enrolment.user,
                organisation=enrolment.organisation,
                waiting=True,
                waiting_position=1,
            )
        EnrolmentFactory(
            cohort=enrolment.cohort,
            user=enrolment.user,
            organisation=enrolment.organisation,
            cancelled=True,
        )

    def test_waiting_positions_are_unique_in_a_cohort(self):
        cohort = CohortFactory()
        EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
        EnrolmentFactory(cohort=CohortFactory(), waiting=True, waiting_position=1)

        with pytest.raises(IntegrityError), transaction.atomic():
            EnrolmentFactory(cohort=cohort, waiting=True, waiting_position=1)
            check_deferred_constraints()

    def test_only_the_waiting_have_a_position(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            EnrolmentFactory(status=EnrolmentStatus.ENROLLED, waiting_position=3)
        with pytest.raises(IntegrityError), transaction.atomic():
            EnrolmentFactory(waiting=True, waiting_position=None)

    def test_reserved_places_fit_the_capacity_and_need_a_release_date(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CohortFactory(capacity=2, reserved_places=3, reserved=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            CohortFactory(reserved_places=2, reserved_release_at=None)


class TestPermissions:
    def test_training_administrators_run_courses_and_see_needs(self):
        group = Group.objects.get(name="Training administrator")
        codenames = set(group.permissions.values_list("codename", flat=True))

        assert {
            "change_cohort",
            "add_course",
            "view_enrolment",
            "view_enrolment_needs",
            "add_attendance",
        } <= codenames
        for other in ("Fund manager", "Assessor", "Communications"):
            assert (
                not Group.objects.get(name=other)
                .permissions.filter(codename="view_enrolment_needs")
                .exists()
            )
