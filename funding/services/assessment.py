"""Writes about assessment: assigning assessors, declaring conflicts, scoring and submitting
assessments, moderating scores and recommending, and the reminders of due dates.

Assessors see only the applications of their assessments that are not conflicted; every
service here checks who is acting, whatever screen called it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from declaration import selectors as declaration_selectors
from localdigital.accounts import groups
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from .. import formats
from ..errors import FundingError, NotPermitted
from ..models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
)
from .common import person_name

logger = logging.getLogger(__name__)


@dataclass
class AssignResult:
    """What ``assessors_assign`` did: the assessments made, and applications it could not
    fill (with why)."""

    made: list[Assessment] = field(default_factory=list)
    short: dict[str, str] = field(default_factory=dict)


def is_assessor(user: User) -> bool:
    """Return whether ``user`` is staff in the Assessor group (or a superuser)."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=groups.ASSESSOR).exists())
    )


def is_fund_manager(user: User) -> bool:
    """Return whether ``user`` is staff in the Fund manager group (or a superuser)."""
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=groups.FUND_MANAGER).exists())
    )


def _require_fund_manager(user: User, action: str) -> None:
    if not is_fund_manager(user):
        raise NotPermitted(f"Only fund managers can {action}.")


def _participant_ids(application: Application) -> set[int]:
    return {
        application.lead_organisation_id,
        *ApplicationPartner.objects.filter(application=application).values_list(
            "organisation_id", flat=True
        ),
    }


def assessors_assign(
    *,
    applications: Iterable[Application],
    assessors: Sequence[User],
    due_on: date,
    assigned_by: User,
    now: datetime | None = None,
) -> AssignResult:
    """Give each submitted application assessors from ``assessors`` until it has the round's
    number, with the due date; the least busy assessors first.

    An assessor already assigned to an application (or who declared a conflict with it) is
    not assigned again; neither is a member of an organisation in the bid. An application
    that cannot be given enough is named in the result, with why. Each assessor is emailed
    the applications they were given.
    """
    now = now or timezone.now()
    _require_fund_manager(assigned_by, "assign assessors")
    pool = [user for user in assessors if is_assessor(user)]
    not_assessors = [person_name(user) for user in assessors if user not in pool]
    if not_assessors:
        raise FundingError(
            f"Only members of the Assessor group can assess: {', '.join(not_assessors)} are not."
        )
    if due_on < timezone.localdate(now):
        raise FundingError("The due date is in the past.")
    result = AssignResult()
    with transaction.atomic():
        locked = list(
            Application.objects.select_for_update(of=("self",))
            .filter(pk__in=[application.pk for application in applications])
            .select_related("round")
            .order_by("pk")
        )
        load = Counter(
            Assessment.objects.filter(
                assessor__in=pool, status__in=[AssessmentStatus.ASSIGNED, AssessmentStatus.SCORING]
            ).values_list("assessor_id", flat=True)
        )
        for application in locked:
            if application.status != ApplicationStatus.SUBMITTED:
                result.short[application.reference] = "it is not submitted"
                continue
            existing = list(Assessment.objects.filter(application=application))
            taken = {assessment.assessor_id for assessment in existing}
            active = sum(a.status != AssessmentStatus.CONFLICTED for a in existing)
            wanted = application.round.assessors_per_application - active
            if wanted <= 0:
                continue
            participants = _participant_ids(application)
            members = set(
                declaration_selectors.organisation_member_users(
                    organisation_ids=participants
                ).values_list("pk", flat=True)
            )
            candidates = sorted(
                (u for u in pool if u.pk not in taken and u.pk not in members),
                key=lambda u: (load[u.pk], u.email),
            )
            chosen = candidates[:wanted]
            for assessor in chosen:
                assessment = Assessment.objects.create(
                    application=application,
                    assessor=assessor,
                    due_on=due_on,
                    assigned_by=assigned_by,
                    assigned_at=now,
                )
                load[assessor.pk] += 1
                result.made.append(assessment)
            if len(chosen) < wanted:
                result.short[application.reference] = (
                    f"it needs {wanted} more assessor{'s' if wanted != 1 else ''} and only "
                    f"{len(chosen)} of those chosen could take it (not assigned already, "
                    "no conflict, not in an organisation of the bid)"
                )
        for assessment in result.made:
            audit_record(
                actor=assigned_by,
                verb="funding.assessment.assigned",
                target=assessment,
                data={
                    "application": assessment.application.reference,
                    "assessor": assessment.assessor.email,
                    "due_on": due_on,
                },
            )
        by_assessor: dict[int, list[Assessment]] = {}
        for assessment in result.made:
            by_assessor.setdefault(assessment.assessor_id, []).append(assessment)
        for assessments in by_assessor.values():
            assessor = assessments[0].assessor
            email_queue(
                to=assessor.email,
                subject=(
                    f"You have {len(assessments)} application"
                    f"{'s' if len(assessments) != 1 else ''} to assess, due "
                    f"{formats.day(due_on)}"
                ),
                body=render_to_string(
                    "funding/email/assessment_assigned.txt",
                    {
                        "assessor": assessor,
                        "assessments": assessments,
                        "due_on": formats.day(due_on),
                        "list_url": absolute_url("admin:funding_assessment_changelist"),
                    },
                ),
                idempotency_key="funding.assessment.assigned."
                + ".".join(str(a.pk) for a in assessments),
            )
    return result
