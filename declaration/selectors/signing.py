"""Reads about signing the Declaration: the current text, signers' drafts, live signings,
possible duplicates, and the signer's own list on their account page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from declaration.models import (
    DeclarationVersion,
    Organisation,
    Signing,
    SigningStatus,
)
from localdigital.accounts.models import User

# Words that say what kind of body an organisation is, not which one: "Borsetshire County
# Council" and "Borsetshire Council" are the same organisation to a person reading them.
NAME_NOISE_WORDS = frozenset(
    {"council", "borough", "district", "city", "county", "of", "the", "and"}
)
_APOSTROPHES = re.compile("['\u2019]")
_NOT_A_WORD = re.compile(r"[\W_]+")

# The journey's question pages, in order. Each is also the name of its URL (sign-<step>).
STEP_ORGANISATION = "organisation"
STEP_ORGANISATION_DETAILS = "organisation-details"
STEP_ROLE = "role"
STEP_SENIOR_LEADER = "senior-leader"
STEP_DIGITAL_LEAD = "digital-lead"
STEP_PROJECT = "project"
STEP_CHECK = "check"


def declaration_version_current() -> DeclarationVersion | None:
    """Return the version of the Declaration in force today, or None before the first.

    That is the published version with the highest number whose ``published_on`` date
    (Europe/London) has come. A version published for a later date is not current yet.
    """
    return (
        DeclarationVersion.objects.filter(
            published_on__isnull=False, published_on__lte=timezone.localdate()
        )
        .order_by("-number")
        .first()
    )


def signing_for_signer_get(
    *, reference: str, signer: User, status: SigningStatus | None = None
) -> Signing | None:
    """Return the signing with this reference if ``signer`` started it (and, given
    ``status``, it is in that state), else None.

    Nobody else gets another person's signing, whatever its state: the journey answers
    them as if it did not exist.
    """
    signings = Signing.objects.filter(reference=reference, signer=signer)
    if status is not None:
        signings = signings.filter(status=status)
    return signings.select_related("organisation", "signer").first()


def signing_live_get(*, organisation: Organisation) -> Signing | None:
    """Return the organisation's pending or published signing, or None if it has none."""
    return (
        Signing.objects.filter(
            organisation=organisation,
            status__in=[SigningStatus.SUBMITTED, SigningStatus.PUBLISHED],
        )
        .select_related("organisation")
        .first()
    )


@dataclass(frozen=True)
class LiveSigningSummary:
    """What a second signer is told about an organisation that has signed, or is waiting.

    Who signed on the organisation's behalf (its senior leader), the role of the person who
    signed it online, and when, whether the signing is published or still waiting for the
    Local Digital team's checks. The online signer's own name and email are never shown.
    """

    organisation: Organisation
    is_published: bool
    signed_on: date | None
    senior_leader_name: str
    senior_leader_job_title: str
    signer_role: str


def organisation_live_signing_summary(*, organisation: Organisation) -> LiveSigningSummary | None:
    """Return what to tell a second signer about the organisation's live signing, or None."""
    signing = signing_live_get(organisation=organisation)
    if signing is None:
        return None
    is_published = signing.status == SigningStatus.PUBLISHED
    return LiveSigningSummary(
        organisation=organisation,
        is_published=is_published,
        signed_on=signing.signed_on,
        senior_leader_name=signing.senior_leader_name,
        senior_leader_job_title=signing.senior_leader_job_title,
        signer_role=signing.signer_role,
    )


def organisation_name_normalise(name: str) -> str:
    """Return ``name`` reduced to the words that tell one organisation from another.

    Lower case, with punctuation (and "&") taken out, and without the words in
    ``NAME_NOISE_WORDS`` ("council", "borough", "of", "and" …), one space between words:
    "The Borough Council of King's Lynn & West Norfolk" becomes "kings lynn west norfolk".
    """
    words = _NOT_A_WORD.sub(" ", _APOSTROPHES.sub("", name.lower())).split()
    return " ".join(word for word in words if word not in NAME_NOISE_WORDS)


def _names_overlap(normalised: str, other: str) -> bool:
    """Return whether two normalised names are equal, or one holds the other's words.

    Whole words only, in order: "hackney" is in "london hackney", but "york" is not in
    "north yorkshire".
    """
    if not normalised or not other:
        return False
    padded, other_padded = f" {normalised} ", f" {other} "
    return padded in other_padded or other_padded in padded


def organisations_similar_to(*, name: str) -> list[Organisation]:
    """Return the organisations whose name, or one of whose alternative names, is like ``name``.

    Like means that, normalised by ``organisation_name_normalise``, one equals or contains
    the other. Closed organisations count too: a signer may be describing one that has been
    replaced. The comparison runs in Python, as the database has no trigram matching and the
    register holds a few hundred names.
    """
    normalised = organisation_name_normalise(name)
    if not normalised:
        return []
    candidates = Organisation.objects.only("pk", "name", "slug", "alternative_names")
    return [
        organisation
        for organisation in candidates
        if any(
            _names_overlap(normalised, organisation_name_normalise(candidate))
            for candidate in _names_of(organisation)
        )
    ]


def _names_of(organisation: Organisation) -> Iterable[str]:
    yield organisation.name
    yield from organisation.alternative_names


def signings_unlisted_similar_to(*, name: str, exclude: Signing | None = None) -> list[Signing]:
    """Return the live signings for organisations not in the register whose proposed name is
    like ``name``, as ``organisations_similar_to`` compares names, oldest first.

    ``exclude`` leaves out the signing being checked. Only pending ones can be found: a
    published signing always has its organisation, which ``organisations_similar_to`` finds.
    """
    normalised = organisation_name_normalise(name)
    if not normalised:
        return []
    candidates = Signing.objects.filter(
        organisation__isnull=True,
        status__in=[SigningStatus.SUBMITTED, SigningStatus.PUBLISHED],
    ).exclude(proposed_name="")
    if exclude is not None and exclude.pk is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    return [
        signing
        for signing in candidates.only("pk", "reference", "proposed_name").order_by("pk")
        if _names_overlap(normalised, organisation_name_normalise(signing.proposed_name))
    ]


