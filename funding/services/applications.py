"""Writes about full applications by applicants: starting one, saving its sections,
partners and their confirmation, submitting and withdrawing.

Members of the lead and the partner organisations edit a draft together. Every save of a
section names the version its form was opened at (``ApplicationSection.version``); a save
against a version that has moved on is refused with ``SectionConflict`` and changes nothing,
so no edit is ever silently lost. Every save is kept in the draft's history
(``ApplicationChange``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from declaration.models import Organisation
from localdigital.accounts.models import User
from localdigital.audit.services import audit_record
from localdigital.formats import time_on_day
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from .. import formats, rules
from ..errors import (
    DeadlinePassed,
    FundingError,
    LeadLimitReached,
    NotPermitted,
    RulesNotMet,
    SectionConflict,
    TransitionNotAllowed,
    WindowNotOpen,
)
from ..models import (
    SECTION_FIELDS,
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    ApplicationStatus,
    Award,
    BudgetLine,
    Round,
    Section,
)
from ..selectors.applications import application_answers
from .common import (
    field_label,
    lead_bids_lock,
    partner_admins_tell,
    person_name,
    require_member,
    require_signatory_member,
)


@dataclass(frozen=True)
class BudgetLineValue:
    """One budget line as a form gives it."""

    description: str
    amount: Decimal


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "lead_organisation")
        .get(pk=application.pk)
    )


def participant_ids(application: Application) -> list[int]:
    """Return the ids of the lead and partner organisations of ``application``."""
    return [
        application.lead_organisation_id,
        *ApplicationPartner.objects.filter(application=application).values_list(
            "organisation_id", flat=True
        ),
    ]


def _require_open_draft(application: Application, *, user: User, now: datetime) -> None:
    """Raise unless ``user`` may still change the draft at ``now``: a member of the lead or
    a partner organisation, before the round's applications close."""
    require_member(
        user=user, organisation_ids=participant_ids(application), action="change this draft"
    )
    if application.status != ApplicationStatus.DRAFT:
        raise TransitionNotAllowed(
            f"Application {application.reference} has been "
            f"{application.get_status_display().lower()}, so it can no longer be changed."
        )
    closes_at = application.round.applications_close_at
    if now >= closes_at:
        raise DeadlinePassed(
            f"The deadline for applications to {application.round.name} was "
            f"{formats.date_and_time(closes_at)}, so this draft can no longer be changed."
        )


def _check_lead_limit(*, round: Round, organisation: Organisation) -> None:
    """Raise ``LeadLimitReached`` if ``organisation`` may not lead one more application in
    ``round``. Callers that go on to create one lock the organisation first."""
    problems = rules.lead_limit_problems(
        round=round,
        lead=organisation,
        others=rules.led_application_count(round=round, organisation=organisation),
        kind=rules.APPLICATION_KIND,
    )
    if problems:
        raise LeadLimitReached(problems[0].message)


def application_create(
    *,
    round: Round,
    lead_organisation: Organisation,
    created_by: User | None,
    values: Mapping[str, Any] | None = None,
    partners: Iterable[Organisation] = (),
    now: datetime | None = None,
) -> Application:
    """Create a draft application with its sections, partners and first history line.

    For the services that start one (an applicant in a round with no EOI stage, or staff
    inviting EOIs); the caller holds the transaction and has checked who may. The lead
    limit is checked here, under the lock on the bids the lead organisation leads.
    """
    now = _now(now)
    lead_bids_lock(round=round, organisation_id=lead_organisation.pk)
    _check_lead_limit(round=round, organisation=lead_organisation)
    application = Application.objects.create(
        round=round,
        lead_organisation=lead_organisation,
        created_by=created_by,
        created_at=now,
        **dict(values or {}),
    )
    ApplicationSection.objects.bulk_create(
        ApplicationSection(application=application, section=section) for section in Section
    )
    ApplicationPartner.objects.bulk_create(
        ApplicationPartner(application=application, organisation=organisation, added_at=now)
        for organisation in partners
        if organisation.pk != lead_organisation.pk
    )
    ApplicationChange.objects.create(
        application=application,
        changed_by=created_by,
        changed_at=now,
        description="Started the application",
    )
    return application


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


def _changed_fields(application: Application, values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(application, name) != value]


