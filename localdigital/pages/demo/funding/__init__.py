"""Demo data for the Local Digital Fund: the Fund, rounds 1 to 4 as the programme ran them,
two rounds open now (one with an expression of interest stage, one without), and bids in
every state the applicant's side has.

Rounds 1 to 4 are then assessed, decided and announced, each before the next round's bids
(rounds 2 and 4 take only follow-ons of projects the round before funded), and their awards
taken through offers, payments and work, with their teams' progress updates and outputs
(see ``awarding``). The round open for applications has submitted bids for staff to assess.

Rounds, their phase caps, criteria and questions are written directly, as staff configure
them in the admin; every bid goes through the Fund's services, with ``now`` set inside the
round's window, as the applicants and staff of the time would have done it. The emails those
services queue stay in the outbox, as the signatories' do, for the worker to print.

A round is made once, by its slug, with its bids; running the seed again, even days later,
leaves every round that exists as it is and adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

from declaration import selectors as declaration_selectors
from declaration.models import MembershipRole, Organisation, OrganisationType
from declaration.services import memberships
from funding import formats, rules
from funding.models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Award,
    AwardStatus,
    Decision,
    DecisionOutcome,
    EoiCluster,
    EoiStatus,
    ExpressionOfInterest,
    Fund,
    Instalment,
    OutputType,
    ProgressUpdate,
    ProjectOutput,
    Round,
    Section,
)
from funding.services import applications_partners as partner_services
from funding.services import applications_sections as section_services
from funding.services import applications_start as start_services
from funding.services import applications_submission as submission_services
from funding.services import clustering
from funding.services import eois as eoi_services
from funding.services.applications import BudgetLineValue
from localdigital.accounts import services as account_services
from localdigital.accounts.models import User
from localdigital.mail.models import OutgoingEmail

from .awarding import Staff, open_round_assign, round_decide
from .rounds import (
    DEMO_COUNCIL_CODE,
    DEMO_DOMAIN,
    FUND_NAME,
    FUND_SLUG,
    FUND_SUMMARY,
    HACKNEY,
    HISTORIC_ROUNDS,
    _round_ensure,
    open_round_specs,
)
from .texts import (
    BINS,
    BUDGET_SHARES,
    CLUSTER_MESSAGE,
    CLUSTER_NOTES,
    HISTORIC_APPLICATIONS,
    OPEN_APPLICATIONS,
    ROUND_1_DECLINED,
    ROUND_5_EOIS,
    STAKEHOLDERS,
    ApplicationSpec,
    EoiSpec,
)

# --- Who bids --------------------------------------------------------------------------------


@dataclass
class Bidders:
    """The published signatory councils the demo's bids are made by, and their people.

    ``councils`` excludes the demo council (Hackney), whose own users write its bids; the
    others' bids are written by each council's demo "Digital team" member, the same person
    the signatories demo posts their updates as.
    """

    hackney: Organisation | None
    councils: list[Organisation]
    council_member: User
    council_admin: User
    members: dict[int, User] = field(default_factory=dict)
    admins: dict[int, User] = field(default_factory=dict)

    @property
    def leads(self) -> list[Organisation]:
        return [*([self.hackney] if self.hackney else []), *self.councils]

    def lead(self, index: int) -> Organisation:
        """Return the lead for a spec's ``lead``: HACKNEY, or a place among the councils
        (counted round again when there are fewer)."""
        if index == HACKNEY and self.hackney is not None:
            return self.hackney
        if not self.councils:
            return self.leads[0]
        return self.councils[max(index, 0) % len(self.councils)]

    def partners(
        self, lead: Organisation, *, count: int, with_hackney: bool = False
    ) -> list[Organisation]:
        """Return up to ``count`` councils after ``lead`` in turn (and Hackney, if asked):
        fewer when the demo has too few signatories."""
        start = self.councils.index(lead) + 1 if lead in self.councils else 0
        turn = self.councils[start:] + self.councils[:start]
        chosen = [council for council in turn if council.pk != lead.pk][:count]
        if with_hackney and self.hackney is not None and lead.pk != self.hackney.pk:
            chosen.append(self.hackney)
        return chosen

    def writer(self, organisation: Organisation, *, admin: bool = False) -> User:
        """Return who writes ``organisation``'s bids: a Hackney demo user, or its demo member."""
        if self.hackney is not None and organisation.pk == self.hackney.pk:
            return self.council_admin if admin else self.council_member
        return self.member(organisation)

    def admin(self, organisation: Organisation) -> User:
        """Return ``organisation``'s demo admin, who answers its grant offers: Hackney's
        demo admin, or the council's demo "Head of digital", added the first time."""
        if self.hackney is not None and organisation.pk == self.hackney.pk:
            return self.council_admin
        if organisation.pk not in self.admins:
            self.admins[organisation.pk] = _demo_admin(organisation)
        return self.admins[organisation.pk]

    def member(self, organisation: Organisation) -> User:
        """Return ``organisation``'s demo member, adding them the first time."""
        if organisation.pk not in self.members:
            self.members[organisation.pk] = _demo_member(organisation)
        return self.members[organisation.pk]

    def contact(self, organisation: Organisation) -> tuple[str, str]:
        """Return the name and email of ``organisation``'s contact as a partner."""
        if self.hackney is not None and organisation.pk == self.hackney.pk:
            return self.council_admin.full_name, self.council_admin.email
        member = self.member(organisation)
        return member.full_name, member.email


