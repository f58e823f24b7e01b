"""What the training services share: the cohort lock and the count of places it protects,
who may enrol, who is a training administrator, emails and the links they carry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Min
from django.template.loader import render_to_string

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from localdigital.accounts import groups
from localdigital.accounts.models import User
from localdigital.mail.services import email_queue
from localdigital.public_cache import content_changed
from localdigital.queueing import enqueue_on_commit

from ..errors import NotEligible, NotPermitted
from ..links import sign_url
from ..models import (
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
)
from ..places import PLACE_COUNTS, Places, places_compute
from ..selectors.eligibility import enrolment_eligibility

# Re-exported: the services read priority from here.
from ..selectors.eligibility import is_priority_organisation as is_priority_organisation

logger = logging.getLogger(__name__)


def is_training_administrator(user: User | None) -> bool:
    """Return whether ``user`` is active staff in the Training administrator group, or a
    superuser."""
    if user is None or not user.is_active or not user.is_staff:
        return False
    return user.is_superuser or user.groups.filter(name=groups.TRAINING_ADMINISTRATOR).exists()


def require_training_administrator(user: User, action: str) -> None:
    """Raise ``NotPermitted`` unless ``user`` is a training administrator."""
    if not is_training_administrator(user):
        raise NotPermitted(f"Only training administrators can {action}.")


def cohort_lock(cohort_id: int) -> Cohort:
    """Lock the cohort's row for the rest of the transaction, and return it with its course.

    Every write that takes, frees or offers a place, or joins or leaves the waiting list,
    takes this lock first, so that the places it counts stay counted until it commits.
    ``FOR NO KEY UPDATE`` still lets other rows reference the cohort meanwhile.

    What such a write changes (places left, the waiting list, the cohort itself) shows on the
    public training pages, so they are rendered again once the transaction commits.
    """
    cohort = (
        Cohort.objects.select_for_update(no_key=True, of=("self",))
        .select_related("course")
        .get(pk=cohort_id)
    )
    content_changed("training")
    return cohort


@dataclass(frozen=True)
class CohortDates:
    """When a cohort's first session starts and its last ends; None without sessions."""

    first_starts_at: datetime | None
    last_ends_at: datetime | None

    def has_started(self, now: datetime) -> bool:
        return self.first_starts_at is not None and self.first_starts_at <= now


def cohort_dates(cohort_id: int) -> CohortDates:
    """Return when the cohort's sessions start and end, in one query."""
    dates = CohortSession.objects.filter(cohort_id=cohort_id).aggregate(
        first=Min("starts_at"), last=Max("ends_at")
    )
    return CohortDates(dates["first"], dates["last"])


def cohort_places_count(cohort: Cohort, *, now: datetime) -> Places:
    """Count the cohort's places in one query. Decide on them only under ``cohort_lock``."""
    counts = Enrolment.objects.filter(cohort_id=cohort.pk).aggregate(**PLACE_COUNTS)
    return places_compute(cohort=cohort, now=now, **counts)


def queue_renumber(cohort_id: int) -> None:
    """Number the cohort's waiting list 1, 2, 3… in queue order, closing the gaps left by
    people who have left it. The caller holds the cohort's lock; the unique constraint on
    positions is checked at commit, so the renumbering may pass through clashes."""
    waiting = list(
        Enrolment.objects.filter(cohort_id=cohort_id, status=EnrolmentStatus.WAITING)
        .order_by("waiting_position", "pk")
        .only("pk", "waiting_position")
    )
    changed = []
    for position, enrolment in enumerate(waiting, start=1):
        if enrolment.waiting_position != position:
            enrolment.waiting_position = position
            changed.append(enrolment)
    if changed:
        Enrolment.objects.bulk_update(changed, ["waiting_position"])


def require_eligible(*, user: User, organisation: Organisation) -> None:
    """Raise ``NotEligible`` unless ``user`` may enrol for ``organisation``."""
    eligibility = enrolment_eligibility(user=user)
    if not eligibility.is_eligible:
        raise NotEligible(eligibility.reason, sign_url=eligibility.sign_url)
    if organisation.pk in {o.pk for o in eligibility.organisations}:
        return
    if organisation.pk in declaration_selectors.organisation_ids_for_member(user=user):
        raise NotEligible(
            f"{organisation.name} has not signed the Local Digital Declaration, so its staff "
            "cannot enrol on courses yet. Someone at your organisation can sign it.",
            sign_url=sign_url(),
        )
    raise NotEligible(f"{user.email} is not a member of {organisation.name}.")


def person_name(user: User) -> str:
    return user.full_name or user.email


def email_send_later(
    *, to: str, subject: str, template: str, context: dict, idempotency_key: str
) -> None:
    """Queue a training email from ``templates/training/email/<template>.txt``, in the
    caller's transaction."""
    email_queue(
        to=to,
        subject=subject,
        body=render_to_string(f"training/email/{template}.txt", context),
        idempotency_key=idempotency_key,
    )


def offer_places_later(cohort_id: int) -> None:
    """Once the caller's transaction commits, queue the task that offers the cohort's free
    places to its waiting list. With the broker down, the offer job's sweep offers them on
    its next run."""
    from ..tasks import offer_cohort_places

    enqueue_on_commit(offer_cohort_places, cohort_id)


def offer_hold() -> timedelta:
    return settings.TRAINING_OFFER_HOLD