def application_section_save(
    *,
    application: Application,
    section: str,
    values: Mapping[str, Any],
    completed: bool,
    version: int,
    saved_by: User,
    budget_lines: Sequence[BudgetLineValue] | None = None,
    partner_roles: Mapping[int, str] | None = None,
    now: datetime | None = None,
) -> ApplicationSection:
    """Save one section of the draft, and whether its writer has completed it.

    ``values`` gives the section's fields (``SECTION_FIELDS``); the budget section also takes
    its ``budget_lines``, which replace the old ones, and the team section each partner's
    role (``partner_roles``, by partner id). ``version`` is the section's version when the
    form was opened: if someone has saved the section since, ``SectionConflict`` says who
    and when, and nothing is saved.

    The round's rules are checked as submission checks them (``rules``): an answer that
    breaks one (an amount over its phase's cap) is refused whenever it is saved, and a
    section marked complete must leave nothing of its own still to do (each partner's
    role, budget lines that add up). ``RulesNotMet`` lists what, and nothing is saved.
    """
    now = _now(now)
    section = Section(section)
    unknown = sorted(set(values) - set(SECTION_FIELDS[section]))
    if unknown:
        raise ValueError(f"The {section.label} section has no fields {', '.join(unknown)}.")
    with transaction.atomic():
        application = _lock(application)
        _require_open_draft(application, user=saved_by, now=now)
        state = (
            ApplicationSection.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(application=application, section=section)
        )
        if state.version != version:
            raise SectionConflict(
                saved_by=person_name(state.updated_by),
                saved_at=state.updated_at,
                version=state.version,
            )
        cleaned = {
            name: value.strip() if isinstance(value, str) else value
            for name, value in values.items()
        }
        changed = [field_label(Application, name) for name in _changed_fields(application, cleaned)]
        for name, value in cleaned.items():
            setattr(application, name, value)
        application.save(update_fields=[*cleaned, "updated_at"])
        if budget_lines is not None and _budget_lines_replace(application, budget_lines):
            changed.append("budget lines")
        if partner_roles is not None and _partner_roles_save(application, partner_roles):
            changed.append("partners' roles")
        if completed != state.is_completed:
            changed.append("marked complete" if completed else "marked not complete")
        state.is_completed = completed
        state.version += 1
        state.updated_at = now
        state.updated_by = saved_by
        state.save(update_fields=["is_completed", "version", "updated_at", "updated_by"])
        typed = {*values, *(rules.partner_role_field(pk) for pk in partner_roles or {})}
        problems = rules.problems_stopping_a_save(
            rules.application_problems(application=application, now=now),
            section=section,
            typed=typed,
            completed=completed,
        )
        if problems:
            raise RulesNotMet(problems)
        ApplicationChange.objects.create(
            application=application,
            section=section,
            description=f"Saved {section.label.lower()}",
            fields=changed,
            changed_by=saved_by,
            changed_at=now,
        )
    return state


def _budget_lines_replace(application: Application, lines: Sequence[BudgetLineValue]) -> bool:
    """Replace the budget lines; return whether they changed."""
    before = list(application.budget_lines.values_list("description", "amount"))
    after = [(line.description.strip(), line.amount) for line in lines]
    if before == after:
        return False
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, description=description, amount=amount, position=i)
        for i, (description, amount) in enumerate(after)
    )
    return True


def _partner_roles_save(application: Application, roles: Mapping[int, str]) -> bool:
    """Keep each named partner's role; return whether any changed. Partners no longer in
    the application (removed meanwhile) are passed over."""
    changed = False
    for partner in application.partners.filter(pk__in=list(roles)):
        role = roles[partner.pk].strip()
        if partner.role != role:
            partner.role = role
            partner.save(update_fields=["role"])
            changed = True
    return changed


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _confirmation_request_queue(
    partner: ApplicationPartner, *, application: Application, requested_by: User, now: datetime
) -> None:
    """Give the partner a new confirmation link, and email it to its contact."""
    token = secrets.token_urlsafe(32)
    partner.confirmation_token_hash = _token_hash(token)
    partner.confirmation_requested_at = now
    partner.confirmed_at = None
    partner.save(
        update_fields=["confirmation_token_hash", "confirmation_requested_at", "confirmed_at"]
    )
    context = {
        "partner": partner,
        "application": application,
        "round": application.round,
        "requested_by": person_name(requested_by),
        "confirm_url": absolute_url("funding:partner-confirm", query={"token": token}),
        "closes_at": formats.date_and_time(application.round.applications_close_at),
    }
    email_queue(
        to=partner.contact_email,
        subject=(
            f"Confirm that {partner.organisation.name} is a partner in "
            f"{application.lead_organisation.name}'s application to {application.round.name}"
        ),
        body=render_to_string("funding/email/partner_confirmation_request.txt", context),
        idempotency_key=f"funding.partner.confirm.{partner.pk}.{now.timestamp():.6f}",
        sensitive=True,
    )