def _bidders(*, council_member: User, council_admin: User) -> Bidders:
    """Return the published signatory councils of the demo, whatever register it loaded."""
    signatories = (
        declaration_selectors.organisations_active()
        .filter(declaration_selectors.is_signatory_expression())
        .filter(organisation_type__in=OrganisationType.local_authority_types())
        .order_by("name")
    )
    hackney = next((o for o in signatories if o.register_code == DEMO_COUNCIL_CODE), None)
    return Bidders(
        hackney=hackney,
        councils=[o for o in signatories if o.register_code != DEMO_COUNCIL_CODE],
        council_member=council_member,
        council_admin=council_admin,
    )


def _demo_member(organisation: Organisation) -> User:
    """Return the organisation's demo member, adding them if new (as the signatories demo
    does, with the same address, so it is the same person)."""
    user = account_services.council_user_ensure(
        email=f"digital.team@{organisation.slug}.{DEMO_DOMAIN}", full_name="Digital team"
    )
    if declaration_selectors.membership_get(user=user, organisation=organisation) is None:
        memberships.membership_add(
            organisation=organisation, user=user, role=MembershipRole.MEMBER, added_by=None
        )
    return user


def _demo_admin(organisation: Organisation) -> User:
    """Return the organisation's demo admin, adding them if new."""
    user = account_services.council_user_ensure(
        email=f"head.of.digital@{organisation.slug}.{DEMO_DOMAIN}", full_name="Head of digital"
    )
    if declaration_selectors.membership_get(user=user, organisation=organisation) is None:
        memberships.membership_add(
            organisation=organisation, user=user, role=MembershipRole.ADMIN, added_by=None
        )
    return user


@dataclass
class Made:
    """What this run made, for the summary lines."""

    rounds: list[str] = field(default_factory=list)
    eois: int = 0
    applications: int = 0
    assessments: int = 0
    decisions: int = 0
    awards: int = 0
    updates: int = 0
    outputs: int = 0


def seed(
    *,
    fund_manager: User,
    assessors: Sequence[User],
    council_member: User,
    council_admin: User,
) -> list[str]:
    """Create the Fund, its rounds and bids in every state; return what was done, as lines.

    ``fund_manager`` does staff's part (clusters, introductions, invitations, a decline, and
    in rounds 1 to 4 assessment, decisions and awards); ``assessors`` score the bids of
    rounds 1 to 4 and are assigned some in the round open now. The demo council's
    ``council_member`` and ``council_admin`` write its bids, and the admin answers its grant
    offers, so that either of them sees a populated dashboard.
    """
    now = timezone.now()
    emails_before = OutgoingEmail.objects.count()
    fund, _ = Fund.objects.get_or_create(
        slug=FUND_SLUG, defaults={"name": FUND_NAME, "summary": FUND_SUMMARY}
    )
    bidders = _bidders(council_member=council_member, council_admin=council_admin)
    staff = Staff(fund_manager=fund_manager, assessors=assessors)
    historic = {spec.number for spec in HISTORIC_ROUNDS}
    made = Made()
    for spec in [*HISTORIC_ROUNDS, *open_round_specs(now)]:
        round, created = _round_ensure(spec, fund=fund)
        if not created:
            continue
        made.rounds.append(round.name)
        if not bidders.leads:
            continue
        if round.number == 1:
            _seed_round_1(round, bidders=bidders, fund_manager=fund_manager, now=now, made=made)
        elif round.number == 5:
            _seed_eoi_round(round, bidders=bidders, fund_manager=fund_manager, now=now, made=made)
        elif round.number == 6:
            _seed_applications(round, OPEN_APPLICATIONS, bidders=bidders, now=now, made=made)
            open_round_assign(round, staff=staff, now=now, made=made)
        else:
            _seed_applications(
                round, HISTORIC_APPLICATIONS[round.number], bidders=bidders, now=now, made=made
            )
        if round.number in historic:
            # Decided and announced before the next round's bids, which may follow on.
            round_decide(round, staff=staff, bidders=bidders, made=made)
    emails = OutgoingEmail.objects.count() - emails_before
    return _summary(fund=fund, made=made, now=now, emails=emails)


