"""Reads for applicants once decisions are announced: an application's outcome and grant
offer, the funded projects a person's organisations take part in, and a project's team;
and, for staff, what a round has awarded and has left.

The embargo lives here for applicants: nothing of a decision is read until the round's
decisions are announced (``Round.is_announced``). Before then an application has no
outcome, whatever staff have recorded, approved or scheduled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse

from declaration import selectors as declaration_selectors
from declaration.selectors.organisation_admin import organisation_member_is_admin
from declaration.selectors.public import paragraphs
from localdigital.accounts.models import User

from .. import formats
from ..models import (
    PUBLIC_AWARD_STATUSES,
    Application,
    ApplicationPartner,
    ApplicationStatus,
    Award,
    AwardStatus,
    Decision,
    DecisionOutcome,
    ProjectOutput,
    Round,
)
from .projects import STATUS_TAG_CLASSES, awards_public, project_url, status_label


@dataclass(frozen=True)
class ApplicationOutcome:
    """An application's announced outcome, as its applicants see it."""

    is_approved: bool
    amount: str
    conditions: list[str]
    feedback: list[str]
    announced_at: datetime | None
    award: Award | None
    award_status_label: str
    is_offered: bool
    is_declined: bool
    can_answer: bool
    project_url: str
    decline_reason: list[str]


@dataclass(frozen=True)
class FundedProjectRow:
    """A funded project on the account page, with what the person may do about it."""

    title: str
    url: str
    reference: str
    round_name: str
    role: str
    status_label: str
    status_tag_class: str
    outcome_url: str
    update_url: str
    outputs_url: str
    reports_url: str
    changes_url: str
    needs_answer: bool


@dataclass(frozen=True)
class ProjectTeamAccess:
    """A public funded project whose team the signed-in person is on."""

    award: Award
    title: str
    slug: str
    public_url: str


def application_outcome_get(*, application: Application, user: User) -> ApplicationOutcome | None:
    """Return the outcome of ``application`` once its round is announced, else None.

    None too for an application that was not submitted or has no decision. Whoever may see
    the application may see its outcome; only an approved admin of the lead organisation
    may answer the grant offer (``can_answer``).
    """
    round = application.round
    if not round.is_announced or application.status != ApplicationStatus.SUBMITTED:
        return None
    decision = (
        Decision.objects.filter(application=application, outcome__in=DecisionOutcome.values)
        .only("outcome", "award_amount", "conditions", "feedback")
        .first()
    )
    if decision is None:
        return None
    approved = decision.outcome == DecisionOutcome.APPROVED
    award = Award.objects.filter(application=application).first() if approved else None
    is_offered = award is not None and award.status == AwardStatus.OFFERED
    return ApplicationOutcome(
        is_approved=approved,
        amount=formats.money(award.amount if award is not None else decision.award_amount),
        conditions=paragraphs(award.conditions if award is not None else decision.conditions),
        feedback=paragraphs(decision.feedback),
        announced_at=round.announced_at,
        award=award,
        award_status_label=award.get_status_display() if award is not None else "",
        is_offered=is_offered,
        is_declined=award is not None and award.status == AwardStatus.DECLINED,
        can_answer=is_offered
        and organisation_member_is_admin(
            organisation_id=application.lead_organisation_id, user=user
        ),
        project_url=project_url(award.slug)
        if award is not None and award.status in PUBLIC_AWARD_STATUSES
        else "",
        decline_reason=paragraphs(award.decline_reason) if award is not None else [],
    )


def funded_projects_for_member(*, user: User) -> list[FundedProjectRow]:
    """Return the public funded projects that ``user``'s organisations lead or partner on,
    newest first, in two queries however many there are."""
    memberships = [
        membership
        for membership in declaration_selectors.memberships_for_user(user=user)
        if membership.approved_at is not None
    ]
    if not memberships:
        return []
    organisation_ids = {membership.organisation_id for membership in memberships}
    admin_of = {m.organisation_id for m in memberships if m.is_admin}
    partnered = ApplicationPartner.objects.filter(
        application_id=OuterRef("application_id"), organisation_id__in=organisation_ids
    )
    awards = (
        awards_public()
        .filter(Q(application__lead_organisation_id__in=organisation_ids) | Q(Exists(partnered)))
        .select_related("application__round")
        .order_by("-awarded_on", "title", "pk")
    )
    rows = []
    for award in awards:
        application = award.application
        is_lead = application.lead_organisation_id in organisation_ids
        rows.append(
            FundedProjectRow(
                title=award.title,
                url=project_url(award.slug),
                reference=application.reference,
                round_name=application.round.name,
                role="Lead" if is_lead else "Partner",
                status_label=status_label(award.status),
                status_tag_class=STATUS_TAG_CLASSES.get(AwardStatus(award.status), ""),
                outcome_url=reverse("funding:application-outcome", args=[application.reference]),
                update_url=reverse("funding:project-update-new", args=[award.slug]),
                outputs_url=reverse("funding:project-outputs", args=[award.slug]),
                reports_url=reverse("funding:project-reports", args=[award.slug]),
                changes_url=reverse("funding:project-changes", args=[award.slug]),
                needs_answer=award.status == AwardStatus.OFFERED
                and application.lead_organisation_id in admin_of,
            )
        )
    return rows


def project_for_team_get(*, slug: str, user: User) -> ProjectTeamAccess | None:
    """Return the public project ``slug`` if ``user`` is an approved member of its lead or a
    partner organisation, else None (which pages answer as not found)."""
    organisation_ids = declaration_selectors.organisation_ids_for_member(user=user)
    if not organisation_ids:
        return None
    partnered = ApplicationPartner.objects.filter(
        application_id=OuterRef("application_id"), organisation_id__in=organisation_ids
    )
    award = (
        awards_public()
        .filter(slug=slug)
        .filter(Q(application__lead_organisation_id__in=organisation_ids) | Q(Exists(partnered)))
        .select_related("application__round", "application__lead_organisation")
        .first()
    )
    if award is None:
        return None
    return ProjectTeamAccess(
        award=award, title=award.title, slug=award.slug, public_url=project_url(award.slug)
    )


def project_outputs(*, award: Award) -> list[ProjectOutput]:
    """Return a project's outputs, by type and title."""
    return list(ProjectOutput.objects.filter(award=award).order_by("output_type", "title", "pk"))


def project_output_get(*, award: Award, pk: int) -> ProjectOutput | None:
    return ProjectOutput.objects.filter(award=award, pk=pk).select_related("award").first()


@dataclass(frozen=True)
class RoundAwardTotals:
    """What a round has awarded against its budget. Declined offers are not awarded: their
    amounts go back to the unallocated total."""

    budget: Decimal
    awarded: Decimal
    awards: int
    declined: Decimal
    declined_awards: int

    @property
    def unallocated(self) -> Decimal:
        return self.budget - self.awarded


def round_award_totals(*, round: Round) -> RoundAwardTotals:
    """Return the round's awards (offered, accepted, active or completed) and declined
    offers, counted and summed in one query."""
    declined = Q(status=AwardStatus.DECLINED)
    totals = Award.objects.filter(application__round=round).aggregate(
        awarded=Sum("amount", filter=~declined, default=Decimal(0)),
        awards=Count("pk", filter=~declined),
        declined=Sum("amount", filter=declined, default=Decimal(0)),
        declined_awards=Count("pk", filter=declined),
    )
    return RoundAwardTotals(budget=round.budget, **totals)