def application_partner_add(
    *,
    application: Application,
    organisation: Organisation,
    contact_name: str,
    contact_email: str,
    added_by: User,
    now: datetime | None = None,
) -> ApplicationPartner:
    """Add ``organisation`` as a partner, and email its contact a link to confirm."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        _require_open_draft(application, user=added_by, now=now)
        if organisation.pk == application.lead_organisation_id:
            raise FundingError(f"{organisation.name} leads this bid, so it cannot be a partner.")
        if not organisation.is_active:
            raise FundingError(f"{organisation.name} has closed, so it cannot be a partner.")
        partner, created = ApplicationPartner.objects.get_or_create(
            application=application,
            organisation=organisation,
            defaults={
                "contact_name": contact_name.strip(),
                "contact_email": contact_email.strip(),
                "added_by": added_by,
                "added_at": now,
            },
        )
        if not created:
            raise FundingError(f"{organisation.name} is already a partner in this application.")
        _confirmation_request_queue(
            partner, application=application, requested_by=added_by, now=now
        )
        ApplicationChange.objects.create(
            application=application,
            description=f"Added {organisation.name} as a partner",
            changed_by=added_by,
            changed_at=now,
        )
    return partner


def application_partner_contact_save(
    *,
    partner: ApplicationPartner,
    contact_name: str,
    contact_email: str,
    saved_by: User,
    now: datetime | None = None,
) -> ApplicationPartner:
    """Change a partner's named contact. A new contact email takes back any confirmation
    and sends a new link to the new contact; a partner invited from an EOI, which has no
    contact yet, gets its first link this way."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(partner.application)
        _require_open_draft(application, user=saved_by, now=now)
        partner = ApplicationPartner.objects.select_for_update(of=("self",)).get(
            pk=partner.pk, application=application
        )
        new_email = contact_email.strip()
        email_changed = new_email.lower() != partner.contact_email.lower()
        partner.contact_name = contact_name.strip()
        partner.contact_email = new_email
        partner.save(update_fields=["contact_name", "contact_email"])
        if email_changed:
            _confirmation_request_queue(
                partner, application=application, requested_by=saved_by, now=now
            )
        ApplicationChange.objects.create(
            application=application,
            description=f"Changed the contact for {partner.organisation.name}",
            changed_by=saved_by,
            changed_at=now,
        )
    return partner


