"""The demo's applications to the Fund: each section saved, partners confirmed, and
submitted, at times in the past, for the rounds that ``demo.funding`` makes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from declaration.models import Organisation
from funding import rules
from funding.models import (
    Application,
    ApplicationPartner,
    Award,
    OutputType,
    Round,
    Section,
)
from funding.services import applications_partners as partner_services
from funding.services import applications_sections as section_services
from funding.services import applications_start as start_services
from funding.services import applications_submission as submission_services
from funding.services.applications import BudgetLineValue
from localdigital.accounts.models import User
from localdigital.mail.models import OutgoingEmail

from ..people import DEMO_DOMAIN
from .texts import (
    BUDGET_SHARES,
    STAKEHOLDERS,
    ApplicationSpec,
)

if TYPE_CHECKING:
    from . import Bidders, Made


def _at_most(moment: datetime, now: datetime) -> datetime:
    """Return ``moment``, or ``now`` if it is later: nothing the demo does is in the future."""
    return min(moment, now)


def _seed_applications(
    round: Round,
    specs: Sequence[ApplicationSpec],
    *,
    bidders: Bidders,
    now: datetime,
    made: Made,
) -> None:
    """Applications to a round with no EOI stage, each started by its lead's writer and
    taken to the state its spec names, at times inside the round's window."""
    for index, spec in enumerate(specs):
        lead = bidders.lead(spec.lead)
        limit = round.max_led_applications
        if limit is not None and (
            rules.led_application_count(round=round, organisation=lead) >= limit
        ):
            continue  # Too few signatories to spread the bids without passing the lead limit.
        follow_on = None
        if round.restricted_to_round_id is not None:
            follow_on = _follow_on_award(round, spec, lead=lead)
            if follow_on is None:
                continue  # The project it follows on from was not funded.
        writer = bidders.writer(lead, admin=spec.by_admin)
        at = _at_most(round.applications_open_at + timedelta(days=1, hours=index * 2), now)
        application = start_services.application_start(
            round=round,
            lead_organisation=lead,
            started_by=writer,
            follow_on_award=follow_on,
            now=at,
        )
        for partner in bidders.partners(lead, count=spec.partners, with_hackney=spec.with_hackney):
            name, email = bidders.contact(partner)
            partner_services.application_partner_add(
                application=application,
                organisation=partner,
                contact_name=name,
                contact_email=email,
                added_by=writer,
                now=at + timedelta(minutes=30),
            )
        _application_complete(
            application, spec, bidders=bidders, at=at + timedelta(hours=1), now=now, made=made
        )


def _follow_on_award(round: Round, spec: ApplicationSpec, *, lead: Organisation) -> Award | None:
    """Return the funded project of the round's earlier round that ``spec`` follows on from,
    among those its lead led or partnered on, as the application start page offers them."""
    awards = rules.follow_on_awards(round=round, organisation=lead)
    return next((award for award in awards if award.title == spec.follows), None)


def _application_complete(
    application: Application,
    spec: ApplicationSpec,
    *,
    bidders: Bidders,
    at: datetime,
    now: datetime,
    made: Made,
) -> None:
    """Fill in the application's sections, give its partners contacts and confirm them, and
    take it to ``spec.state``, all from ``at`` (and never after ``now``)."""
    lead = application.lead_organisation
    writer = bidders.writer(lead, admin=spec.by_admin)
    for partner in application.partners.select_related("organisation"):
        if not partner.contact_email:
            name, email = bidders.contact(partner.organisation)
            partner_services.application_partner_contact_save(
                partner=partner,
                contact_name=name,
                contact_email=email,
                saved_by=writer,
                now=_at_most(at, now),
            )
    values = _section_values(spec, lead=lead)
    sections = {
        "abandoned": [Section.PROBLEM],
        "partial": [Section.PROBLEM, Section.USERS, Section.APPROACH],
        "withdrawn": [Section.PROBLEM],
    }.get(spec.state, list(Section))
    versions = dict(application.sections.values_list("section", "version"))
    for offset, section in enumerate(sections):
        answered = all(value not in ("", None) for value in values[section].values())
        _section_save(
            application,
            section,
            values[section],
            version=versions[section],
            amount=Decimal(spec.amount),
            # The partial draft's approach is saved as work in progress.
            completed=answered and not (spec.state == "partial" and section == Section.APPROACH),
            writer=writer,
            at=_at_most(at + timedelta(minutes=10 * (offset + 1)), now),
        )
    confirm_at = _at_most(at + timedelta(days=1), now)
    if spec.state in ("awaiting", "ready", "submitted"):
        partners = list(application.partners.select_related("organisation"))
        waiting = None
        if spec.state == "awaiting" and partners:
            # Hackney's own confirmation is left for its demo admin to give, from the email.
            waiting = next((p for p in partners if _is_hackney(p.organisation, bidders)), None)
            waiting = waiting or partners[-1]
        for partner in partners:
            if partner != waiting:
                partner_services.application_partner_confirm(
                    token=_confirmation_token(partner), now=confirm_at
                )
    if spec.state == "submitted":
        submission_services.application_submit(
            application=application,
            submitted_by=writer,
            now=_at_most(confirm_at + timedelta(days=1), now),
        )
    elif spec.state == "withdrawn":
        submission_services.application_withdraw(
            application=application, withdrawn_by=writer, reason=spec.reason, now=confirm_at
        )
    made.applications += 1


