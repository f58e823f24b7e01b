"""Starting an application in a round with no EOI stage: who may, and its first section."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from declaration.models import Organisation
from funding.services.applications import (
    _check_lead_limit,
    _now,
    application_create,
)
from funding.services.applications_sections import application_section_save
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record

from .. import rules
from ..errors import (
    NotPermitted,
    WindowNotOpen,
)
from ..models import (
    Application,
    Award,
    Round,
    Section,
)
from .common import (
    lead_bids_lock,
    require_signatory_member,
)


def _application_start_check(
    *,
    round: Round,
    lead_organisation: Organisation,
    started_by: User,
    follow_on_award: Award | None,
    now: datetime,
) -> None:
    if not round.is_published:
        raise WindowNotOpen(f"{round.name} is not taking applications.")
    if round.has_eoi_stage:
        raise NotPermitted(
            f"{round.name} takes applications only from expressions of interest that the "
            "Local Digital team has invited."
        )
    problems = rules.window_problems(
        opens_at=round.applications_open_at,
        closes_at=round.applications_close_at,
        now=now,
        what=rules.APPLICATIONS,
    )
    if problems:
        raise WindowNotOpen(problems[0].message)
    require_signatory_member(user=started_by, organisation=lead_organisation)
    follow_on = rules.follow_on_problems(round=round, lead=lead_organisation, award=follow_on_award)
    if follow_on:
        raise NotPermitted(follow_on[0].message)
    _check_lead_limit(round=round, organisation=lead_organisation)


def application_start_check(
    *,
    round: Round,
    lead_organisation: Organisation,
    started_by: User,
    follow_on_award: Award | None = None,
    now: datetime | None = None,
) -> None:
    """Raise unless ``started_by`` may start an application as ``application_start``
    would; nothing is written.

    The start page asks this, so that someone who may not start is told before they
    answer anything, and a draft is made only when they save their first answers.
    """
    _application_start_check(
        round=round,
        lead_organisation=lead_organisation,
        started_by=started_by,
        follow_on_award=follow_on_award,
        now=_now(now),
    )


def application_start(
    *,
    round: Round,
    lead_organisation: Organisation,
    started_by: User,
    follow_on_award: Award | None = None,
    first_answers: Mapping[str, Any] | None = None,
    first_completed: bool = False,
    now: datetime | None = None,
) -> Application:
    """Start a draft application to a round with no EOI stage, and return it.

    Only an approved member of a published signatory may, while applications are open, and
    not beyond the round's limit on applications one organisation leads (drafts count). In
    a round with an EOI stage, applications come only from invited EOIs. In a round only
    for projects funded in an earlier round, ``follow_on_award`` names which one: a funded
    project of that round which the lead led or partnered on.

    ``first_answers`` are the answers to the first section (``Section.PROBLEM``), saved
    with the draft as ``application_section_save`` saves them, and ``first_completed``
    whether its writer has completed it: the start page makes no draft until they are saved.
    """
    now = _now(now)
    with transaction.atomic():
        # Starts for one organisation queue here, so two at once cannot both pass the limit.
        lead_bids_lock(round=round, organisation_id=lead_organisation.pk)
        _application_start_check(
            round=round,
            lead_organisation=lead_organisation,
            started_by=started_by,
            follow_on_award=follow_on_award,
            now=now,
        )
        application = application_create(
            round=round,
            lead_organisation=lead_organisation,
            created_by=started_by,
            values={"follow_on_award": follow_on_award} if follow_on_award else None,
            now=now,
        )
        audit_record(actor=started_by, verb="funding.application.started", target=application)
        if first_answers is not None:
            application_section_save(
                application=application,
                section=Section.PROBLEM,
                values=first_answers,
                completed=first_completed,
                version=0,
                saved_by=started_by,
                now=now,
            )
    return application
