"""Writes that set a cohort up on its admin page: adding one, changing its details, a
draft's sessions, and deleting one nobody has been on, each rule checked here, under the
cohort's lock, with an audit event that says what was set, what changed from what to what,
or what was deleted.

A draft is changed freely: nobody is on it yet. Once published, its course, places and
reserved places are fixed here (its number of places changes through
``offers.cohort_capacity_change``, which offers places added to the waiting list), and each
session changes on its own through ``cohorts.cohort_session_change``, which tells the people
on it. A cancelled or completed cohort changes no more. The cohort's lock
(``common.cohort_lock``) renders the public training pages again once a change commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from localdigital.accounts.models import User
from localdigital.audit.changes import (
    changes_set,
    differences,
    unknown_fields_refused,
    values_of,
    values_set,
)
from localdigital.audit.services import audit_record
from localdigital.formats import count_of

from ..errors import NotPermitted, TrainingError, TransitionNotAllowed
from ..models import Cohort, CohortSession, CohortStatus, Enrolment
from .common import cohort_dates, cohort_lock, require_training_administrator

# What staff write of a cohort on its page, in the order the page shows it. Its status and
# history change only through the services that publish, cancel and move it on.
COHORT_FIELDS = (
    "course",
    "name",
    "capacity",
    "max_per_organisation",
    "reserved_places",
    "reserved_release_at",
    "enrolment_opens_at",
    "enrolment_closes_at",
    "joining_instructions",
    "feedback_survey_url",
)
# Fixed once the cohort is published: people hold places on it.
FIXED_ONCE_PUBLISHED = ("course", "capacity", "reserved_places", "reserved_release_at")
# A cohort in one of these changes no more.
FIXED_STATUSES = (CohortStatus.CANCELLED, CohortStatus.COMPLETED)
# What staff write of a draft's session.
SESSION_FIELDS = ("starts_at", "ends_at", "is_online", "location")
DELETE_PERMISSION = "training.delete_cohort"


def _cohort_rules_check(cohort: Cohort) -> None:
    """Raise ``TrainingError`` unless the cohort's enrolment window and reserved places, as
    set on ``cohort``, are ones it may have."""
    opens, closes = cohort.enrolment_opens_at, cohort.enrolment_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise TrainingError("Enrolment must close after it opens.")
    if cohort.capacity is not None and cohort.reserved_places > cohort.capacity:
        raise TrainingError(
            f"Reserve {count_of(cohort.capacity, 'place', 'places')} or fewer: the cohort has "
            f"{cohort.capacity}."
        )
    if cohort.reserved_places and cohort.reserved_release_at is None:
        raise TrainingError("Say when reserved places still free are opened to everyone.")


def cohort_create(*, values: Mapping[str, Any], created_by: User) -> Cohort:
    """Add a draft cohort with ``values`` (field name to value, of ``COHORT_FIELDS``, its
    course as a row or its key), and return it. One audit event
    (``training.cohort.created``) lists every value it was given.

    Raise ``NotPermitted`` unless ``created_by`` is a training administrator,
    ``TrainingError`` for an enrolment window or reserved places it may not have, and
    ``ValueError`` for a field not written here (a bug in the caller).
    """
    require_training_administrator(created_by, "add cohorts")
    unknown_fields_refused("cohort", COHORT_FIELDS, values)
    cohort = Cohort(status=CohortStatus.DRAFT)
    given = values_set(cohort, COHORT_FIELDS, values)
    _cohort_rules_check(cohort)
    with transaction.atomic():
        cohort.save()
        audit_record(
            actor=created_by,
            verb="training.cohort.created",
            target=cohort,
            data={"values": given},
        )
    return cohort


def cohort_update(*, cohort_id: int, values: Mapping[str, Any], updated_by: User) -> Cohort:
    """Change the cohort's details to ``values``, and return the cohort.

    Only the fields that differ from what is saved are written, and one audit event
    (``training.cohort.updated``) lists each with its old and new value; the values the
    cohort has already change nothing and record nothing. Raise ``TransitionNotAllowed``
    for a change to a cancelled or completed cohort, or to the course, places or reserved
    places of a published one; ``TrainingError`` for an enrolment window or reserved places
    it may not have, or, once published, enrolment closing after its first session starts.
    """
    require_training_administrator(updated_by, "change cohorts")
    unknown_fields_refused("cohort", COHORT_FIELDS, values)
    with transaction.atomic():
        cohort = cohort_lock(cohort_id)
        changes = changes_set(cohort, COHORT_FIELDS, values)
        if not changes:
            return cohort
        status = CohortStatus(cohort.status)
        if status in FIXED_STATUSES:
            raise TransitionNotAllowed(f"This cohort is {status.label.lower()}, so it is fixed.")
        changed = [change["field"] for change in changes]
        fixed = [name for name in changed if name in FIXED_ONCE_PUBLISHED]
        if status != CohortStatus.DRAFT and fixed:
            raise TransitionNotAllowed(
                f"This cohort is {status.label.lower()}, so its "
                f"{', '.join(name.replace('_', ' ') for name in fixed)} no longer change here: "
                "change its number of places on its own page."
            )
        _cohort_rules_check(cohort)
        if status != CohortStatus.DRAFT and "enrolment_closes_at" in changed:
            first = cohort_dates(cohort.pk).first_starts_at
            if first is not None and cohort.enrolment_closes_at > first:
                raise TrainingError("Enrolment must close before the first session starts.")
        cohort.save(update_fields=changed)
        audit_record(
            actor=updated_by,
            verb="training.cohort.updated",
            target=cohort,
            data={"changes": changes},
        )
    return cohort


def _session_values(session: CohortSession) -> dict[str, Any]:
    return values_of(session, SESSION_FIELDS)


def _session_check(session: CohortSession) -> None:
    if session.starts_at >= session.ends_at:
        raise TrainingError("The session must end after it starts.")
    if not session.is_online and not session.location.strip():
        raise TrainingError("Give the venue, or say the session is online.")


def cohort_sessions_save(
    *,
    cohort: Cohort,
    saved: Sequence[CohortSession],
    deleted: Sequence[CohortSession],
    by: User,
) -> None:
    """Save a draft cohort's sessions as staff set them on its page: the ``saved`` ones (new,
    or changed) and without the ``deleted`` ones.

    One audit event (``training.cohort.sessions_changed``) names each session added (with
    its date, time and place), changed (each value, old and new) or removed; sessions saved
    as they were record nothing. Raise ``TransitionNotAllowed`` once the cohort is no longer
    a draft (each session then changes on its own page, and the people on it are told), or
    for a session removed since the page opened; ``TrainingError`` for a session that ends
    before it starts, or in person with no venue. Nothing is saved then.
    """
    require_training_administrator(by, "change sessions")
    if not saved and not deleted:
        return
    with transaction.atomic():
        cohort = cohort_lock(cohort.pk)
        current = {
            session.pk: session
            for session in CohortSession.objects.select_for_update().filter(cohort=cohort)
        }
        changes: list[dict[str, Any]] = []
        added: list[CohortSession] = []
        changed: list[CohortSession] = []
        for session in saved:
            if session.pk is None:
                _session_check(session)
                added.append(session)
                continue
            stored = current.get(session.pk)
            if stored is None:
                raise TransitionNotAllowed(
                    "A session of this cohort was removed since the page opened, so nothing "
                    "was saved. Open the cohort again to change its sessions."
                )
            fields = differences(stored, session, SESSION_FIELDS)
            if not fields:
                continue
            _session_check(session)
            changed.append(session)
            changes.append({"change": "changed", "session": stored.pk, "fields": fields})
        removed = []
        for session in deleted:
            stored = current.get(session.pk)
            if stored is None:
                continue
            removed.append(stored)
            changes.append({"change": "removed", "session": stored.pk, **_session_values(stored)})
        if not (added or changes):
            return
        if cohort.status != CohortStatus.DRAFT:
            raise TransitionNotAllowed(
                f"This cohort is {cohort.get_status_display().lower()}, not a draft, so each "
                "of its sessions changes on its own page, and the people on it are told."
            )
        for session in changed:
            session.save(update_fields=list(SESSION_FIELDS))
        for session in removed:
            session.delete()
        for session in added:
            session.cohort = cohort
            session.save()
        changes = [
            *({"change": "added", "session": s.pk, **_session_values(s)} for s in added),
            *changes,
        ]
        audit_record(
            actor=by,
            verb="training.cohort.sessions_changed",
            target=cohort,
            data={"changes": changes},
        )


def cohort_delete(*, cohort_id: int, deleted_by: User) -> None:
    """Delete a cohort nobody has ever been on, with its sessions; the audit event
    (``training.cohort.deleted``) keeps its details.

    Only someone given the permission to delete cohorts (a superuser) may. A cohort anyone
    has enrolled on, been offered or waited for is kept, with their history, so it is
    refused with ``TransitionNotAllowed``: cancelling it tells the people on it.
    """
    if not (
        deleted_by.is_active and deleted_by.is_staff and deleted_by.has_perm(DELETE_PERMISSION)
    ):
        raise NotPermitted("You may not delete cohorts.")
    with transaction.atomic():
        cohort = cohort_lock(cohort_id)
        people = Enrolment.objects.filter(cohort_id=cohort.pk).count()
        if people:
            raise TransitionNotAllowed(
                f"{count_of(people, 'person has', 'people have')} been on {cohort}, so it "
                "cannot be deleted. Cancel it instead: the people on it are told."
            )
        audit_record(
            actor=deleted_by,
            verb="training.cohort.deleted",
            target=cohort,
            data={
                "values": values_of(cohort, COHORT_FIELDS) | {"status": cohort.status},
                "sessions": [
                    _session_values(session)
                    for session in CohortSession.objects.filter(cohort=cohort).order_by(
                        "starts_at", "pk"
                    )
                ],
            },
        )
        cohort.delete()
