"""Writes about decisions: recording each application's decision, the Minister's approval
of a round's decisions, and their announcement, which makes the awards.

Nothing about a decision reaches applicants or the public before its round is announced.
The announcement is a beat job that takes its run time as an argument: at the round's
announcement time, if its decisions are approved, it tells every applicant their outcome,
exactly once, and publishes the funded projects as offered; if they are not approved, it
sends nothing and alerts the fund managers.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from declaration.selectors.organisation_admin import organisation_admins_active
from localdigital.accounts import groups
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import time_on_day
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock, lock_register
from localdigital.mail.services import email_queue
from localdigital.public_cache import content_changed
from localdigital.queueing import enqueue_each_on_commit

from .. import formats
from ..errors import FundingError, TransitionNotAllowed
from ..models import (
    Application,
    ApplicationStatus,
    Award,
    Decision,
    DecisionOutcome,
    Round,
)
from .assessment import _require_fund_manager

logger = logging.getLogger(__name__)

# The Postgres advisory lock that keeps two runs of the announcement job apart.
ANNOUNCE_LOCK = lock_register("funding.decisions_announce")


def _lock_round(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


def application_decide(
    *,
    application: Application,
    outcome: str,
    award_amount: Decimal | None = None,
    conditions: str = "",
    feedback: str = "",
    decided_by: User,
    now: datetime | None = None,
) -> Decision:
    """Record the decision on a submitted application, as a draft until the round's
    decisions are approved.

    Approved needs an amount no more than requested and no more than the cap of the
    project's phase; rejected needs feedback for the applicant. After approval the
    decisions of the round can no longer change.
    """
    now = now or timezone.now()
    _require_fund_manager(decided_by, "record decisions")
    outcome = DecisionOutcome(outcome)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=application.pk)
        )
        round = application.round
        if application.status != ApplicationStatus.SUBMITTED:
            raise TransitionNotAllowed(f"Application {application.reference} is not submitted.")
        if round.decisions_approved_at is not None:
            raise TransitionNotAllowed(
                f"The decisions of {round.name} are approved, so they can no longer change."
            )
        if outcome == DecisionOutcome.APPROVED:
            if award_amount is None:
                raise FundingError("Give the amount awarded.")
            requested = application.requested_amount
            if requested is not None and award_amount > requested:
                raise FundingError(
                    "The amount awarded cannot be more than the amount requested, "
                    f"{formats.money(requested)}."
                )
            cap = round.phase_caps.filter(phase=application.phase).first()
            if cap is not None and cap.max_award is not None and award_amount > cap.max_award:
                raise FundingError(
                    f"The amount awarded cannot be more than the cap for "
                    f"{cap.get_phase_display().lower()} projects, {formats.money(cap.max_award)}."
                )
            feedback = feedback.strip()
        else:
            award_amount = None
            conditions = ""
            if not feedback.strip():
                raise FundingError("Give feedback: the applicant is told why.")
        decision, _ = Decision.objects.select_for_update().get_or_create(application=application)
        decision.outcome = outcome
        decision.award_amount = award_amount
        decision.conditions = conditions.strip()
        decision.feedback = feedback.strip()
        decision.decided_at = now
        decision.decided_by = decided_by
        decision.save(
            update_fields=[
                "outcome",
                "award_amount",
                "conditions",
                "feedback",
                "decided_at",
                "decided_by",
            ]
        )
        audit_record(
            actor=decided_by,
            verb="funding.application.decided",
            target=application,
            data={"outcome": outcome, "amount": award_amount},
        )
    return decision


def round_decisions_approve(
    *, round: Round, approved_by: User, now: datetime | None = None
) -> Round:
    """Record the Minister's approval of the round's decisions, which a fund manager enters.

    Every submitted application must have a decision, and the round an announcement time.
    From now on the decisions and the announcement time are locked.
    """
    now = now or timezone.now()
    _require_fund_manager(approved_by, "approve decisions")
    with transaction.atomic():
        round = _lock_round(round)
        if round.decisions_approved_at is not None:
            raise TransitionNotAllowed(f"The decisions of {round.name} are already approved.")
        if round.decisions_announced_at is None:
            raise FundingError(f"Set when {round.name}'s decisions are announced first.")
        submitted = Application.objects.filter(round=round, status=ApplicationStatus.SUBMITTED)
        undecided = submitted.exclude(decision__outcome__in=DecisionOutcome.values)
        if undecided.exists():
            references = ", ".join(
                undecided.order_by("reference").values_list("reference", flat=True)[:10]
            )
            raise FundingError(
                f"Record a decision on every submitted application first: {references}."
            )
        if not submitted.exists():
            raise FundingError(f"{round.name} has no submitted applications to decide.")
        round.decisions_approved_at = now
        round.decisions_approved_by = approved_by
        round.save(update_fields=["decisions_approved_at", "decisions_approved_by", "updated_at"])
        audit_record(
            actor=approved_by,
            verb="funding.round.decisions_approved",
            target=round,
            data={"announcement": round.decisions_announced_at},
        )
    return round


def decisions_announce_due(*, now: datetime) -> list[int] | None:
    """Find the rounds whose announcement time has come, within the last
    ``DECLARATION_REMINDER_WINDOW_DAYS`` (never backfilling), and are not yet announced, and
    queue ``announce_round_decisions`` for each after commit; return their ids.

    An advisory lock keeps two runs apart: while another holds it, this returns None.
    """
    window = timedelta(days=max(settings.DECLARATION_REMINDER_WINDOW_DAYS, 1))
    with advisory_lock(ANNOUNCE_LOCK) as locked:
        if not locked:
            return None
        ids = list(
            Round.objects.filter(
                decisions_announced_at__lte=now,
                decisions_announced_at__gte=now - window,
                announced_at__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            from ..tasks import announce_round_decisions

            run_at = now.isoformat()
            enqueue_each_on_commit(announce_round_decisions, ((pk, run_at) for pk in ids))
    return ids


def round_decisions_announce(*, round_id: int, now: datetime) -> str:
    """Announce one round's decisions at ``now``, if its time has come; return what was
    done: "announced", "alerted" (not approved: the fund managers are told, once),
    "not-due" or "already".

    Announcing, in one transaction under a lock on the round: each decided application's
    applicants are emailed their outcome (each decision once, ``notified_at``), an approved
    decision makes its award (a funded project, offered), and the round is marked announced.
    Running it twice, or late, sends nothing more.
    """
    with transaction.atomic():
        round = Round.objects.select_for_update().filter(pk=round_id).first()
        if round is None:
            return "not-due"
        if round.announced_at is not None:
            return "already"
        if round.decisions_announced_at is None or now < round.decisions_announced_at:
            return "not-due"
        if round.decisions_approved_at is None:
            if round.approval_alert_sent_at is None:
                _approval_alert_queue(round)
                round.approval_alert_sent_at = now
                round.save(update_fields=["approval_alert_sent_at", "updated_at"])
                audit_record(actor=None, verb="funding.round.announcement_held", target=round)
            return "alerted"
        decisions = list(
            Decision.objects.select_for_update(of=("self",))
            .filter(application__round=round, application__status=ApplicationStatus.SUBMITTED)
            .exclude(outcome="")
            .select_related(
                "application__lead_organisation",
                "application__created_by",
                "application__submitted_by",
            )
            .order_by("application__reference")
        )
        for decision in decisions:
            award = None
            if decision.outcome == DecisionOutcome.APPROVED:
                award = _award_make(decision, now=now)
            if decision.notified_at is None:
                _outcome_emails_queue(decision, award=award, round=round)
                decision.notified_at = now
                decision.save(update_fields=["notified_at"])
        round.announced_at = now
        round.save(update_fields=["announced_at", "updated_at"])
        content_changed("funding")
        audit_record(
            actor=None,
            verb="funding.round.decisions_announced",
            target=round,
            data={
                "approved": sum(d.outcome == DecisionOutcome.APPROVED for d in decisions),
                "rejected": sum(d.outcome == DecisionOutcome.REJECTED for d in decisions),
            },
        )
    return "announced"


def _award_slug(title: str, reference: str) -> str:
    base = slugify(title)[:80].strip("-") or "project"
    slug = base
    if Award.objects.filter(slug=slug).exists():
        slug = f"{base}-{slugify(reference)}"
    return slug


def _award_make(decision: Decision, *, now: datetime) -> Award:
    """Make the award of an approved decision, once: a funded project, offered."""
    application = decision.application
    existing = Award.objects.filter(application=application).first()
    if existing is not None:
        return existing
    assert decision.award_amount is not None  # an approved decision has one (a constraint)
    award = Award.objects.create(
        application=application,
        slug=_award_slug(application.title, application.reference),
        title=application.title or application.reference,
        summary=application.problem,
        amount=decision.award_amount,
        awarded_on=timezone.localdate(now),
        conditions=decision.conditions,
        created_at=now,
    )
    audit_record(
        actor=None,
        verb="funding.award.offered",
        target=award,
        data={"application": application.reference, "amount": award.amount},
    )
    return award


def _applicant_emails(application: Application) -> list[str]:
    """Return who is told an application's outcome: its creator and submitter, and the
    lead organisation's active admins, once each."""
    emails = {
        u.email.lower(): u.email for u in (application.created_by, application.submitted_by) if u
    }
    for membership in organisation_admins_active(organisation=application.lead_organisation):
        emails.setdefault(membership.user.email.lower(), membership.user.email)
    return [emails[key] for key in sorted(emails)]


