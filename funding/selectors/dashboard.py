"""The applicant's dashboard on /account/: the EOIs and applications of the person's
organisations, their funded projects, and the rounds they may bid to now.

An application's outcome shows only once its round is announced; before then the
dashboard reads nothing of its decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from localdigital.accounts.models import User

from .. import formats
from ..models import (
    APPLICATION_COUNTED_STATUSES,
    EOI_COUNTED_STATUSES,
    Application,
    ApplicationStatus,
    Decision,
    DecisionOutcome,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)
from .awards import FundedProjectRow, funded_projects_for_member

STATUS_TAGS = {
    EoiStatus.DRAFT: "govuk-tag--grey",
    EoiStatus.SUBMITTED: "govuk-tag--blue",
    EoiStatus.INVITED: "govuk-tag--green",
    EoiStatus.DECLINED: "govuk-tag--red",
    EoiStatus.WITHDRAWN: "govuk-tag--grey",
    ApplicationStatus.DRAFT: "govuk-tag--grey",
    ApplicationStatus.SUBMITTED: "govuk-tag--blue",
    ApplicationStatus.WITHDRAWN: "govuk-tag--grey",
}
# An application's announced outcome, in place of "Submitted".
OUTCOME_TAGS = {
    DecisionOutcome.APPROVED: ("Approved", "govuk-tag--green"),
    DecisionOutcome.REJECTED: ("Not funded", "govuk-tag--red"),
}


@dataclass(frozen=True)
class BidRow:
    """One EOI or application on the dashboard."""

    kind: str
    reference: str
    title: str
    url: str
    round_name: str
    lead: str
    is_lead: bool
    status_label: str
    status_tag_class: str
    deadline: str
    delete_url: str = ""


@dataclass(frozen=True)
class OpenRound:
    """A round the person's organisations may bid to now."""

    name: str
    url: str
    action: str
    deadline: str


@dataclass(frozen=True)
class FundingDashboard:
    eois: list[BidRow] = field(default_factory=list)
    applications: list[BidRow] = field(default_factory=list)
    open_rounds: list[OpenRound] = field(default_factory=list)
    funded_projects: list[FundedProjectRow] = field(default_factory=list)


def _deadline(status: str, closes_at: datetime | None, now: datetime) -> str:
    if status != "draft" or closes_at is None:
        return ""
    if now >= closes_at:
        return "Deadline passed"
    return f"Submit by {formats.date_and_time(closes_at)}"


