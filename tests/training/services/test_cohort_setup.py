"""Adding a cohort, changing its details and a draft's sessions, and deleting one: each rule
checked in the service, what was set, changed or deleted audited; nothing changed, nothing
recorded; a failed audit leaves nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.support.audit import audit_break
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    CourseFactory,
    EnrolmentFactory,
)
from training.errors import NotPermitted, TrainingError, TransitionNotAllowed
from training.models import Cohort, CohortSession, CohortStatus
from training.services import cohort_setup as services

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def new_values(course, **overrides):
    now = timezone.now().replace(microsecond=0)
    return {
        "course": course,
        "name": "Spring",
        "capacity": 20,
        "max_per_organisation": None,
        "reserved_places": 0,
        "reserved_release_at": None,
        "enrolment_opens_at": now,
        "enrolment_closes_at": now + 20 * DAY,
        "joining_instructions": "Room 2.",
        "feedback_survey_url": "",
        **overrides,
    }


def values_of(cohort: Cohort, **changed: object) -> dict[str, object]:
    return {name: getattr(cohort, name) for name in services.COHORT_FIELDS} | changed


class TestCohortCreate:
    def test_adds_a_draft_and_audits_every_value_given(self, administrator):
        course = CourseFactory()
        values = new_values(course)

        cohort = services.cohort_create(values=values, created_by=administrator)

        cohort.refresh_from_db()
        assert (cohort.status, cohort.course, cohort.capacity) == (CohortStatus.DRAFT, course, 20)
        event = AuditEvent.objects.get(verb="training.cohort.created")
        assert event.actor == administrator
        assert event.target_object_id == str(cohort.pk)
        assert event.data["values"] == {
            **values,
            "course": course.pk,
            "enrolment_opens_at": values["enrolment_opens_at"].isoformat(),
            "enrolment_closes_at": values["enrolment_closes_at"].isoformat(),
        }

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"enrolment_closes_at": timezone.now() - 30 * DAY}, "must close after it opens"),
            ({"reserved_places": 25}, "Reserve 20 places or fewer"),
            ({"reserved_places": 5}, "Say when reserved places"),
        ],
        ids=["window", "too-many-reserved", "no-release"],
    )
    def test_refuses_a_cohort_it_may_not_have(self, administrator, overrides, message):
        course = CourseFactory()

        with pytest.raises(TrainingError, match=message):
            services.cohort_create(values=new_values(course, **overrides), created_by=administrator)

        assert not Cohort.objects.filter(course=course).exists()

    def test_adds_nothing_when_the_audit_fails(self, administrator, monkeypatch):
        course = CourseFactory()

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.cohort_create(values=new_values(course), created_by=administrator)

        assert not Cohort.objects.filter(course=course).exists()


class TestCohortUpdate:
    def test_audits_each_changed_field_with_its_old_and_new_value(self, administrator):
        cohort = CohortFactory(draft=True, capacity=10, name="Spring")
        closes = cohort.enrolment_closes_at
        new_closes = closes + DAY

        services.cohort_update(
            cohort_id=cohort.pk,
            values=values_of(cohort, name="Summer", capacity=12, enrolment_closes_at=new_closes),
            updated_by=administrator,
        )

        cohort.refresh_from_db()
        assert (cohort.name, cohort.capacity) == ("Summer", 12)
        event = AuditEvent.objects.get(verb="training.cohort.updated")
        assert event.data == {
            "changes": [
                {"field": "name", "old": "Spring", "new": "Summer"},
                {"field": "capacity", "old": 10, "new": 12},
                {
                    "field": "enrolment_closes_at",
                    "old": closes.isoformat(),
                    "new": new_closes.isoformat(),
                },
            ]
        }

    def test_records_nothing_when_nothing_changed(self, administrator):
        cohort = CohortFactory()

        services.cohort_update(
            cohort_id=cohort.pk, values=values_of(cohort), updated_by=administrator
        )

        assert not AuditEvent.objects.filter(verb="training.cohort.updated").exists()

    def test_changes_the_details_of_a_published_cohort(self, administrator):
        cohort = CohortFactory(name="Spring")

        services.cohort_update(
            cohort_id=cohort.pk,
            values={"name": "Summer", "joining_instructions": "Room 3."},
            updated_by=administrator,
        )

        cohort.refresh_from_db()
        assert (cohort.name, cohort.joining_instructions) == ("Summer", "Room 3.")

    def test_refuses_the_places_of_a_published_cohort(self, administrator):
        cohort = CohortFactory(capacity=10, name="Spring")

        with pytest.raises(TransitionNotAllowed, match="its capacity no longer change here"):
            services.cohort_update(
                cohort_id=cohort.pk,
                values={"name": "Renamed", "capacity": 99},
                updated_by=administrator,
            )

        cohort.refresh_from_db()
        assert (cohort.capacity, cohort.name) == (10, "Spring")
        assert not AuditEvent.objects.filter(verb="training.cohort.updated").exists()

    def test_refuses_enrolment_closing_after_a_published_cohorts_first_session(self, administrator):
        cohort = CohortFactory()
        late = cohort.sessions.order_by("starts_at").first().starts_at + DAY

        with pytest.raises(TrainingError, match="before the first session starts"):
            services.cohort_update(
                cohort_id=cohort.pk,
                values={"enrolment_closes_at": late},
                updated_by=administrator,
            )

    def test_refuses_a_change_to_a_cancelled_cohort(self, administrator):
        cohort = CohortFactory(cancelled=True)

        with pytest.raises(TransitionNotAllowed, match="cancelled, so it is fixed"):
            services.cohort_update(
                cohort_id=cohort.pk, values={"name": "Renamed"}, updated_by=administrator
            )

    def test_writes_nothing_when_the_audit_fails(self, administrator, monkeypatch):
        cohort = CohortFactory(name="Spring")

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.cohort_update(
                cohort_id=cohort.pk, values={"name": "Summer"}, updated_by=administrator
            )

        cohort.refresh_from_db()
        assert cohort.name == "Spring"


def session_of(cohort: Cohort, starts_at: datetime.datetime, **values) -> CohortSession:
    return CohortSession(
        cohort=cohort,
        starts_at=starts_at,
        ends_at=starts_at + 7 * HOUR,
        **{"location": "Town Hall", "is_online": False, **values},
    )


class TestCohortSessionsSave:
    def test_audits_each_session_added_changed_and_removed(self, administrator):
        cohort = CohortFactory(draft=True, sessions=[])
        starts = timezone.now().replace(microsecond=0) + 30 * DAY
        kept = CohortSessionFactory(cohort=cohort, starts_at=starts, location="Room 1")
        gone = CohortSessionFactory(cohort=cohort, starts_at=starts + DAY)
        new = session_of(cohort, starts + 2 * DAY, is_online=True, location="")
        kept.location = "Room 2"

        services.cohort_sessions_save(
            cohort=cohort, saved=[kept, new], deleted=[gone], by=administrator
        )

        assert sorted(cohort.sessions.values_list("pk", flat=True)) == sorted([kept.pk, new.pk])
        event = AuditEvent.objects.get(verb="training.cohort.sessions_changed")
        assert event.target_object_id == str(cohort.pk)
        assert event.data == {
            "changes": [
                {
                    "change": "added",
                    "session": new.pk,
                    "starts_at": new.starts_at.isoformat(),
                    "ends_at": new.ends_at.isoformat(),
                    "is_online": True,
                    "location": "",
                },
                {
                    "change": "changed",
                    "session": kept.pk,
                    "fields": [{"field": "location", "old": "Room 1", "new": "Room 2"}],
                },
                {
                    "change": "removed",
                    "session": gone.pk,
                    "starts_at": gone.starts_at.isoformat(),
                    "ends_at": gone.ends_at.isoformat(),
                    "is_online": False,
                    "location": gone.location,
                },
            ]
        }

    def test_records_nothing_when_the_sessions_are_saved_as_they_were(self, administrator):
        cohort = CohortFactory(draft=True)

        services.cohort_sessions_save(
            cohort=cohort, saved=list(cohort.sessions.all()), deleted=[], by=administrator
        )

        assert not AuditEvent.objects.filter(verb="training.cohort.sessions_changed").exists()

    def test_refuses_once_the_cohort_is_published(self, administrator):
        """Published since the page opened: its sessions then change on their own pages."""
        cohort = CohortFactory()
        new = session_of(cohort, timezone.now() + 40 * DAY)

        with pytest.raises(TransitionNotAllowed, match="not a draft"):
            services.cohort_sessions_save(cohort=cohort, saved=[new], deleted=[], by=administrator)

        assert cohort.sessions.count() == 2

    def test_refuses_a_session_that_ends_before_it_starts(self, administrator):
        cohort = CohortFactory(draft=True, sessions=[])
        starts = timezone.now() + 30 * DAY
        wrong = session_of(cohort, starts)
        wrong.ends_at = starts - HOUR

        with pytest.raises(TrainingError, match="must end after it starts"):
            services.cohort_sessions_save(
                cohort=cohort, saved=[wrong], deleted=[], by=administrator
            )

        assert not cohort.sessions.exists()

    def test_saves_nothing_when_the_audit_fails(self, administrator, monkeypatch):
        cohort = CohortFactory(draft=True, sessions=[])

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.cohort_sessions_save(
                cohort=cohort,
                saved=[session_of(cohort, timezone.now() + 30 * DAY)],
                deleted=[],
                by=administrator,
            )

        assert not cohort.sessions.exists()


@pytest.fixture
def superuser():
    return UserFactory(staff=True, is_superuser=True)


class TestCohortDelete:
    def test_deletes_a_cohort_nobody_has_been_on_and_keeps_its_details(self, superuser):
        cohort = CohortFactory(draft=True, name="Spring")

        services.cohort_delete(cohort_id=cohort.pk, deleted_by=superuser)

        assert not Cohort.objects.filter(pk=cohort.pk).exists()
        assert not CohortSession.objects.filter(cohort_id=cohort.pk).exists()
        event = AuditEvent.objects.get(verb="training.cohort.deleted")
        assert event.target_object_id == str(cohort.pk)
        assert event.data["values"]["name"] == "Spring"
        assert event.data["values"]["course"] == cohort.course_id
        assert len(event.data["sessions"]) == 2

    def test_refuses_a_cohort_someone_has_been_on(self, superuser):
        cohort = EnrolmentFactory(cancelled=True).cohort

        with pytest.raises(TransitionNotAllowed, match="1 person has been on"):
            services.cohort_delete(cohort_id=cohort.pk, deleted_by=superuser)

        assert Cohort.objects.filter(pk=cohort.pk).exists()
        assert not AuditEvent.objects.filter(verb="training.cohort.deleted").exists()

    def test_refuses_a_training_administrator_as_today(self, administrator):
        """Training administrators are not given the permission to delete cohorts."""
        cohort = CohortFactory(draft=True)

        with pytest.raises(NotPermitted):
            services.cohort_delete(cohort_id=cohort.pk, deleted_by=administrator)

        assert Cohort.objects.filter(pk=cohort.pk).exists()

    def test_deletes_nothing_when_the_audit_fails(self, superuser, monkeypatch):
        cohort = CohortFactory(draft=True)

        audit_break(monkeypatch, services)
        with pytest.raises(IntegrityError):
            services.cohort_delete(cohort_id=cohort.pk, deleted_by=superuser)

        assert Cohort.objects.filter(pk=cohort.pk).exists()