def signing_name_is_possible_duplicate(*, name: str, signing: Signing | None = None) -> bool:
    """Return whether an organisation a signer says is not listed may in fact be listed, or
    may be one that another signer has described and is waiting for checks.

    ``signing`` is the signing being checked, left out of the comparison. Staff see this as
    the ``possible_duplicate`` flag on the submission.
    """
    return bool(organisations_similar_to(name=name)) or bool(
        signings_unlisted_similar_to(name=name, exclude=signing)
    )


@dataclass(frozen=True)
class MissingAnswer:
    """A question of the journey that a draft has not answered yet."""

    step: str
    message: str


def signing_missing_answers(signing: Signing) -> list[MissingAnswer]:
    """Return the questions the draft still needs answered before it can be submitted.

    In journey order; an empty list means the draft is complete. The elected member is
    optional, but their name and role go together.
    """
    missing: list[MissingAnswer] = []
    if signing.organisation_id is None and not (
        signing.proposed_name
        and signing.proposed_type
        and signing.proposed_website
        and signing.proposed_region
    ):
        missing.append(MissingAnswer(STEP_ORGANISATION, "Choose your organisation"))
    if not signing.signer_role:
        missing.append(MissingAnswer(STEP_ROLE, "Enter your role"))
    if not (signing.senior_leader_name and signing.senior_leader_job_title):
        missing.append(MissingAnswer(STEP_SENIOR_LEADER, "Enter the senior leader's details"))
    elif bool(signing.elected_member_name) != bool(signing.elected_member_role):
        missing.append(
            MissingAnswer(STEP_SENIOR_LEADER, "Enter both the elected member's name and role")
        )
    if not (
        signing.digital_lead_name and signing.digital_lead_job_title and signing.digital_lead_email
    ):
        missing.append(MissingAnswer(STEP_DIGITAL_LEAD, "Enter the digital lead's details"))
    if not (signing.project_title and signing.project_description and signing.project_principles):
        missing.append(MissingAnswer(STEP_PROJECT, "Describe your declaration project"))
    return missing


def signing_next_step(signing: Signing) -> str:
    """Return the step a signer returning to their draft should go to: the first unanswered
    question, or the check page when everything is answered."""
    missing = signing_missing_answers(signing)
    return missing[0].step if missing else STEP_CHECK


# How each state shows on the signer's account page: a GOV.UK tag colour.
_STATUS_TAG_CLASSES = {
    SigningStatus.DRAFT: "govuk-tag--grey",
    SigningStatus.SUBMITTED: "govuk-tag--blue",
    SigningStatus.PUBLISHED: "govuk-tag--green",
    SigningStatus.REJECTED: "govuk-tag--red",
    SigningStatus.WITHDRAWN: "govuk-tag--grey",
    SigningStatus.UNPUBLISHED: "govuk-tag--orange",
}
_DRAFT_LABEL = "Not finished"


def status_tag_class(status: SigningStatus) -> str:
    """Return the GOV.UK tag class that shows a signing's state."""
    return _STATUS_TAG_CLASSES[status]


@dataclass(frozen=True)
class AccountSigning:
    """One of a signer's signings, ready for the "Your signings" list on their account page."""

    reference: str
    organisation_name: str
    status_label: str
    tag_class: str
    started_on: date
    signed_on: date | None
    rejection_reason: str
    continue_url: str
    delete_url: str
    withdraw_url: str
    view_url: str

    @property
    def can_continue(self) -> bool:
        return bool(self.continue_url)

    @property
    def can_delete(self) -> bool:
        return bool(self.delete_url)

    @property
    def can_withdraw(self) -> bool:
        return bool(self.withdraw_url)

    @property
    def can_view(self) -> bool:
        return bool(self.view_url)


def signings_for_account(*, user: User) -> list[AccountSigning]:
    """Return the signings ``user`` started, newest first, ready to list on their account.

    A draft has links to continue where the signer left off and to delete it; any other a
    link to see what it said; a pending signing a link to withdraw it; a rejected one the
    reason staff gave. One query, however
    many there are.
    """
    signings = (
        Signing.objects.filter(signer=user)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )
    return [_account_signing(signing) for signing in signings]


def _account_signing(signing: Signing) -> AccountSigning:
    status = SigningStatus(signing.status)
    is_draft = status == SigningStatus.DRAFT
    continue_url = (
        reverse(f"declaration:sign-{signing_next_step(signing)}", args=[signing.reference])
        if is_draft
        else ""
    )
    delete_url = reverse("declaration:sign-delete", args=[signing.reference]) if is_draft else ""
    view_url = "" if is_draft else reverse("declaration:signing-detail", args=[signing.reference])
    withdraw_url = (
        reverse("declaration:sign-withdraw", args=[signing.reference])
        if status == SigningStatus.SUBMITTED
        else ""
    )
    return AccountSigning(
        reference=signing.reference,
        organisation_name=signing.organisation_name or "Organisation not chosen yet",
        status_label=_DRAFT_LABEL if is_draft else status.label,
        tag_class=status_tag_class(status),
        started_on=timezone.localdate(signing.created_at),
        signed_on=signing.signed_on,
        rejection_reason=signing.rejection_reason if status == SigningStatus.REJECTED else "",
        continue_url=continue_url,
        delete_url=delete_url,
        withdraw_url=withdraw_url,
        view_url=view_url,
    )
