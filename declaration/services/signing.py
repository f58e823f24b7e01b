"""Writes about signing the Declaration: the signer's draft, submitting it, withdrawing it,
or deleting it before it is submitted.

A draft starts when the signer gives its first answer, the organisation, and the journey
keeps every later answer in it as each page is saved; only the signer who started a draft
may change it. Staff moderation (publish, reject, unpublish) and an organisation admin's
withdrawal of a published signing live elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.locks import advisory_lock_take, lock_register
from localdigital.mail.services import email_queue

from ..errors import (
    AlreadySigned,
    NoDeclarationVersion,
    OrganisationClosed,
    SigningIncomplete,
    TransitionNotAllowed,
)
from ..models import Organisation, Signing, SigningStatus
from ..selectors.signing import (
    declaration_version_current,
    signing_live_get,
    signing_missing_answers,
    signing_name_is_possible_duplicate,
)

LIVE_SIGNING_CONSTRAINT = "declaration_signing_one_live_per_organisation"
# Serialises submissions for organisations not in the register, which have no row to lock.
UNLISTED_SUBMIT_LOCK = lock_register("declaration.unlisted_submit")

# The answers the journey's later pages save with ``signing_answers_save``. The organisation
# is chosen or described through services of its own, which check it.
ANSWER_FIELDS = frozenset(
    {
        "signer_role",
        "senior_leader_name",
        "senior_leader_job_title",
        "elected_member_name",
        "elected_member_role",
        "digital_lead_name",
        "digital_lead_job_title",
        "digital_lead_email",
        "project_title",
        "project_description",
        "project_principles",
    }
)
_ORGANISATION_FIELDS = (
    "organisation",
    "proposed_name",
    "proposed_type",
    "proposed_website",
    "proposed_region",
)


def _organisation_may_sign(organisation: Organisation) -> None:
    """Raise ``OrganisationClosed`` or ``AlreadySigned`` if ``organisation`` cannot sign now."""
    if not organisation.is_active:
        raise OrganisationClosed(f"{organisation} has closed, so it cannot sign.")
    if signing_live_get(organisation=organisation) is not None:
        raise AlreadySigned(f"{organisation} has already signed, or is waiting for checks.")


def _signer_lock(signer: User) -> None:
    """Lock the signer's row, so that two starts at once (a double press) queue here and
    the second finds the draft the first made."""
    User.objects.select_for_update(no_key=True).filter(pk=signer.pk).first()


def _started(signing: Signing, *, signer: User) -> Signing:
    audit_record(
        actor=signer,
        verb="declaration.signing.started",
        target=signing,
        data={
            "organisation": signing.organisation_name,
            "unlisted": signing.is_organisation_unlisted,
        },
    )
    return signing


def signing_start(*, signer: User, organisation: Organisation) -> Signing:
    """Start a draft signing for ``organisation``, from the register, and return it.

    A draft starts with its first answer, so that no empty draft is ever left behind.
    Raise ``AlreadySigned`` when the organisation has a pending or published signing (the
    caller offers to join it instead), and ``OrganisationClosed`` for one that has ended.
    A signer who already has a draft for the organisation gets that one back, so pressing
    Continue twice, or starting again, leaves one draft, not two.
    """
    with transaction.atomic():
        _signer_lock(signer)
        _organisation_may_sign(organisation)
        existing = (
            Signing.objects.filter(
                signer=signer, status=SigningStatus.DRAFT, organisation=organisation
            )
            .order_by("created_at")
            .first()
        )
        if existing is not None:
            return existing
        signing = Signing.objects.create(signer=signer, organisation=organisation)
        return _started(signing, signer=signer)


def signing_start_unlisted(
    *, signer: User, name: str, organisation_type: str, website: str, region: str
) -> Signing:
    """Start a draft signing for an organisation the register does not have, as the signer
    describes it, and return it.

    A signer who already has a draft for an unlisted organisation of the same name (in any
    case) gets that one back, as it was.
    """
    name = name.strip()
    with transaction.atomic():
        _signer_lock(signer)
        existing = (
            Signing.objects.filter(
                signer=signer,
                status=SigningStatus.DRAFT,
                organisation__isnull=True,
                proposed_name__iexact=name,
            )
            .order_by("created_at")
            .first()
        )
        if existing is not None:
            return existing
        signing = Signing.objects.create(
            signer=signer,
            proposed_name=name,
            proposed_type=organisation_type,
            proposed_website=website.strip(),
            proposed_region=region.strip(),
        )
        return _started(signing, signer=signer)


def _draft_lock(signing: Signing, *, changed_by: User) -> Signing:
    """Lock the draft's row and return it afresh, if ``changed_by`` may still change it."""
    locked = (
        Signing.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=signing.pk)
    )
    if locked.status != SigningStatus.DRAFT:
        raise TransitionNotAllowed(
            f"Signing {locked.reference} has been submitted, and can no longer be changed."
        )
    if locked.signer_id != changed_by.pk:
        raise TransitionNotAllowed(f"Only its signer can change signing {locked.reference}.")
    return locked


def signing_organisation_choose(
    *, signing: Signing, organisation: Organisation, chosen_by: User
) -> Signing:
    """Record that the draft is for ``organisation``, from the register.

    Raise ``AlreadySigned`` when the organisation already has a pending or published
    signing (the caller offers to join it instead), and ``OrganisationClosed`` for one that
    has ended. Any organisation the signer described before is forgotten.
    """
    with transaction.atomic():
        signing = _draft_lock(signing, changed_by=chosen_by)
        _organisation_may_sign(organisation)
        signing.organisation = organisation
        signing.proposed_name = ""
        signing.proposed_type = ""
        signing.proposed_website = ""
        signing.proposed_region = ""
        signing.save(update_fields=[*_ORGANISATION_FIELDS, "updated_at"])
    return signing