def funding_dashboard(*, user: User, now: datetime | None = None) -> FundingDashboard:
    """Return the person's organisations' EOIs and applications, newest round first, and
    the rounds taking bids now, in a fixed number of queries however many there are."""
    now = now or timezone.now()
    organisation_ids = declaration_selectors.organisation_ids_for_member(user=user)
    if not organisation_ids:
        return FundingDashboard()
    involving = Q(lead_organisation_id__in=organisation_ids) | Q(
        partners__organisation_id__in=organisation_ids
    )
    eois = (
        ExpressionOfInterest.objects.filter(involving)
        .distinct()
        .select_related("round", "lead_organisation")
        .order_by("-round__number", "-created_at")
    )
    applications = (
        Application.objects.filter(involving)
        .distinct()
        .select_related("round", "lead_organisation")
        .annotate(
            is_from_eoi=Exists(ExpressionOfInterest.objects.filter(application=OuterRef("pk")))
        )
        .order_by("-round__number", "-created_at")
    )
    eoi_rows = [
        BidRow(
            kind="eoi",
            reference=eoi.reference,
            title=eoi.title or "Untitled expression of interest",
            url=reverse("funding:eoi-detail", args=[eoi.reference]),
            round_name=eoi.round.name,
            lead=eoi.lead_organisation.name,
            is_lead=eoi.lead_organisation_id in organisation_ids,
            status_label=eoi.get_status_display(),
            status_tag_class=STATUS_TAGS[EoiStatus(eoi.status)],
            deadline=_deadline(eoi.status, eoi.round.eoi_closes_at, now),
            delete_url=reverse("funding:eoi-delete", args=[eoi.reference])
            if eoi.lead_organisation_id in organisation_ids
            and eoi.is_draft
            and eoi.round.eoi_closes_at is not None
            and now < eoi.round.eoi_closes_at
            else "",
        )
        for eoi in eois
    ]
    application_list = list(applications)
    outcomes = _announced_outcomes(application_list)
    application_rows = []
    for application in application_list:
        outcome = outcomes.get(application.pk)
        label, tag = (
            OUTCOME_TAGS[DecisionOutcome(outcome)]
            if outcome
            else (
                application.get_status_display(),
                STATUS_TAGS[ApplicationStatus(application.status)],
            )
        )
        application_rows.append(
            BidRow(
                kind="application",
                reference=application.reference,
                title=application.title or "Untitled application",
                url=reverse("funding:application-detail", args=[application.reference]),
                round_name=application.round.name,
                lead=application.lead_organisation.name,
                is_lead=application.lead_organisation_id in organisation_ids,
                status_label=label,
                status_tag_class=tag,
                deadline=_deadline(
                    application.status, application.round.applications_close_at, now
                ),
                delete_url=reverse("funding:application-delete", args=[application.reference])
                if application.lead_organisation_id in organisation_ids
                and application.is_draft
                and now < application.round.applications_close_at
                and not application.is_from_eoi
                else "",
            )
        )
    open_rounds = []
    for round in Round.objects.filter(is_published=True).order_by("-number"):
        if round.is_eoi_open_at(now):
            open_rounds.append(
                OpenRound(
                    name=round.name,
                    url=reverse("funding:eoi-start", args=[round.slug]),
                    action="Send an expression of interest",
                    deadline=formats.date_and_time(round.eoi_closes_at)
                    if round.eoi_closes_at
                    else "",
                )
            )
        elif round.is_applications_open_at(now) and not round.has_eoi_stage:
            open_rounds.append(
                OpenRound(
                    name=round.name,
                    url=reverse("funding:application-start", args=[round.slug]),
                    action="Start an application",
                    deadline=formats.date_and_time(round.applications_close_at),
                )
            )
    return FundingDashboard(
        eois=eoi_rows,
        applications=application_rows,
        open_rounds=open_rounds,
        funded_projects=funded_projects_for_member(user=user),
    )


def _announced_outcomes(applications: Sequence[Application]) -> dict[int, str]:
    """Return the outcome of each submitted application whose round is announced, in one
    query (none when no round is announced): the only decisions the dashboard reads."""
    announced = [
        application.pk
        for application in applications
        if application.round.is_announced and application.status == ApplicationStatus.SUBMITTED
    ]
    if not announced:
        return {}
    return dict(
        Decision.objects.filter(
            application_id__in=announced, outcome__in=DecisionOutcome.values
        ).values_list("application_id", "outcome")
    )


@dataclass(frozen=True)
class LedBid:
    """A bid an organisation leads in a round, for the page that says it may lead no more."""

    reference: str
    title: str
    url: str
    status_label: str


def bids_led_in_round(*, round: Round, organisation: Organisation) -> list[LedBid]:
    """Return the bids ``organisation`` leads in ``round`` that count towards the round's
    limit on bids one organisation may lead: its EOIs in a round with an EOI stage, else
    its applications; drafts and submitted ones, oldest first."""
    if round.has_eoi_stage:
        return [
            LedBid(
                reference=eoi.reference,
                title=eoi.title or "Untitled expression of interest",
                url=reverse("funding:eoi-detail", args=[eoi.reference]),
                status_label=eoi.get_status_display(),
            )
            for eoi in ExpressionOfInterest.objects.filter(
                round=round, lead_organisation=organisation, status__in=EOI_COUNTED_STATUSES
            ).order_by("created_at", "pk")
        ]
    return [
        LedBid(
            reference=application.reference,
            title=application.title or "Untitled application",
            url=reverse("funding:application-detail", args=[application.reference]),
            status_label=application.get_status_display(),
        )
        for application in Application.objects.filter(
            round=round,
            lead_organisation=organisation,
            status__in=APPLICATION_COUNTED_STATUSES,
        ).order_by("created_at", "pk")
    ]
