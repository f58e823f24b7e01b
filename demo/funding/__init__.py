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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from declaration import selectors as declaration_selectors
from declaration.models import MembershipRole, Organisation, OrganisationType
from funding.models import (
    EoiStatus,
    ExpressionOfInterest,
    Fund,
    Round,
)
from funding.services import clustering
from funding.services import eois as eoi_services
from localdigital.accounts.models import User
from localdigital.mail.models import OutgoingEmail

from ..people import organisation_person
from .applications import _application_complete, _at_most, _seed_applications
from .awarding import Staff, open_round_assign, round_decide
from .rounds import (
    DEMO_COUNCIL_CODE,
    FUND_NAME,
    FUND_SLUG,
    FUND_SUMMARY,
    HACKNEY,
    HISTORIC_ROUNDS,
    _round_ensure,
    open_round_specs,
)
from .summary import _summary
from .texts import (
    BINS,
    CLUSTER_MESSAGE,
    CLUSTER_NOTES,
    HISTORIC_APPLICATIONS,
    OPEN_APPLICATIONS,
    ROUND_1_DECLINED,
    ROUND_5_EOIS,
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
            self.admins[organisation.pk] = organisation_person(organisation, MembershipRole.ADMIN)
        return self.admins[organisation.pk]

    def member(self, organisation: Organisation) -> User:
        """Return ``organisation``'s demo member, adding them the first time."""
        if organisation.pk not in self.members:
            self.members[organisation.pk] = organisation_person(organisation, MembershipRole.MEMBER)
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