def _is_hackney(organisation: Organisation, bidders: Bidders) -> bool:
    return bidders.hackney is not None and organisation.pk == bidders.hackney.pk


def _section_values(spec: ApplicationSpec, *, lead: Organisation) -> dict[str, dict[str, Any]]:
    """Return the answers for each section of ``spec``'s application."""
    name, job_title = STAKEHOLDERS[len(spec.title) % len(STAKEHOLDERS)]
    email_name = name.lower().replace(" ", ".")
    return {
        Section.PROBLEM: {"title": spec.title, "problem": spec.problem, "evidence": spec.evidence},
        Section.USERS: {"users_and_needs": spec.users},
        Section.APPROACH: {"approach": spec.approach, "phase": spec.phase},
        Section.OUTPUTS: {
            "outputs": spec.outputs,
            "output_types": [OutputType.CODE, OutputType.RESEARCH, OutputType.PATTERNS],
            "reuse": (
                "We will work in the open: weeknotes on our blog, code on GitHub under an "
                "open licence, and show and tells that any council can join."
            ),
        },
        Section.TEAM: {
            "team": (
                f"{lead.name} leads, with a delivery manager, a user researcher and a "
                "developer for the length of the phase, and a product owner from the service."
            )
        },
        Section.BUDGET: {"requested_amount": Decimal(spec.amount)},
        Section.STAKEHOLDER: {
            "stakeholder_name": name,
            "stakeholder_job_title": job_title,
            "stakeholder_email": f"{email_name}@{lead.slug}.{DEMO_DOMAIN}",
        },
    }


def _budget_lines(amount: Decimal) -> list[BudgetLineValue]:
    """Return budget lines that add up to ``amount``, in whole pounds."""
    lines = []
    left = amount
    for description, share in BUDGET_SHARES:
        part = left if share is None else (amount * share).quantize(Decimal(1))
        lines.append(BudgetLineValue(description=description, amount=part))
        left -= part
    return lines


def _section_save(
    application: Application,
    section: str,
    values: dict[str, Any],
    *,
    version: int,
    amount: Decimal,
    completed: bool,
    writer: User,
    at: datetime,
) -> None:
    """Save one section as its writer would, at the version it stands at."""
    roles = None
    if section == Section.TEAM:
        roles = {
            partner.pk: (
                f"{partner.organisation.name} brings its own service team and users to the "
                "research, tests what is made with them, and will adopt it."
            )
            for partner in application.partners.select_related("organisation")
        }
    section_services.application_section_save(
        application=application,
        section=section,
        values=values,
        completed=completed,
        version=version,
        saved_by=writer,
        budget_lines=_budget_lines(amount) if section == Section.BUDGET else None,
        partner_roles=roles,
        now=at,
    )


def _confirmation_token(partner: ApplicationPartner) -> str:
    """Return the token in the confirmation link just emailed to the partner's contact,
    as the contact would click it."""
    path = reverse("funding:partner-confirm")
    email = (
        OutgoingEmail.objects.filter(
            recipient=partner.contact_email,
            subject__startswith="Confirm that",
            body_text__contains=partner.application.reference,
        )
        .order_by("-pk")
        .first()
    )
    if email is not None:
        for word in email.body_text.split():
            if f"{path}?token=" in word:
                return parse_qs(urlsplit(word).query)["token"][0]
    raise ValueError(f"No confirmation link was emailed for {partner}.")
