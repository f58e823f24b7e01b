"""Each funded project of the demo's rounds 1 to 4 after its announcement: the offer
answered, its planned dates, its payment schedule, its work started and finished, the
instalments paid, its team's progress updates and outputs, and in rounds 3 and 4 its
progress reports (``reporting``).

Every step goes through the Fund's services, at the time the team or the Fund would have
taken it. The payment schedule has no service: staff write it on the award's page in the
admin, as the demo writes it here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.utils import timezone

from funding.models import Award, AwardStatus, Instalment, Phase, ProjectOutput
from funding.services import awards as award_services
from funding.services.reporting import award_dates_set
from localdigital.accounts.models import User

from .outcomes import Outcome, Update
from .reporting import (
    Event,
    instalment_ties,
    milestones_agree,
    offer_payments,
    payment_event,
    reporting_events,
    reporting_for,
)
from .rounds import LONDON, london_at

if TYPE_CHECKING:
    from . import Bidders, Made
    from .awarding import Staff

# Instalments of a discovery (two) and of a longer phase (three), as shares of the award.
DISCOVERY_SHARES = (Decimal("0.5"), None)
LONGER_SHARES = (Decimal("0.4"), Decimal("0.3"), None)


def award_follow(
    award: Award,
    outcome: Outcome,
    *,
    staff: Staff,
    bidders: Bidders,
    announced: datetime,
    made: Made,
) -> None:
    """Take the award from offered to where ``outcome`` leaves it, from ``announced``."""
    lead = award.application.lead_organisation
    admin = bidders.admin(lead)
    answered_at = announced + timedelta(days=7)
    if outcome.award == AwardStatus.DECLINED:
        award_services.award_offer_decline(
            award=award, declined_by=admin, reason=outcome.decline_reason, now=answered_at
        )
        return
    if outcome.award == AwardStatus.OFFERED:
        return
    manager = staff.fund_manager
    starts_on = timezone.localdate(announced + timedelta(days=28), LONDON)
    ends_on = starts_on + timedelta(days=30 * outcome.months)
    # The fund manager sets the planned dates with the offer, so accepting it makes the
    # project's reports from its round's settings.
    award_dates_set(
        award=award,
        starts_on=starts_on,
        ends_on=ends_on,
        set_by=manager,
        now=announced + timedelta(hours=2),
    )
    award = award_services.award_offer_accept(award=award, accepted_by=admin, now=answered_at)
    instalments = _instalments_schedule(award, starts_on=starts_on, ends_on=ends_on)
    reporting = reporting_for(award)
    writer = bidders.writer(lead)
    events: list[Event] = []
    if outcome.award != AwardStatus.ACCEPTED:
        events += _work_events(
            award,
            outcome,
            instalments,
            reports=reporting is not None,
            manager=manager,
            bidders=bidders,
            starts_on=starts_on,
            made=made,
        )
    if reporting is not None:
        milestones_agree(award, reporting, starts_on=starts_on)
        events += reporting_events(
            award,
            reporting,
            manager=manager,
            writer=writer,
            outputs=outcome.outputs,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    # In the order they happened; of two at the same moment, the one listed first.
    for _moment, step in sorted(events, key=lambda event: event[0]):
        step()
    if reporting is not None:
        # Its reports published its outputs as they were accepted, and the final report's
        # acceptance completed it.
        made.outputs += ProjectOutput.objects.filter(award=award).count()
        return
    if outcome.award == AwardStatus.ACCEPTED:
        return
    for output in outcome.outputs:
        award_services.project_output_add(
            award=award,
            title=output.title,
            url=output.url(lead.slug),
            output_type=output.output_type,
            added_by=writer,
        )
        made.outputs += 1
    if outcome.award == AwardStatus.COMPLETED:
        award_services.award_complete(award=award, completed_by=manager, now=london_at(ends_on, 16))


def _work_events(
    award: Award,
    outcome: Outcome,
    instalments: list[Instalment],
    *,
    reports: bool,
    manager: User,
    bidders: Bidders,
    starts_on: date,
    made: Made,
) -> list[Event]:
    """Return the work started, the payments not tied to a report, and the team's updates,
    each at its time. A project that reports is paid its first instalment when the work
    starts (the others as its reports are accepted); one that does not, each instalment
    on its date, but for an active project's last."""
    started_at = london_at(starts_on, 9)
    events: list[Event] = [
        (
            started_at,
            partial(award_services.award_start, award=award, started_by=manager, now=started_at),
        )
    ]
    if reports:
        events += offer_payments(award, manager=manager, starts_on=starts_on)
    else:
        paid = instalments if outcome.award == AwardStatus.COMPLETED else instalments[:-1]
        events += [
            payment_event(instalment, manager=manager, at=london_at(instalment.due_on, 11))
            for instalment in paid
        ]
    for update in outcome.updates:
        posted_at = london_at(starts_on + timedelta(days=update.after), 15)
        events.append(
            (
                posted_at,
                partial(_update_post, award, update, bidders=bidders, now=posted_at, made=made),
            )
        )
    return events


def _update_post(
    award: Award, update: Update, *, bidders: Bidders, now: datetime, made: Made
) -> None:
    award_services.progress_update_post(
        award=award,
        title=update.title,
        body=update.body,
        posted_by=_poster(award, by_partner=update.by_partner, bidders=bidders),
        now=now,
    )
    made.updates += 1


def _instalments_schedule(award: Award, *, starts_on: date, ends_on: date) -> list[Instalment]:
    """Schedule the award's payments, as staff do on the award's page in the admin: half at
    the start and half at the end of a discovery; 40%, 30% and 30% over a longer phase. A
    project that reports has the first paid on the offer's acceptance and each of the others
    on a report's acceptance, the last on the final report's."""
    discovery = award.application.phase == Phase.DISCOVERY
    shares = DISCOVERY_SHARES if discovery else LONGER_SHARES
    step = (ends_on - starts_on) / (len(shares) - 1)
    ties = instalment_ties(award, len(shares))
    left = award.amount
    instalments = []
    for place, share in enumerate(shares):
        amount = left if share is None else (award.amount * share).quantize(Decimal(1))
        left -= amount
        instalments.append(
            Instalment.objects.create(
                award=award, due_on=starts_on + step * place, amount=amount, **ties[place]
            )
        )
    return instalments


def _poster(award: Award, *, by_partner: bool, bidders: Bidders) -> User:
    """Return who posts an update: the lead's writer, or a partner's when ``by_partner``."""
    if by_partner:
        partner = award.application.partners.select_related("organisation").order_by("pk").first()
        if partner is not None:
            return bidders.writer(partner.organisation)
    return bidders.writer(award.application.lead_organisation)
