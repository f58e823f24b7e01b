"""Attendance, recorded by training administrators per session or for a whole cohort, and
the completion it decides: every session attended, some, or none."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from ..errors import TrainingError, TransitionNotAllowed
from ..models import (
    TAKEN_STATUSES,
    Attendance,
    Cohort,
    CohortSession,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
)
from .common import cohort_lock, require_training_administrator


def _require_recordable(cohort: Cohort) -> None:
    if cohort.status in (CohortStatus.DRAFT, CohortStatus.CANCELLED):
        raise TransitionNotAllowed(
            f"This cohort is {cohort.get_status_display().lower()}, so attendance cannot be "
            "recorded."
        )


def _completion_update(enrolment_ids: Iterable[int], *, cohort: Cohort, now: datetime) -> None:
    """Decide each enrolment's outcome from its attendance, once every session of the
    cohort is recorded for it: completed (all attended), no-show (none) or incomplete
    (some). Until then, or after a correction that leaves a session unrecorded, it stays
    (or goes back to) enrolled."""
    sessions = CohortSession.objects.filter(cohort=cohort).count()
    rows = (
        Enrolment.objects.filter(pk__in=list(enrolment_ids), status__in=TAKEN_STATUSES)
        .annotate(
            recorded=Count("attendances"),
            attended=Count("attendances", filter=Q(attendances__attended=True)),
        )
        .only("pk", "status")
    )
    for enrolment in rows:
        if enrolment.recorded < sessions:
            outcome = EnrolmentStatus.ENROLLED
        elif enrolment.attended == sessions:
            outcome = EnrolmentStatus.COMPLETED
        elif enrolment.attended == 0:
            outcome = EnrolmentStatus.NO_SHOW
        else:
            outcome = EnrolmentStatus.INCOMPLETE
        if outcome == enrolment.status:
            continue
        previous = enrolment.status
        enrolment.status = outcome
        enrolment.attendance_recorded_at = now
        enrolment.save(update_fields=["status", "attendance_recorded_at"])
        audit_record(
            actor=None,
            verb=f"training.enrolment.{outcome.replace('-', '_')}",
            target=enrolment,
            data={"from": previous, "sessions": sessions, "attended": enrolment.attended},
        )


def _record(
    *,
    session: CohortSession,
    attended_by_enrolment: dict[int, bool],
    recorded_by: User,
    now: datetime,
) -> list[Attendance]:
    records = Attendance.objects.bulk_create(
        [
            Attendance(
                enrolment_id=enrolment_id,
                session=session,
                attended=attended,
                recorded_at=now,
                recorded_by=recorded_by,
            )
            for enrolment_id, attended in attended_by_enrolment.items()
        ],
        update_conflicts=True,
        unique_fields=["enrolment", "session"],
        update_fields=["attended", "recorded_at", "recorded_by"],
    )
    return records


def _session_recorded(
    *,
    cohort: Cohort,
    session: CohortSession,
    attended_by_enrolment: dict[int, bool],
    recorded_by: User,
    now: datetime,
    audit: dict[str, int | bool],
) -> list[Attendance]:
    """Record who attended one session of the locked ``cohort``, audited with ``audit``, and
    update the completion of each enrolment recorded."""
    records = _record(
        session=session,
        attended_by_enrolment=attended_by_enrolment,
        recorded_by=recorded_by,
        now=now,
    )
    audit_record(
        actor=recorded_by,
        verb="training.session.attendance_recorded",
        target=session,
        data=audit,
    )
    _completion_update(attended_by_enrolment, cohort=cohort, now=now)
    return records


def _session_for_recording(session: CohortSession, now: datetime) -> tuple[Cohort, CohortSession]:
    cohort = cohort_lock(session.cohort_id)
    _require_recordable(cohort)
    session = CohortSession.objects.get(pk=session.pk)
    if session.starts_at > now:
        raise TrainingError("This session has not started, so its attendance cannot be recorded.")
    return cohort, session


def _taken_ids(cohort: Cohort) -> set[int]:
    return set(
        Enrolment.objects.filter(cohort=cohort, status__in=TAKEN_STATUSES).values_list(
            "pk", flat=True
        )
    )


def attendance_record(
    *,
    session: CohortSession,
    enrolment: Enrolment,
    attended: bool,
    recorded_by: User,
    now: datetime | None = None,
) -> Attendance:
    """Record whether one enrolled person attended one session (again, to correct it),
    and update their completion."""
    now = now or timezone.now()
    require_training_administrator(recorded_by, "record attendance")
    with transaction.atomic():
        cohort, session = _session_for_recording(session, now)
        if enrolment.pk not in _taken_ids(cohort):
            raise TrainingError(f"{enrolment.user} has no place on this cohort.")
        (record,) = _session_recorded(
            cohort=cohort,
            session=session,
            attended_by_enrolment={enrolment.pk: attended},
            recorded_by=recorded_by,
            now=now,
            audit={"enrolment": enrolment.pk, "attended": attended},
        )
    return record


def session_attendance_record(
    *,
    session: CohortSession,
    attended_enrolment_ids: Iterable[int],
    recorded_by: User,
    now: datetime | None = None,
) -> list[Attendance]:
    """Record one session's register: everyone with a place on the cohort attended if
    their enrolment is in ``attended_enrolment_ids``, else missed it. Update completions."""
    now = now or timezone.now()
    require_training_administrator(recorded_by, "record attendance")
    attended_ids = set(attended_enrolment_ids)
    with transaction.atomic():
        cohort, session = _session_for_recording(session, now)
        taken = _taken_ids(cohort)
        strangers = attended_ids - taken
        if strangers:
            raise TrainingError(
                f"{len(strangers)} of the people marked attended have no place on this cohort."
            )
        records = _session_recorded(
            cohort=cohort,
            session=session,
            attended_by_enrolment={pk: pk in attended_ids for pk in sorted(taken)},
            recorded_by=recorded_by,
            now=now,
            audit={"attended": len(attended_ids), "missed": len(taken - attended_ids)},
        )
    return records


def cohort_attendance_record(
    *,
    cohort: Cohort,
    enrolment_ids: Iterable[int],
    attended: bool = True,
    recorded_by: User,
    now: datetime | None = None,
) -> int:
    """Record, for each chosen enrolment, that they attended (or missed) every session of
    the cohort that has started: the bulk action for a whole cohort. Return how many
    attendance records were written."""
    now = now or timezone.now()
    require_training_administrator(recorded_by, "record attendance")
    chosen = set(enrolment_ids)
    with transaction.atomic():
        cohort = cohort_lock(cohort.pk)
        _require_recordable(cohort)
        taken = _taken_ids(cohort)
        if chosen - taken:
            raise TrainingError(
                f"{len(chosen - taken)} of the people chosen have no place on this cohort."
            )
        sessions = list(
            CohortSession.objects.filter(cohort=cohort, starts_at__lte=now).order_by("starts_at")
        )
        if not sessions:
            raise TrainingError("No session of this cohort has started yet.")
        written = 0
        for session in sessions:
            written += len(
                _record(
                    session=session,
                    attended_by_enrolment=dict.fromkeys(sorted(chosen), attended),
                    recorded_by=recorded_by,
                    now=now,
                )
            )
        audit_record(
            actor=recorded_by,
            verb="training.cohort.attendance_recorded",
            target=cohort,
            data={"people": len(chosen), "sessions": len(sessions), "attended": attended},
        )
        _completion_update(chosen, cohort=cohort, now=now)
    return written
