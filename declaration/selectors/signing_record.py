"""Reads of what a signing said, once submitted: for its signer and the members of its
organisation, read only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from declaration.models import Membership, OrganisationType, Principle, Signing, SigningStatus
from localdigital.accounts.models import User
from localdigital.markdown import markdown_to_html

from .moderation import DeclarationText
from .signing import status_tag_class


def _may_see(user: User) -> Q:
    """Signings ``user`` may see what they said: those they signed, and those of an
    organisation they are an approved member of. Never a draft, which only its signer sees,
    in the journey itself."""
    is_member = Membership.objects.filter(
        organisation=OuterRef("organisation"), user=user, approved_at__isnull=False
    )
    return ~Q(status=SigningStatus.DRAFT) & (Q(signer=user) | Q(Exists(is_member)))


@dataclass(frozen=True)
class RecordRow:
    """A row of the record: what was asked, and the answer (lines)."""

    key: str
    lines: list[str]


@dataclass(frozen=True)
class RecordDate:
    """Something that happened to the signing, the London date, and any reason given."""

    key: str
    on: date
    reason: str = ""


@dataclass(frozen=True)
class SigningRecord:
    """What a submitted signing said, ready for its read-only page."""

    reference: str
    organisation_name: str
    status_label: str
    tag_class: str
    signed_by: list[RecordRow]
    project: list[RecordRow]
    dates: list[RecordDate]
    declaration: DeclarationText | None
    viewer_is_signer: bool


def signing_record_get(*, reference: str, viewer: User) -> SigningRecord | None:
    """Return what the signing with this reference said, if ``viewer`` may see it (its
    signer, or an approved member of its organisation), else None."""
    signing = (
        Signing.objects.filter(_may_see(viewer), reference=reference)
        .select_related("organisation", "signer", "version")
        .first()
    )
    if signing is None:
        return None
    return _record(signing, viewer=viewer)


def _lines(*values: str) -> list[str]:
    return [value for value in values if value] or ["Not given"]


def _signer_name(signing: Signing) -> str:
    if signing.signer is None:
        return "Not recorded: it was signed before the service signed people up online"
    return signing.signer.full_name or signing.signer.email


def _record(signing: Signing, *, viewer: User) -> SigningRecord:
    status = SigningStatus(signing.status)
    principles = dict(Principle.choices)
    signed_by = [RecordRow("Organisation", [signing.organisation_name])]
    if signing.is_organisation_unlisted:
        types = dict(OrganisationType.choices)
        signed_by += [
            RecordRow("Type", _lines(types.get(signing.proposed_type, ""))),
            RecordRow("Website", _lines(signing.proposed_website)),
            RecordRow("Region", _lines(signing.proposed_region)),
        ]
    signed_by += [
        RecordRow("Signed online by", [_signer_name(signing)]),
        RecordRow("Their role", _lines(signing.signer_role)),
        RecordRow(
            "Senior leader",
            _lines(signing.senior_leader_name, signing.senior_leader_job_title),
        ),
        RecordRow(
            "Elected member",
            _lines(signing.elected_member_name, signing.elected_member_role),
        ),
        RecordRow(
            "Digital lead",
            _lines(
                signing.digital_lead_name,
                signing.digital_lead_job_title,
                signing.digital_lead_email,
            ),
        ),
    ]
    project = [
        RecordRow("Title", _lines(signing.project_title)),
        RecordRow("Description", _lines(signing.project_description)),
        RecordRow(
            "Principles it serves",
            _lines(*(principles.get(value, value) for value in signing.project_principles)),
        ),
    ]
    return SigningRecord(
        reference=signing.reference,
        organisation_name=signing.organisation_name,
        status_label=status.label,
        tag_class=status_tag_class(status),
        signed_by=signed_by,
        project=project,
        dates=_dates(signing),
        declaration=_declaration(signing),
        viewer_is_signer=signing.signer_id == viewer.pk,
    )


def _local(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _dates(signing: Signing) -> list[RecordDate]:
    """Return what happened to the signing, in order, each on its London date."""
    happened: list[tuple[str, date | None, str]] = [
        ("Signed", signing.signed_on, ""),
        ("Published", _local(signing.published_at), ""),
        ("Rejected", _local(signing.rejected_at), signing.rejection_reason),
        ("Withdrawn", _local(signing.withdrawn_at), signing.withdrawal_reason),
        (
            "Taken off the list of signatories",
            _local(signing.unpublished_at),
            signing.unpublish_reason,
        ),
    ]
    return [RecordDate(key, on, reason) for key, on, reason in happened if on is not None]


def _declaration(signing: Signing) -> DeclarationText | None:
    """Return the version of the Declaration the signing signed, as HTML."""
    version = signing.version
    if version is None or version.published_on is None:
        return None
    # markdown_to_html escapes any raw HTML in the source, so its output is safe to show.
    html = mark_safe(markdown_to_html(version.text))  # noqa: S308
    return DeclarationText(number=version.number, published_on=version.published_on, html=html)


@dataclass(frozen=True)
class MemberSigning:
    """A signing of an organisation the person belongs to, for their account page."""

    organisation_name: str
    reference: str
    status_label: str
    tag_class: str
    signed_on: date | None
    url: str


def signings_for_member_account(*, user: User) -> list[MemberSigning]:
    """Return the pending or published signings of the organisations ``user`` is an approved
    member of, which someone else signed (their own are under "Your signings"), by
    organisation. One query."""
    signings = (
        Signing.objects.filter(
            _may_see(user),
            status__in=[SigningStatus.SUBMITTED, SigningStatus.PUBLISHED],
        )
        .exclude(signer=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [
        MemberSigning(
            organisation_name=signing.organisation_name,
            reference=signing.reference,
            status_label=SigningStatus(signing.status).label,
            tag_class=status_tag_class(SigningStatus(signing.status)),
            signed_on=signing.signed_on,
            url=reverse("declaration:signing-detail", args=[signing.reference]),
        )
        for signing in signings
    ]
