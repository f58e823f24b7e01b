"""Staff's work on a round's expressions of interest: clusters of EOIs about the same
problem, introducing their leads to each other, inviting EOIs (alone or as a cluster) to
full application, and declining them with feedback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from .. import formats
from ..errors import FundingError, TransitionNotAllowed
from ..models import (
    Application,
    ClusterMessage,
    EoiChange,
    EoiCluster,
    EoiStatus,
    ExpressionOfInterest,
    Round,
)
from .applications import application_create
from .common import person_name

# EOIs staff may still group, invite or decline.
OPEN_FOR_STAFF = (EoiStatus.SUBMITTED,)


def cluster_create(*, round: Round, name: str, notes: str = "", created_by: User) -> EoiCluster:
    """Make a named, empty cluster in ``round``."""
    name = name.strip()
    with transaction.atomic():
        if EoiCluster.objects.filter(round=round, name__iexact=name).exists():
            raise FundingError(f"{round.name} already has a cluster called “{name}”.")
        cluster = EoiCluster.objects.create(
            round=round, name=name, notes=notes.strip(), created_by=created_by
        )
        audit_record(actor=created_by, verb="funding.cluster.created", target=cluster)
    return cluster


def _locked_eois(eois: Iterable[ExpressionOfInterest]) -> list[ExpressionOfInterest]:
    return list(
        ExpressionOfInterest.objects.select_for_update(of=("self",))
        .filter(pk__in=[eoi.pk for eoi in eois])
        .select_related("round", "lead_organisation", "created_by")
        .order_by("pk")
    )


def eois_cluster_assign(
    *, eois: Iterable[ExpressionOfInterest], cluster: EoiCluster, assigned_by: User
) -> int:
    """Put submitted EOIs of the cluster's round into ``cluster``; return how many moved.

    Raise ``FundingError`` naming any that are of another round or no longer submitted
    (invited, declined or withdrawn), and change nothing.
    """
    with transaction.atomic():
        locked = _locked_eois(eois)
        wrong_round = [e.reference for e in locked if e.round_id != cluster.round_id]
        if wrong_round:
            raise FundingError(
                f"These are not in {cluster.round.name}: {', '.join(wrong_round)}. A cluster "
                "holds EOIs of one round."
            )
        closed = [e.reference for e in locked if e.status not in OPEN_FOR_STAFF]
        if closed:
            raise FundingError(
                f"Only submitted EOIs can be clustered; these are not: {', '.join(closed)}."
            )
        moved = [e for e in locked if e.cluster_id != cluster.pk]
        for eoi in moved:
            eoi.cluster = cluster
            eoi.save(update_fields=["cluster", "updated_at"])
        if moved:
            audit_record(
                actor=assigned_by,
                verb="funding.cluster.eois_added",
                target=cluster,
                data={"eois": [e.reference for e in moved]},
            )
    return len(moved)


def eois_cluster_remove(*, eois: Iterable[ExpressionOfInterest], removed_by: User) -> int:
    """Take EOIs out of whatever cluster they are in; return how many left one."""
    with transaction.atomic():
        locked = [e for e in _locked_eois(eois) if e.cluster_id is not None]
        for eoi in locked:
            audit_record(
                actor=removed_by,
                verb="funding.cluster.eoi_removed",
                target=eoi,
                data={"cluster": eoi.cluster_id},
            )
            eoi.cluster = None
            eoi.save(update_fields=["cluster", "updated_at"])
    return len(locked)


def cluster_message_send(
    *, cluster: EoiCluster, subject: str, body: str, sent_by: User
) -> ClusterMessage:
    """Email the leads of the cluster's EOIs, introducing each to the others.

    Each lead's contact (the person who wrote the EOI) gets staff's message followed by the
    list of every EOI in the cluster, with its lead organisation and contact, so that they
    can talk. A cluster needs two EOIs with contacts for an introduction.
    """
    with transaction.atomic():
        cluster = EoiCluster.objects.select_for_update().select_related("round").get(pk=cluster.pk)
        members = list(
            cluster.eois.exclude(status=EoiStatus.WITHDRAWN)
            .select_related("lead_organisation", "created_by")
            .order_by("lead_organisation__name", "reference")
        )
        contacts = {e.created_by.email: e.created_by for e in members if e.created_by is not None}
        if len(members) < 2 or len(contacts) < 2:
            raise FundingError(
                "A cluster needs at least 2 expressions of interest from different people "
                "before their leads can be introduced."
            )
        message = ClusterMessage.objects.create(
            cluster=cluster,
            subject=subject.strip(),
            body=body.strip(),
            sent_by=sent_by,
            recipient_count=len(contacts),
        )
        entries = [
            {
                "reference": eoi.reference,
                "title": eoi.title,
                "organisation": eoi.lead_organisation.name,
                "contact": person_name(eoi.created_by),
                "email": eoi.created_by.email if eoi.created_by else "",
            }
            for eoi in members
        ]
        for email in sorted(contacts):
            email_queue(
                to=email,
                subject=message.subject,
                body=render_to_string(
                    "funding/email/cluster_message.txt",
                    {
                        "message": message,
                        "cluster": cluster,
                        "round": cluster.round,
                        "others": [entry for entry in entries if entry["email"] != email],
                        "sender": person_name(sent_by),
                    },
                ),
                idempotency_key=f"funding.cluster.message.{message.pk}.{contacts[email].pk}",
            )
        audit_record(
            actor=sent_by,
            verb="funding.cluster.messaged",
            target=cluster,
            data={"subject": message.subject, "recipients": len(contacts)},
        )
    return message


def _invited_email_queue(
    eoi: ExpressionOfInterest, *, application: Application, joint_with: Sequence[str]
) -> None:
    if eoi.created_by is None:
        return
    round = application.round
    email_queue(
        to=eoi.created_by.email,
        subject=(
            f"You are invited to apply to {round.name} (expression of interest {eoi.reference})"
        ),
        body=render_to_string(
            "funding/email/eoi_invited.txt",
            {
                "eoi": eoi,
                "application": application,
                "round": round,
                "joint_with": joint_with,
                "lead": application.lead_organisation.name,
                "opens_at": formats.date_and_time(round.applications_open_at),
                "closes_at": formats.date_and_time(round.applications_close_at),
                "application_url": absolute_url(
                    "funding:application-detail", application.reference
                ),
            },
        ),
        idempotency_key=f"funding.eoi.invited.{eoi.pk}",
    )


def _mark_invited(
    eois: Sequence[ExpressionOfInterest],
    *,
    application: Application,
    invited_by: User,
    now: datetime,
) -> None:
    for eoi in eois:
        eoi.status = EoiStatus.INVITED
        eoi.application = application
        eoi.invited_at = now
        eoi.invited_by = invited_by
        eoi.save(update_fields=["status", "application", "invited_at", "invited_by", "updated_at"])
        EoiChange.objects.create(
            eoi=eoi,
            changed_by=invited_by,
            changed_at=now,
            description=f"Invited to full application {application.reference}",
        )


def eoi_invite(
    *, eoi: ExpressionOfInterest, invited_by: User, now: datetime | None = None
) -> Application:
    """Invite one submitted EOI to full application: submitted → invited.

    Its draft application is made at once, filled in from the EOI (title, problem, phase,
    lead and partners), and the EOI's writer is emailed a link to it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        (eoi,) = _locked_eois([eoi])
        if eoi.status not in OPEN_FOR_STAFF:
            raise TransitionNotAllowed(
                f"{eoi.reference} is {eoi.get_status_display().lower()}, so it cannot be invited."
            )
        partners = [p.organisation for p in eoi.partners.select_related("organisation")]
        application = application_create(
            round=eoi.round,
            lead_organisation=eoi.lead_organisation,
            created_by=eoi.created_by,
            values={"title": eoi.title, "problem": eoi.problem, "phase": eoi.phase},
            partners=partners,
            now=now,
        )
        _mark_invited([eoi], application=application, invited_by=invited_by, now=now)
        audit_record(
            actor=invited_by,
            verb="funding.eoi.invited",
            target=eoi,
            data={"application": application.reference},
        )
        _invited_email_queue(eoi, application=application, joint_with=[])
    return application