def _summary(*, fund: Fund, made: Made, now: datetime, emails: int) -> list[str]:
    rounds = list(fund.rounds.order_by("number"))
    lines = [
        f"{fund.name}: {len(rounds)} rounds ("
        + (f"made now: {', '.join(made.rounds)}" if made.rounds else "none made now")
        + "; rounds that exist are left as they are)."
    ]
    for round in rounds:
        if round.is_eoi_open_at(now) and round.eoi_closes_at is not None:
            lines.append(
                f"  {round.name} takes expressions of interest until "
                f"{formats.date_and_time(round.eoi_closes_at)}."
            )
        elif round.is_applications_open_at(now):
            lines.append(
                f"  {round.name} takes applications until "
                f"{formats.date_and_time(round.applications_close_at)}."
            )
    eois = Counter(ExpressionOfInterest.objects.values_list("status", flat=True))
    applications = Counter(Application.objects.values_list("status", flat=True))
    eoi_states = ", ".join(f"{eois[s]} {EoiStatus(s).label.lower()}" for s in EoiStatus)
    application_states = ", ".join(
        f"{applications[s]} {ApplicationStatus(s).label.lower()}" for s in ApplicationStatus
    )
    return [
        *lines,
        f"Expressions of interest: {eois.total()} ({eoi_states}), "
        f"{EoiCluster.objects.count()} clusters; {made.eois} made now.",
        f"Applications: {applications.total()} ({application_states}); "
        f"{made.applications} made now.",
        *_outcome_lines(fund=fund, made=made),
        f"Emails queued now by the Fund's services, for the worker to send: {emails}.",
    ]


