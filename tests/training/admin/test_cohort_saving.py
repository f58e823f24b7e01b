"""A cohort's page saves through the services (training/admin/cohorts.py): the cohort through
``cohort_create`` or ``cohort_update``, a draft's sessions through ``cohort_sessions_save``,
each audited, and a cohort is deleted through ``cohort_delete``; a problem is named on the
page with what was typed kept, and a refusal of the services is shown."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.training.admin_support import cohort_data, cohort_url, split
from tests.training.factories import CohortFactory, CourseFactory
from training.admin import cohorts as cohort_admin
from training.errors import TrainingError, TransitionNotAllowed
from training.models import Cohort, CohortSession

pytestmark = pytest.mark.django_db

ADD = "/admin/training/cohort/add/"
DAY = datetime.timedelta(days=1)


def details_data(cohort: Cohort) -> dict[str, str]:
    """The fields of a cohort's page that may change once it is published, as it opens."""
    return {
        "name": cohort.name,
        "max_per_organisation": "",
        "enrolment_opens_at_0": split(cohort.enrolment_opens_at)["0"],
        "enrolment_opens_at_1": split(cohort.enrolment_opens_at)["1"],
        "enrolment_closes_at_0": split(cohort.enrolment_closes_at)["0"],
        "enrolment_closes_at_1": split(cohort.enrolment_closes_at)["1"],
        "joining_instructions": cohort.joining_instructions,
        "feedback_survey_url": "",
    }