def signing_organisation_propose(
    *,
    signing: Signing,
    name: str,
    organisation_type: str,
    website: str,
    region: str,
    proposed_by: User,
) -> Signing:
    """Record that the draft is for an organisation not in the register, as the signer
    describes it. Staff check it, and create the organisation when they publish."""
    with transaction.atomic():
        signing = _draft_lock(signing, changed_by=proposed_by)
        signing.organisation = None
        signing.proposed_name = name.strip()
        signing.proposed_type = organisation_type
        signing.proposed_website = website.strip()
        signing.proposed_region = region.strip()
        signing.save(update_fields=[*_ORGANISATION_FIELDS, "updated_at"])
    return signing


def signing_answers_save(
    *, signing: Signing, answers: Mapping[str, Any], saved_by: User
) -> Signing:
    """Keep the answers from one of the journey's pages in the draft.

    ``answers`` maps fields in ``ANSWER_FIELDS`` to their values; another name raises
    ``ValueError``. Text is kept without surrounding spaces. Raise ``TransitionNotAllowed``
    when the signing is no longer a draft, or ``saved_by`` did not start it.
    """
    unknown = sorted(set(answers) - ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"These are not answers the journey saves: {', '.join(unknown)}.")
    with transaction.atomic():
        signing = _draft_lock(signing, changed_by=saved_by)
        for name, value in answers.items():
            setattr(signing, name, value.strip() if isinstance(value, str) else value)
        signing.save(update_fields=[*sorted(answers), "updated_at"])
    return signing


def signing_submit(*, signing: Signing, submitted_by: User) -> Signing:
    """Submit the signer's draft for staff to check: draft → submitted.

    Only the signer may submit, and only a draft that answers every question
    (``SigningIncomplete`` says which are missing). The signing records the date it was
    signed (Europe/London), the version of the Declaration in force, and two flags for
    staff: ``domain_mismatch`` when the signer's email domain is not one of the
    organisation's (always, for an organisation not in the register), and
    ``possible_duplicate`` when an organisation described as not listed has a name like one
    that is, or like another unlisted organisation that is waiting for checks. Raise
    ``AlreadySigned`` if the organisation has a pending or published signing, even one that
    arrived a moment ago. The signer and the digital lead are emailed.
    """
    with transaction.atomic():
        signing = _draft_lock(signing, changed_by=submitted_by)
        missing = signing_missing_answers(signing)
        if missing:
            raise SigningIncomplete(missing)
        organisation = signing.organisation
        if organisation is not None:
            # Submissions for one organisation queue here, so the second sees the first.
            organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
            if not organisation.is_active:
                raise OrganisationClosed(f"{organisation} has closed, so it cannot sign.")
            if signing_live_get(organisation=organisation) is not None:
                raise AlreadySigned(f"{organisation} has already signed, or is waiting.")
        else:
            # Submissions for unlisted organisations queue here, so that of two signers
            # describing the same one at once, the second is flagged as a possible duplicate.
            advisory_lock_take(UNLISTED_SUBMIT_LOCK, wait=True)
        version = declaration_version_current()
        if version is None:
            raise NoDeclarationVersion("No version of the Declaration has been published yet.")
        now = timezone.now()
        signing.status = SigningStatus.SUBMITTED
        signing.submitted_at = now
        signing.signed_on = timezone.localdate(now)
        signing.version = version
        signing.domain_mismatch = organisation is None or not organisation.has_email_domain(
            submitted_by.email_domain
        )
        signing.possible_duplicate = organisation is None and signing_name_is_possible_duplicate(
            name=signing.proposed_name, signing=signing
        )
        fields = [
            "status",
            "submitted_at",
            "signed_on",
            "version",
            "domain_mismatch",
            "possible_duplicate",
            "updated_at",
        ]
        try:
            with transaction.atomic():
                signing.save(update_fields=fields)
        except IntegrityError as error:
            if _violated_constraint(error) == LIVE_SIGNING_CONSTRAINT:
                raise AlreadySigned(
                    f"{signing.organisation_name} has already signed, or is waiting."
                ) from error
            raise
        audit_record(
            actor=submitted_by,
            verb="declaration.signing.submitted",
            target=signing,
            data={
                "organisation": signing.organisation_name,
                "unlisted": signing.is_organisation_unlisted,
                "version": version.number,
                "domain_mismatch": signing.domain_mismatch,
                "possible_duplicate": signing.possible_duplicate,
            },
        )
        _submitted_emails_queue(signing)
    return signing


def _violated_constraint(error: IntegrityError) -> str:
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or ""


def _email_context(signing: Signing) -> dict[str, Any]:
    return {
        "signing": signing,
        "organisation_name": signing.organisation_name,
        "declaration_url": absolute_url("declaration:declaration"),
        "account_url": absolute_url("pages:account"),
        "feedback_email": settings.FEEDBACK_EMAIL,
    }


def _submitted_emails_queue(signing: Signing) -> None:
    context = _email_context(signing)
    if signing.signer is not None:
        email_queue(
            to=signing.signer.email,
            subject=(
                "We have received your signing of the Local Digital Declaration for "
                f"{signing.organisation_name} (reference {signing.reference})"
            ),
            body=render_to_string("declaration/email/signing_submitted_signer.txt", context),
            idempotency_key=f"declaration.signing.submitted.{signing.pk}.signer",
        )
    email_queue(
        to=signing.digital_lead_email,
        subject=(
            f"You are the digital lead for {signing.organisation_name}'s signing of the "
            "Local Digital Declaration"
        ),
        body=render_to_string("declaration/email/signing_submitted_digital_lead.txt", context),
        idempotency_key=f"declaration.signing.submitted.{signing.pk}.digital_lead",
    )