def _outcome_lines(*, fund: Fund, made: Made) -> list[str]:
    """Return the summary lines about assessment, decisions and awards."""
    assessments = Counter(
        Assessment.objects.filter(application__round__fund=fund).values_list("status", flat=True)
    )
    assessment_states = ", ".join(
        f"{assessments[s]} {AssessmentStatus(s).label.lower()}" for s in AssessmentStatus
    )
    decisions = Counter(
        Decision.objects.filter(application__round__fund=fund)
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    decision_states = ", ".join(
        f"{decisions[s]} {DecisionOutcome(s).label.lower()}" for s in DecisionOutcome
    )
    announced = fund.rounds.filter(announced_at__isnull=False).count()
    awards = Award.objects.filter(application__round__fund=fund)
    award_states = Counter(awards.values_list("status", flat=True))
    award_state_text = ", ".join(
        f"{award_states[s]} {AwardStatus(s).label.lower()}" for s in AwardStatus
    )
    instalments = Instalment.objects.filter(award__in=awards)
    return [
        f"Assessments: {assessments.total()} ({assessment_states}); {made.assessments} made now.",
        f"Decisions: {decisions.total()} ({decision_states}), in {announced} announced "
        f"rounds; {made.decisions} made now.",
        f"Awards: {awards.count()} ({award_state_text}), with {instalments.count()} "
        f"instalments ({instalments.filter(paid_at__isnull=False).count()} paid), "
        f"{ProgressUpdate.objects.filter(award__in=awards).count()} progress updates and "
        f"{ProjectOutput.objects.filter(award__in=awards).count()} outputs; {made.awards} "
        f"awards, {made.updates} updates and {made.outputs} outputs made now.",
    ]


def _at_most(moment: datetime, now: datetime) -> datetime:
    """Return ``moment``, or ``now`` if it is later: nothing the demo does is in the future."""
    return min(moment, now)


def _seed_round_1(
    round: Round, *, bidders: Bidders, fund_manager: User, now: datetime, made: Made
) -> None:
    """Round 1, as it ran: EOIs, staff's invitations and a decline, then the invited
    applications completed, confirmed by their partners and submitted."""
    assert round.eoi_opens_at is not None and round.eoi_closes_at is not None
    specs = HISTORIC_APPLICATIONS[1]
    staff_at = round.eoi_closes_at + timedelta(days=3, hours=10)
    for index, spec in enumerate(specs):
        at = round.eoi_opens_at + timedelta(days=3, hours=index * 5)
        eoi_spec = EoiSpec(
            spec.title,
            spec.problem,
            spec.phase,
            spec.amount,
            status=EoiStatus.INVITED,
            lead=spec.lead,
            partners=spec.partners,
        )
        eoi = _eoi_make(round, eoi_spec, bidders=bidders, at=at, now=now, made=made)
        if eoi.status != EoiStatus.SUBMITTED:
            continue
        application = clustering.eoi_invite(eoi=eoi, invited_by=fund_manager, now=staff_at)
        _application_complete(
            application,
            spec,
            bidders=bidders,
            at=round.applications_open_at + timedelta(days=2, hours=index * 3),
            now=now,
            made=made,
        )
    at = round.eoi_opens_at + timedelta(days=5)
    declined = _eoi_make(round, ROUND_1_DECLINED, bidders=bidders, at=at, now=now, made=made)
    if declined.status == EoiStatus.SUBMITTED:
        clustering.eoi_decline(
            eoi=declined, feedback=ROUND_1_DECLINED.feedback, declined_by=fund_manager, now=staff_at
        )


def _seed_eoi_round(
    round: Round, *, bidders: Bidders, fund_manager: User, now: datetime, made: Made
) -> None:
    """The round taking EOIs now: about 30 of them, some grouped into clusters (one of which
    staff have introduced), one declined and one invited, which makes its application."""
    assert round.eoi_opens_at is not None
    eois = []
    for index, spec in enumerate(ROUND_5_EOIS):
        at = _at_most(round.eoi_opens_at + timedelta(hours=6 + index * 7), now)
        eoi = _eoi_make(round, spec, bidders=bidders, at=at, now=now, made=made, turn=index)
        eois.append((spec, eoi))
    for name, notes in CLUSTER_NOTES.items():
        members = [
            eoi for spec, eoi in eois if spec.cluster == name and eoi.status == EoiStatus.SUBMITTED
        ]
        if len(members) < 2:
            continue
        cluster = clustering.cluster_create(
            round=round, name=name, notes=notes, created_by=fund_manager
        )
        clustering.eois_cluster_assign(eois=members, cluster=cluster, assigned_by=fund_manager)
        contacts = {eoi.created_by_id for eoi in members}
        if name == BINS and len(contacts) >= 2:
            clustering.cluster_message_send(
                cluster=cluster,
                subject="Introducing councils with the same problem: missed bin collections",
                body=CLUSTER_MESSAGE,
                sent_by=fund_manager,
            )
    for spec, eoi in eois:
        if eoi.status != EoiStatus.SUBMITTED:
            continue
        if spec.status == EoiStatus.DECLINED:
            clustering.eoi_decline(
                eoi=eoi, feedback=spec.feedback, declined_by=fund_manager, now=now
            )
        elif spec.status == EoiStatus.INVITED:
            clustering.eoi_invite(eoi=eoi, invited_by=fund_manager, now=now)
            made.applications += 1


def _eoi_make(
    round: Round,
    spec: EoiSpec,
    *,
    bidders: Bidders,
    at: datetime,
    now: datetime,
    made: Made,
    turn: int = 0,
) -> ExpressionOfInterest:
    """Write the EOI as its lead's writer would, from ``at``: start, details, partners, and
    submit (or withdraw) it unless ``spec`` leaves it a draft. One that cannot meet the
    round's partner minimum, for want of signatories, stays a draft."""
    lead = bidders.lead(turn if spec.lead is None else spec.lead)
    writer = bidders.writer(lead, admin=spec.by_admin)
    eoi = eoi_services.eoi_start(round=round, lead_organisation=lead, started_by=writer, now=at)
    if spec.title or spec.problem or spec.phase or spec.cost:
        eoi = eoi_services.eoi_details_save(
            eoi=eoi,
            title=spec.title,
            problem=spec.problem,
            phase=spec.phase,
            estimated_cost=Decimal(spec.cost) if spec.cost else None,
            saved_by=writer,
            now=_at_most(at + timedelta(minutes=10), now),
        )
    partners = bidders.partners(lead, count=spec.partners, with_hackney=spec.with_hackney)
    for partner in partners:
        eoi_services.eoi_partner_add(
            eoi=eoi,
            organisation=partner,
            added_by=writer,
            now=_at_most(at + timedelta(minutes=20), now),
        )
    made.eois += 1
    enough = len(partners) + 1 >= round.min_participants
    if spec.status == EoiStatus.DRAFT or not enough:
        return eoi
    eoi = eoi_services.eoi_submit(
        eoi=eoi, submitted_by=writer, now=_at_most(at + timedelta(hours=1), now)
    )
    if spec.status == EoiStatus.WITHDRAWN:
        eoi = eoi_services.eoi_withdraw(
            eoi=eoi, withdrawn_by=writer, now=_at_most(at + timedelta(days=1), now)
        )
    return eoi


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
