"""Reads of expressions of interest for the people writing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from declaration import selectors as declaration_selectors
from localdigital.accounts.models import User

from ..models import EoiChange, EoiPartner, EoiStatus, ExpressionOfInterest


@dataclass(frozen=True)
class EoiAccess:
    """An EOI and what the person looking at it may do."""

    eoi: ExpressionOfInterest
    is_lead_member: bool
    can_edit: bool
    can_withdraw: bool
    closes_passed: bool
    can_delete: bool = False


def eois_visible_to(*, user: User) -> QuerySet[ExpressionOfInterest]:
    """Return the EOIs ``user`` may see: those led by, or partnered by, an organisation they
    are an approved member of."""
    organisation_ids = declaration_selectors.organisation_ids_for_member(user=user)
    return ExpressionOfInterest.objects.filter(
        Q(lead_organisation_id__in=organisation_ids)
        | Q(partners__organisation_id__in=organisation_ids)
    ).distinct()


def eoi_for_member_get(
    *, reference: str, user: User, now: datetime | None = None
) -> EoiAccess | None:
    """Return the EOI ``reference`` if ``user`` may see it, with what they may do; else
    None, which pages answer as not found, whether or not it exists.

    Members of the lead organisation write, submit, withdraw and delete the draft until
    the EOI window closes; members of the partner organisations read it.
    """
    now = now or timezone.now()
    organisation_ids = declaration_selectors.organisation_ids_for_member(user=user)
    eoi = (
        ExpressionOfInterest.objects.filter(reference=reference)
        .filter(
            Q(lead_organisation_id__in=organisation_ids)
            | Q(partners__organisation_id__in=organisation_ids)
        )
        .select_related("round", "lead_organisation", "created_by", "application")
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=EoiPartner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch(
                "changes",
                queryset=EoiChange.objects.select_related("changed_by").order_by(
                    "-changed_at", "-pk"
                ),
            ),
        )
        .first()
    )
    if eoi is None:
        return None
    lead_member = eoi.lead_organisation_id in organisation_ids
    closes_at = eoi.round.eoi_closes_at
    passed = closes_at is not None and now >= closes_at
    can_edit = lead_member and eoi.status == EoiStatus.DRAFT and not passed
    return EoiAccess(
        eoi=eoi,
        is_lead_member=lead_member,
        can_edit=can_edit,
        can_delete=can_edit,
        can_withdraw=lead_member
        and eoi.status in (EoiStatus.DRAFT, EoiStatus.SUBMITTED)
        and not passed,
        closes_passed=passed,
    )


def eoi_partner_get(*, eoi: ExpressionOfInterest, pk: int) -> EoiPartner | None:
    return EoiPartner.objects.filter(eoi=eoi, pk=pk).select_related("organisation", "eoi").first()