def cluster_invite(
    *,
    cluster: EoiCluster,
    lead_eoi: ExpressionOfInterest,
    invited_by: User,
    now: datetime | None = None,
) -> Application:
    """Invite a whole cluster to one joint application, led by ``lead_eoi``'s lead.

    The cluster's submitted EOIs all become invited to it. The application is filled in
    from ``lead_eoi``; the other EOIs' leads, and every EOI's partners, become its partners.
    Each EOI's writer is emailed; the lead EOI's writer owns the application.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cluster = EoiCluster.objects.select_for_update().get(pk=cluster.pk)
        members = _locked_eois(cluster.eois.filter(status__in=OPEN_FOR_STAFF))
        lead = next((eoi for eoi in members if eoi.pk == lead_eoi.pk), None)
        if lead is None:
            raise FundingError(
                f"The lead must be one of the cluster's submitted EOIs; {lead_eoi.reference} "
                "is not."
            )
        if len(members) < 2:
            raise FundingError(
                "A joint application needs at least 2 submitted EOIs in the cluster. Invite a "
                "single EOI on its own instead."
            )
        partners: dict[int, Organisation] = {}
        for eoi in members:
            if eoi.lead_organisation_id != lead.lead_organisation_id:
                partners.setdefault(eoi.lead_organisation_id, eoi.lead_organisation)
            for partner in eoi.partners.select_related("organisation"):
                if partner.organisation_id != lead.lead_organisation_id:
                    partners.setdefault(partner.organisation_id, partner.organisation)
        application = application_create(
            round=lead.round,
            lead_organisation=lead.lead_organisation,
            created_by=lead.created_by,
            values={"title": lead.title, "problem": lead.problem, "phase": lead.phase},
            partners=sorted(partners.values(), key=lambda o: o.name),
            now=now,
        )
        _mark_invited(members, application=application, invited_by=invited_by, now=now)
        audit_record(
            actor=invited_by,
            verb="funding.cluster.invited",
            target=cluster,
            data={
                "application": application.reference,
                "lead": lead.reference,
                "eois": [eoi.reference for eoi in members],
            },
        )
        names = sorted({eoi.lead_organisation.name for eoi in members})
        for eoi in members:
            _invited_email_queue(
                eoi,
                application=application,
                joint_with=[n for n in names if n != eoi.lead_organisation.name],
            )
    return application


def eoi_decline(
    *, eoi: ExpressionOfInterest, feedback: str, declined_by: User, now: datetime | None = None
) -> ExpressionOfInterest:
    """Decline a submitted EOI with feedback for its writer: submitted → declined."""
    now = now or timezone.now()
    feedback = feedback.strip()
    if not feedback:
        raise FundingError("Give feedback: the applicant is told why.")
    with transaction.atomic():
        (eoi,) = _locked_eois([eoi])
        if eoi.status not in OPEN_FOR_STAFF:
            raise TransitionNotAllowed(
                f"{eoi.reference} is {eoi.get_status_display().lower()}, so it cannot be declined."
            )
        eoi.status = EoiStatus.DECLINED
        eoi.declined_at = now
        eoi.declined_by = declined_by
        eoi.decline_feedback = feedback
        eoi.save(
            update_fields=["status", "declined_at", "declined_by", "decline_feedback", "updated_at"]
        )
        audit_record(actor=declined_by, verb="funding.eoi.declined", target=eoi)
        if eoi.created_by is not None:
            email_queue(
                to=eoi.created_by.email,
                subject=f"Your expression of interest {eoi.reference} to {eoi.round.name}",
                body=render_to_string(
                    "funding/email/eoi_declined.txt",
                    {
                        "eoi": eoi,
                        "round": eoi.round,
                        "eoi_url": absolute_url("funding:eoi-detail", eoi.reference),
                    },
                ),
                idempotency_key=f"funding.eoi.declined.{eoi.pk}",
            )
    return eoi