def application_partner_confirmation_resend(
    *, partner: ApplicationPartner, requested_by: User, now: datetime | None = None
) -> ApplicationPartner:
    """Send the partner's contact a new confirmation link; the old one stops working."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(partner.application)
        _require_open_draft(application, user=requested_by, now=now)
        partner = ApplicationPartner.objects.select_for_update(of=("self",)).get(
            pk=partner.pk, application=application
        )
        if partner.is_confirmed:
            raise TransitionNotAllowed(f"{partner.organisation.name} has already confirmed.")
        if not partner.contact_email:
            raise FundingError(f"Give a contact for {partner.organisation.name} first.")
        _confirmation_request_queue(
            partner, application=application, requested_by=requested_by, now=now
        )
    return partner


def application_partner_remove(
    *, partner: ApplicationPartner, removed_by: User, now: datetime | None = None
) -> None:
    """Take a partner out of the draft."""
    now = _now(now)
    with transaction.atomic():
        application = _lock(partner.application)
        _require_open_draft(application, user=removed_by, now=now)
        name = partner.organisation.name
        deleted, _ = ApplicationPartner.objects.filter(
            pk=partner.pk, application=application
        ).delete()
        if deleted:
            ApplicationChange.objects.create(
                application=application,
                description=f"Removed {name} as a partner",
                changed_by=removed_by,
                changed_at=now,
            )


def partner_for_token(token: str) -> ApplicationPartner | None:
    """Return the partner whose current confirmation link carries ``token``, or None."""
    if not token:
        return None
    return (
        ApplicationPartner.objects.filter(confirmation_token_hash=_token_hash(token))
        .select_related("application__round", "application__lead_organisation", "organisation")
        .first()
    )


def application_partner_confirm(*, token: str, now: datetime | None = None) -> ApplicationPartner:
    """Record that the partner's contact confirmed its part in the application.

    The link's token is the proof: only its current one works, only while the application
    is a draft before the close. Confirming twice changes nothing. The person who added the
    partner, and the application's creator, are told.
    """
    now = _now(now)
    with transaction.atomic():
        found = partner_for_token(token)
        if found is None:
            raise NotPermitted("This confirmation link is not valid. Ask for a new one.")
        application = _lock(found.application)
        partner = (
            ApplicationPartner.objects.select_for_update(of=("self",))
            .select_related("organisation", "added_by")
            .get(pk=found.pk)
        )
        if partner.confirmation_token_hash != _token_hash(token):
            raise NotPermitted("This confirmation link has been replaced by a newer one.")
        if partner.is_confirmed:
            return partner
        if application.status != ApplicationStatus.DRAFT:
            raise TransitionNotAllowed(
                f"Application {application.reference} has been "
                f"{application.get_status_display().lower()}, so partners can no longer "
                "confirm it."
            )
        if now >= application.round.applications_close_at:
            raise DeadlinePassed(
                f"The deadline for applications to {application.round.name} has passed."
            )
        partner.confirmed_at = now
        partner.save(update_fields=["confirmed_at"])
        ApplicationChange.objects.create(
            application=application,
            description=(
                f"{partner.contact_name or partner.contact_email} confirmed "
                f"{partner.organisation.name}'s part"
            ),
            changed_at=now,
        )
        audit_record(
            actor=None,
            verb="funding.application.partner_confirmed",
            target=application,
            data={"partner": partner.organisation.name, "contact": partner.contact_email},
        )
        recipients = {u.email: u for u in (application.created_by, partner.added_by) if u}
        for email in sorted(recipients):
            email_queue(
                to=email,
                subject=(
                    f"{partner.organisation.name} has confirmed its part in application "
                    f"{application.reference}"
                ),
                body=render_to_string(
                    "funding/email/partner_confirmed.txt",
                    {
                        "partner": partner,
                        "application": application,
                        "application_url": absolute_url(
                            "funding:application-detail", application.reference
                        ),
                    },
                ),
                idempotency_key=(
                    f"funding.partner.confirmed.{partner.pk}.{now.timestamp():.6f}"
                    f".{recipients[email].pk}"
                ),
            )
    return partner


def application_submit(
    *, application: Application, submitted_by: User, now: datetime | None = None
) -> Application:
    """Submit the application for assessment: draft → submitted.

    Every rule is checked again, the deadline to the second: ``RulesNotMet`` lists what is
    wrong. Only a member of the lead organisation may submit. The submitter, and the
    application's creator, are sent a copy of the answers.
    """
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        require_member(
            user=submitted_by,
            organisation_ids=[application.lead_organisation_id],
            action="submit it (the lead organisation submits)",
        )
        if application.status != ApplicationStatus.DRAFT:
            raise TransitionNotAllowed(f"Application {application.reference} is not a draft.")
        # Submissions by one lead queue here, so the lead limit counts each of them.
        lead_bids_lock(round=application.round, organisation_id=application.lead_organisation_id)
        problems = rules.application_problems(application=application, now=now)
        if problems:
            raise RulesNotMet(problems)
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = now
        application.submitted_by = submitted_by
        application.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        ApplicationChange.objects.create(
            application=application,
            description="Submitted the application",
            changed_by=submitted_by,
            changed_at=now,
        )
        audit_record(
            actor=submitted_by,
            verb="funding.application.submitted",
            target=application,
            data={
                "round": application.round.slug,
                "lead": application.lead_organisation.name,
                "requested": application.requested_amount,
            },
        )
        _submitted_emails_queue(application, submitted_by=submitted_by, now=now)
        application_partners_tell(application=application)
    return application


def application_partners_tell(*, application: Application) -> None:
    """Email the admins of each partner organisation that the submitted application names
    it: who submitted what, and where they can read it. Once per organisation and admin,
    however often it runs."""
    partner_admins_tell(
        kind="application",
        reference=application.reference,
        title=application.title,
        round=application.round,
        lead=application.lead_organisation,
        partners=[
            partner.organisation for partner in application.partners.select_related("organisation")
        ],
        submitted_by=application.submitted_by,
        submitted_at=application.submitted_at,
        url=absolute_url("funding:application-detail", application.reference),
        idempotency_key=f"funding.application.partner_told.{application.pk}",
    )


def _submitted_emails_queue(application: Application, *, submitted_by: User, now: datetime) -> None:
    context = {
        "application": application,
        "round": application.round,
        "answers": application_answers(application=application),
        "submitted_at": time_on_day(now, weekday=True),
        "submitter": person_name(submitted_by),
        "application_url": absolute_url("funding:application-detail", application.reference),
    }
    body = render_to_string("funding/email/application_submitted.txt", context)
    recipients = {u.email: u for u in (submitted_by, application.created_by) if u is not None}
    for email in sorted(recipients):
        email_queue(
            to=email,
            subject=(
                f"Application {application.reference} submitted to {application.round.name}: "
                "your copy"
            ),
            body=body,
            idempotency_key=f"funding.application.submitted.{application.pk}.{recipients[email].pk}",
        )


def application_withdraw(
    *,
    application: Application,
    withdrawn_by: User,
    reason: str = "",
    now: datetime | None = None,
) -> Application:
    """Withdraw the application before the close: draft or submitted → withdrawn.

    Only a member of the lead organisation may. It no longer counts towards the lead's
    limit in the round.
    """
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        require_member(
            user=withdrawn_by,
            organisation_ids=[application.lead_organisation_id],
            action="withdraw it (the lead organisation does)",
        )
        if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
            raise TransitionNotAllowed(
                f"Application {application.reference} has been withdrawn already."
            )
        closes_at = application.round.applications_close_at
        if now >= closes_at:
            raise DeadlinePassed(
                "Applications can be withdrawn here only until the deadline, "
                f"{formats.date_and_time(closes_at)}. Email the Local Digital team instead."
            )
        previous = application.status
        application.status = ApplicationStatus.WITHDRAWN
        application.withdrawn_at = now
        application.withdrawn_by = withdrawn_by
        application.withdrawal_reason = reason.strip()
        application.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "withdrawn_by",
                "withdrawal_reason",
                "updated_at",
            ]
        )
        ApplicationChange.objects.create(
            application=application,
            description="Withdrew the application",
            changed_by=withdrawn_by,
            changed_at=now,
        )
        audit_record(
            actor=withdrawn_by,
            verb="funding.application.withdrawn",
            target=application,
            data={"from": previous, "reason": application.withdrawal_reason},
        )
    return application


def application_delete(
    *, application: Application, deleted_by: User, now: datetime | None = None
) -> None:
    """Delete a draft application that was never submitted, with its sections, partners,
    budget and history.

    Only a member of the lead organisation may, before the round's applications close:
    members of partner organisations work on the draft but cannot delete it. A draft that
    staff made by inviting an expression of interest cannot be deleted (the invitation
    would be lost): it can be withdrawn. The audit log keeps who deleted which draft.
    """
    now = _now(now)
    with transaction.atomic():
        application = _lock(application)
        require_member(
            user=deleted_by,
            organisation_ids=[application.lead_organisation_id],
            action="delete it (the lead organisation does)",
        )
        if application.status != ApplicationStatus.DRAFT:
            raise TransitionNotAllowed(
                f"Application {application.reference} has been "
                f"{application.get_status_display().lower()}, so it cannot be deleted."
            )
        closes_at = application.round.applications_close_at
        if now >= closes_at:
            raise DeadlinePassed(
                "Drafts can be deleted only until the deadline for applications, "
                f"{formats.date_and_time(closes_at)}."
            )
        if application.eois.exists():
            raise TransitionNotAllowed(
                f"Application {application.reference} comes from an invitation to an "
                "expression of interest, so it cannot be deleted. You can withdraw it instead."
            )
        audit_record(
            actor=deleted_by,
            verb="funding.application.deleted",
            target=application,
            data={
                "reference": application.reference,
                "title": application.title,
                "round": application.round.slug,
                "lead": application.lead_organisation.name,
            },
        )
        application.delete()
