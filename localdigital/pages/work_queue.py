"""The staff work queue on the admin's home page: what is waiting for each member of
staff, by their group, each thing a count with a link to the admin list of exactly those.

Fund managers see signings and requests to join to moderate, expressions of interest to
sort into clusters, applications needing assessors, moderation or a decision, assessments
overdue or due soon, and rounds whose decisions wait for approval or their announcement,
progress reports waiting for review or overdue, and change requests to decide,
with a link to the overview of each round under way. An assessor sees their own
assessments to do and overdue; training administrators, offers of a place about to expire
and registers to take; the communications team, newsletter issues not yet sent (drafts,
issues waiting for approval, approved issues to send, issues paused).
Superusers see every group's.

Each domain counts its own with the selectors its admin lists filter by; this module, like
the rest of ``pages``, composes them. The admin site (``localdigital.accounts``), which
knows no domain, shows what this module gives it (``PagesConfig.ready`` registers it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from declaration.selectors import work_queue as declaration_work
from funding.selectors import work_queue as funding_work
from localdigital.accounts import groups
from localdigital.accounts.models import User
from localdigital.formats import count_of
from newsletter.selectors import work_queue as newsletter_work
from training.selectors import work_queue as training_work


@dataclass(frozen=True)
class Waiting:
    """Some things waiting, counted, with the admin list that shows exactly them."""

    count: int
    text: str
    url: str


@dataclass(frozen=True)
class WorkQueueSection:
    """What is waiting for one staff group: only what there is some of."""

    heading: str
    nothing: str
    waiting: list[Waiting]
    # Further links, such as the overview of each round under way: (text, address).
    links_heading: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)


def _list(changelist: str, **params: object) -> str:
    return reverse(f"admin:{changelist}_changelist") + "?" + urlencode(params)


def _waiting(*candidates: Waiting) -> list[Waiting]:
    return [candidate for candidate in candidates if candidate.count]


def _fund_managers(today: date) -> WorkQueueSection:
    declaration = declaration_work.declaration_waiting()
    funding = funding_work.fund_manager_waiting(today=today)
    days = funding_work.DUE_SOON_DAYS
    return WorkQueueSection(
        heading="Fund managers",
        nothing="Nothing is waiting for fund managers.",
        waiting=_waiting(
            Waiting(
                declaration.signings_to_check,
                count_of(declaration.signings_to_check, "signing", "signings") + " to check",
                _list("declaration_signing", status="submitted"),
            ),
            Waiting(
                declaration.join_requests,
                count_of(declaration.join_requests, "request", "requests")
                + " to join an organisation that has no admin",
                _list("declaration_membership", approval="staff"),
            ),
            Waiting(
                funding.eois_to_cluster,
                count_of(funding.eois_to_cluster, "expression", "expressions")
                + " of interest to sort into clusters",
                _list("funding_expressionofinterest", status="submitted", cluster="none"),
            ),
            Waiting(
                funding.applications_needing_assessors,
                count_of(funding.applications_needing_assessors, "application", "applications")
                + " needing assessors",
                _list("funding_application", assessment="unassigned"),
            ),
            Waiting(
                funding.assessments_overdue,
                count_of(funding.assessments_overdue, "assessment", "assessments") + " overdue",
                _list("funding_assessment", due="overdue"),
            ),
            Waiting(
                funding.assessments_due_soon,
                count_of(funding.assessments_due_soon, "assessment", "assessments")
                + f" due in the next {days} days",
                _list("funding_assessment", due="soon"),
            ),
            Waiting(
                funding.applications_to_moderate,
                count_of(funding.applications_to_moderate, "application", "applications")
                + " ready to moderate",
                _list("funding_application", assessment="to_moderate"),
            ),
            Waiting(
                funding.applications_to_decide,
                count_of(
                    funding.applications_to_decide,
                    "moderated application",
                    "moderated applications",
                )
                + " waiting for a decision",
                _list("funding_application", assessment="to_decide"),
            ),
            Waiting(
                funding.rounds_to_approve,
                count_of(funding.rounds_to_approve, "round", "rounds")
                + " with every application decided, waiting for the Minister's approval",
                _list("funding_round", decisions="to_approve"),
            ),
            Waiting(
                funding.rounds_to_announce,
                count_of(funding.rounds_to_announce, "round", "rounds")
                + " approved, waiting for the announcement",
                _list("funding_round", decisions="to_announce"),
            ),
            Waiting(
                funding.reports_to_review,
                count_of(funding.reports_to_review, "progress report", "progress reports")
                + " waiting for review",
                _list("funding_progressreport", waiting="review"),
            ),
            Waiting(
                funding.reports_overdue,
                count_of(funding.reports_overdue, "progress report", "progress reports")
                + " overdue",
                _list("funding_progressreport", waiting="overdue"),
            ),
            Waiting(
                funding.changes_to_decide,
                count_of(funding.changes_to_decide, "change request", "change requests")
                + " to decide",
                _list("funding_changerequest", status__exact="pending"),
            ),
        ),
        links_heading="Rounds under way",
        links=[
            (
                f"Overview of {round.name}",
                reverse("admin:funding_round_overview", args=[round.pk]),
            )
            for round in funding.rounds_under_way
        ],
    )


def _assessor(user: User, today: date, *, sees_everyones: bool) -> WorkQueueSection:
    own = funding_work.assessor_waiting(user=user, today=today)
    # A fund manager's list holds everyone's assessments: theirs are filtered out of it.
    yours: dict[str, str] = {"assessor": "you"} if sees_everyones else {}
    return WorkQueueSection(
        heading="Your assessments",
        nothing="You have no assessments to do.",
        waiting=_waiting(
            Waiting(
                own.to_do,
                count_of(own.to_do, "assessment", "assessments") + " for you to do",
                _list("funding_assessment", due="open", **yours),
            ),
            Waiting(
                own.overdue,
                count_of(own.overdue, "assessment", "assessments") + " of yours overdue",
                _list("funding_assessment", due="overdue", **yours),
            ),
        ),
    )


def _training_administrators(now: datetime) -> WorkQueueSection:
    training = training_work.training_waiting(now=now)
    hours = int(training_work.OFFER_EXPIRY_WARNING.total_seconds() // 3600)
    return WorkQueueSection(
        heading="Training administrators",
        nothing="Nothing is waiting for training administrators.",
        waiting=_waiting(
            Waiting(
                training.offers_expiring,
                count_of(training.offers_expiring, "offer", "offers")
                + f" of a place not answered, expiring within {hours} hours",
                _list("training_enrolment", offer="expiring"),
            ),
            Waiting(
                training.cohorts_with_register_to_take,
                count_of(training.cohorts_with_register_to_take, "cohort", "cohorts")
                + " with a register to take",
                _list("training_cohort", register="to_take"),
            ),
        ),
    )


def _communications() -> WorkQueueSection:
    newsletter = newsletter_work.newsletter_waiting()
    return WorkQueueSection(
        heading="Communications",
        nothing="Nothing is waiting for the communications team.",
        waiting=_waiting(
            Waiting(
                newsletter.drafts,
                count_of(newsletter.drafts, "draft newsletter issue", "draft newsletter issues")
                + " to finish and ask for approval",
                _list("newsletter_newsletterissue", status__exact="draft"),
            ),
            Waiting(
                newsletter.awaiting_approval,
                count_of(newsletter.awaiting_approval, "newsletter issue", "newsletter issues")
                + " waiting for approval",
                _list("newsletter_newsletterissue", status__exact="awaiting_approval"),
            ),
            Waiting(
                newsletter.approved,
                count_of(
                    newsletter.approved, "approved newsletter issue", "approved newsletter issues"
                )
                + " to send or schedule",
                _list("newsletter_newsletterissue", status__exact="approved"),
            ),
            Waiting(
                newsletter.paused,
                count_of(newsletter.paused, "newsletter issue", "newsletter issues")
                + " paused while sending",
                _list("newsletter_newsletterissue", status__exact="paused"),
            ),
        ),
    )


def work_queue(*, user: User, now: datetime) -> list[WorkQueueSection]:
    """Return what is waiting for ``user``, one section per staff group they are in (every
    group's for a superuser), in a fixed number of queries however many rows there are."""
    names = set(user.groups.values_list("name", flat=True))
    everything = user.is_superuser
    today = timezone.localdate(now)
    sections = []
    if everything or groups.FUND_MANAGER in names:
        sections.append(_fund_managers(today))
    if groups.ASSESSOR in names:
        sees_everyones = everything or groups.FUND_MANAGER in names
        sections.append(_assessor(user, today, sees_everyones=sees_everyones))
    if everything or groups.TRAINING_ADMINISTRATOR in names:
        sections.append(_training_administrators(now))
    if everything or groups.COMMUNICATIONS in names:
        sections.append(_communications())
    return sections


def work_queue_context(request: HttpRequest) -> dict[str, Any]:
    """Return the admin home page's work queue for the person signed in."""
    user = request.user
    if not isinstance(user, User):
        return {}
    return {"work_queue": work_queue(user=user, now=timezone.now())}