def _outcome_emails_queue(decision: Decision, *, award: Award | None, round: Round) -> None:
    application = decision.application
    context = {
        "decision": decision,
        "application": application,
        "round": round,
        "award": award,
        "amount": formats.money(decision.award_amount),
        "application_url": absolute_url("funding:application-detail", application.reference),
        "project_url": absolute_url("funding:project-detail", award.slug) if award else "",
    }
    approved = decision.outcome == DecisionOutcome.APPROVED
    subject = (
        f"Your application {application.reference} to {round.name} is approved"
        if approved
        else f"The outcome of your application {application.reference} to {round.name}"
    )
    template = (
        "funding/email/decision_approved.txt" if approved else "funding/email/decision_rejected.txt"
    )
    body = render_to_string(template, context)
    for email in _applicant_emails(application):
        email_queue(
            to=email,
            subject=subject,
            body=body,
            idempotency_key=f"funding.decision.outcome.{decision.pk}.{email.lower()}",
        )


def _approval_alert_queue(round: Round) -> None:
    managers = sorted(
        User.objects.filter(
            is_active=True, is_staff=True, groups__name=groups.FUND_MANAGER
        ).values_list("email", flat=True)
    )
    for email in managers:
        email_queue(
            to=email,
            subject=f"{round.name}'s decisions were due to be announced, but are not approved",
            body=render_to_string(
                "funding/email/announcement_held.txt",
                {
                    "round": round,
                    "announced_at": time_on_day(round.decisions_announced_at, weekday=True)
                    if round.decisions_announced_at
                    else "",
                    "round_url": absolute_url("admin:funding_round_change", round.pk),
                },
            ),
            idempotency_key=f"funding.round.announcement_held.{round.pk}.{email.lower()}",
        )