def draft_data(cohort: Cohort, **overrides: str) -> dict[str, str]:
    """The draft's page as it opens, its sessions as they are, with ``overrides``."""
    sessions = list(cohort.sessions.order_by("starts_at", "pk"))
    data = {
        "course": str(cohort.course_id),
        "capacity": str(cohort.capacity),
        "reserved_places": str(cohort.reserved_places),
        "reserved_release_at_0": "",
        "reserved_release_at_1": "",
        **details_data(cohort),
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(len(sessions)),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for index, session in enumerate(sessions):
        prefix = f"sessions-{index}-"
        data |= {
            f"{prefix}id": str(session.pk),
            f"{prefix}cohort": str(cohort.pk),
            f"{prefix}starts_at_0": split(session.starts_at)["0"],
            f"{prefix}starts_at_1": split(session.starts_at)["1"],
            f"{prefix}ends_at_0": split(session.ends_at)["0"],
            f"{prefix}ends_at_1": split(session.ends_at)["1"],
            f"{prefix}location": session.location,
        }
        if session.is_online:
            data[f"{prefix}is_online"] = "on"
    return {**data, **overrides}


def a_draft() -> Cohort:
    """A draft whose times are whole minutes, as the page posts them."""
    starts = timezone.now().replace(second=0, microsecond=0) + 30 * DAY
    cohort = CohortFactory.create(draft=True, sessions=[starts])
    Cohort.objects.filter(pk=cohort.pk).update(
        enrolment_opens_at=starts - 35 * DAY,
        enrolment_closes_at=starts - 10 * DAY,
    )
    cohort.refresh_from_db()
    return cohort


def verbs() -> list[str]:
    return list(
        AuditEvent.objects.filter(verb__startswith="training.cohort").values_list("verb", flat=True)
    )


class TestAdd:
    def test_adds_a_draft_and_its_sessions_each_audited(self, trainer, trainer_user):
        course = CourseFactory()

        response = trainer.post(ADD, cohort_data(course))

        assert response.status_code == 302, response.context["errors"]
        cohort = Cohort.objects.get(course=course)
        assert sorted(verbs()) == ["training.cohort.created", "training.cohort.sessions_changed"]
        created = AuditEvent.objects.get(verb="training.cohort.created")
        assert created.actor == trainer_user
        assert created.data["values"]["course"] == course.pk
        sessions = AuditEvent.objects.get(verb="training.cohort.sessions_changed")
        session = cohort.sessions.get()
        assert sessions.data["changes"] == [
            {
                "change": "added",
                "session": session.pk,
                "starts_at": session.starts_at.isoformat(),
                "ends_at": session.ends_at.isoformat(),
                "is_online": False,
                "location": "Town Hall, Borchester",
            }
        ]

    def test_a_problem_is_named_with_what_was_typed_kept(self, trainer):
        course = CourseFactory()

        response = trainer.post(
            ADD, cohort_data(course, name="Autumn", reserved_places="25", capacity="20")
        )

        assert response.status_code == 200
        assert "reserved_places" in response.context["adminform"].form.errors
        assert 'value="Autumn"' in response.text
        assert 'value="Town Hall, Borchester"' in response.text
        assert not Cohort.objects.filter(course=course).exists()
        assert verbs() == []


class TestChangeDraft:
    def test_saving_it_unchanged_records_nothing(self, trainer):
        cohort = a_draft()

        response = trainer.post(cohort_url(cohort), draft_data(cohort))

        assert response.status_code == 302, response.context["errors"]
        assert verbs() == []

    def test_audits_the_cohort_and_each_session_changed(self, trainer):
        cohort = a_draft()
        session = cohort.sessions.get()

        response = trainer.post(
            cohort_url(cohort),
            draft_data(cohort, name="Summer", **{"sessions-0-location": "Room 9"}),
        )

        assert response.status_code == 302, response.context["errors"]
        updated = AuditEvent.objects.get(verb="training.cohort.updated")
        assert updated.data["changes"] == [{"field": "name", "old": cohort.name, "new": "Summer"}]
        changed = AuditEvent.objects.get(verb="training.cohort.sessions_changed")
        assert changed.data["changes"] == [
            {
                "change": "changed",
                "session": session.pk,
                "fields": [{"field": "location", "old": session.location, "new": "Room 9"}],
            }
        ]

    def test_a_session_removed_is_audited(self, trainer):
        cohort = a_draft()
        session = cohort.sessions.get()

        response = trainer.post(
            cohort_url(cohort), draft_data(cohort, **{"sessions-0-DELETE": "on"})
        )

        assert response.status_code == 302, response.context["errors"]
        assert not CohortSession.objects.filter(pk=session.pk).exists()
        changed = AuditEvent.objects.get(verb="training.cohort.sessions_changed")
        assert [(c["change"], c["session"]) for c in changed.data["changes"]] == [
            ("removed", session.pk)
        ]

    def test_a_refusal_of_the_sessions_is_shown_above_them_with_what_was_typed_kept(
        self, trainer, monkeypatch
    ):
        cohort = a_draft()

        def refuse(**kwargs: object) -> None:
            raise TrainingError("These sessions cannot be saved.")

        monkeypatch.setattr(cohort_admin, "cohort_sessions_save", refuse)
        response = trainer.post(
            cohort_url(cohort),
            draft_data(cohort, name="Summer", **{"sessions-0-location": "Room 9"}),
        )

        assert response.status_code == 200
        assert "These sessions cannot be saved." in response.text
        assert 'value="Summer"' in response.text
        assert 'value="Room 9"' in response.text
        cohort.refresh_from_db()
        assert cohort.name != "Summer"
        assert verbs() == []

    def test_a_refusal_of_the_cohort_is_shown_and_nothing_is_saved(self, trainer, monkeypatch):
        """Published or cancelled since the page opened: the service refuses."""
        cohort = a_draft()

        def refuse(**kwargs: object) -> None:
            raise TransitionNotAllowed("This cohort is cancelled, so it is fixed.")

        monkeypatch.setattr(cohort_admin, "cohort_update", refuse)
        response = trainer.post(cohort_url(cohort), draft_data(cohort, name="Summer"))

        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [
            "Nothing was saved. This cohort is cancelled, so it is fixed."
        ]
        assert 'value="Summer"' in response.text
        cohort.refresh_from_db()
        assert cohort.name != "Summer"


class TestChangePublished:
    def test_a_plain_save_audits_only_the_details_changed(self, trainer):
        cohort = CohortFactory(name="Spring")
        data = {
            **details_data(cohort),
            "name": "Summer",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
        }

        response = trainer.post(cohort_url(cohort), data)

        assert response.status_code == 302
        event = AuditEvent.objects.get(verb="training.cohort.updated")
        fields = [change["field"] for change in event.data["changes"]]
        assert "name" in fields
        assert not {"capacity", "course", "reserved_places"} & set(fields)
        assert "training.cohort.sessions_changed" not in verbs()


class TestDelete:
    def test_a_superuser_deletes_a_cohort_nobody_has_been_on_through_the_service(
        self, otp_verified_client_for
    ):
        client = otp_verified_client_for(UserFactory(staff=True, is_superuser=True))
        cohort = a_draft()

        response = client.post(cohort_url(cohort, "delete"), {"post": "yes"})

        assert response.status_code == 302
        assert not Cohort.objects.filter(pk=cohort.pk).exists()
        assert verbs() == ["training.cohort.deleted"]

    def test_a_training_administrator_may_not_delete_a_cohort(self, trainer):
        cohort = a_draft()

        response = trainer.post(cohort_url(cohort, "delete"), {"post": "yes"})

        assert response.status_code == 403
        assert Cohort.objects.filter(pk=cohort.pk).exists()
