"""Training's emails: enrolments, places offered, changes to sessions and reminders."""

from __future__ import annotations

import datetime

from tests.mail.email_catalogue import (
    FEEDBACK_SURVEY_URL,
    scenario,
    staff_in,
    the_time,
)


def _training_administrator():
    return staff_in("Training administrator")


def _enrols(cohort) -> None:
    """A member of a signatory enrols on ``cohort`` themselves."""
    from tests.training.factories import enrol

    enrol(cohort)


@scenario
def training_place_confirmed() -> None:
    from tests.training.factories import CohortFactory

    _enrols(CohortFactory.create())


@scenario
def training_waiting_list() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory

    cohort = CohortFactory.create(capacity=1)
    EnrolmentFactory.create(cohort=cohort)
    _enrols(cohort)


@scenario
def training_offer_made() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory
    from training.services.offers import cohort_places_offer

    cohort = CohortFactory.create(capacity=1)
    EnrolmentFactory.create(cohort=cohort, waiting=True, waiting_position=1)
    cohort_places_offer(cohort_id=cohort.pk)


@scenario
def training_offer_declined() -> None:
    from tests.training.factories import OfferFactory
    from training.services.offers import offer_decline

    offer = OfferFactory.create()
    offer_decline(offer=offer, declined_by=offer.enrolment.user)


@scenario
def training_offer_lapsed() -> None:
    from tests.training.factories import OfferFactory
    from training.services.offers import offer_expire

    now = the_time()
    offer = OfferFactory.create(
        offered_at=now - datetime.timedelta(hours=49), expires_at=now - datetime.timedelta(hours=1)
    )
    offer_expire(offer_id=offer.pk, now=now)


@scenario
def training_place_cancelled() -> None:
    from tests.training.factories import EnrolmentFactory
    from training.services.enrolment_changes import enrolment_cancel

    enrolment = EnrolmentFactory.create()
    enrolment_cancel(enrolment=enrolment, cancelled_by=enrolment.user)


@scenario
def training_cohort_cancelled() -> None:
    from tests.training.factories import EnrolmentFactory
    from training.services.cohorts import cohort_cancel

    enrolment = EnrolmentFactory.create()
    cohort_cancel(
        cohort=enrolment.cohort,
        reason="The trainer is ill.",
        cancelled_by=_training_administrator(),
    )


@scenario
def training_session_changed() -> None:
    from tests.training.factories import EnrolmentFactory
    from training.services.cohorts import cohort_session_change

    enrolment = EnrolmentFactory.create()
    session = enrolment.cohort.sessions.order_by("starts_at").first()
    cohort_session_change(
        session=session,
        starts_at=session.starts_at + datetime.timedelta(hours=1),
        ends_at=session.ends_at + datetime.timedelta(hours=1),
        location="Committee Room 3, Borchester Town Hall",
        is_online=False,
        changed_by=_training_administrator(),
    )


@scenario
def training_reminders_before_the_course() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory
    from training.models import ReminderKind
    from training.services.reminders import cohort_reminder_send

    now = the_time()
    first = now + datetime.timedelta(days=7, minutes=-5)
    cohort = CohortFactory.create(
        enrolment_closes_at=now + datetime.timedelta(days=1),
        sessions=[first, first + datetime.timedelta(days=1)],
    )
    EnrolmentFactory.create(cohort=cohort)
    for kind in (ReminderKind.SEVEN_DAYS, ReminderKind.JOINING_INSTRUCTIONS):
        cohort_reminder_send(cohort_id=cohort.pk, kind=kind, now=now)


@scenario
def training_feedback() -> None:
    from tests.training.factories import CohortFactory, EnrolmentFactory
    from training.models import ReminderKind
    from training.services.reminders import cohort_reminder_send

    now = the_time()
    cohort = CohortFactory.create(
        past=True,
        feedback_survey_url=FEEDBACK_SURVEY_URL,
        sessions=[now - datetime.timedelta(hours=10)],
    )
    EnrolmentFactory.create(cohort=cohort, completed=True)
    cohort_reminder_send(cohort_id=cohort.pk, kind=ReminderKind.FEEDBACK, now=now)
