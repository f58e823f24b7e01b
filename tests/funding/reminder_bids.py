"""The round the deadline reminders' tests use, its draft bids, and what they were sent.

Every run is given its time (``now=`` or the task's ``run_at``) rather than moving the clock.
The round has its expression of interest (EOI) close in British Summer Time and its application
close in Greenwich Mean Time, each at 5pm London time.
"""

from __future__ import annotations

import datetime
from typing import Any

from funding import tasks
from funding.models import (
    Application,
    ApplicationChange,
    DeadlineReminder,
    EoiChange,
    ExpressionOfInterest,
    Round,
)
from localdigital.accounts.models import User
from localdigital.mail.models import OutgoingEmail
from tests.funding.factories import (
    ApplicationFactory,
    EoiFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)
from tests.support.times import london

DAY = datetime.timedelta(days=1)


HOUR = datetime.timedelta(hours=1)


SECOND = datetime.timedelta(seconds=1)


# Sunday 5 October 2025 is in British Summer Time; Tuesday 18 November 2025 is in GMT.
EOI_OPENS = london(2025, 9, 1, 9)


EOI_CLOSES = london(2025, 10, 5, 17)


APPLICATIONS_OPEN = london(2025, 10, 15, 9)


APPLICATIONS_CLOSE = london(2025, 11, 18, 17)


def make_round(*, eoi_stage: bool = True, **fields: Any) -> Round:
    """A published round with reminders 7 and 1 days before each close."""
    defaults: dict[str, Any] = {
        "eoi_opens_at": EOI_OPENS if eoi_stage else None,
        "eoi_closes_at": EOI_CLOSES if eoi_stage else None,
        "applications_open_at": APPLICATIONS_OPEN,
        "applications_close_at": APPLICATIONS_CLOSE,
        "decisions_announced_at": london(2025, 12, 3, 10),
        "reminder_offsets_days": [7, 1],
    }
    return RoundFactory.create(**{**defaults, **fields})


def person(organisation, email: str, **kwargs: Any) -> User:
    return member_of(organisation, user__email=email, **kwargs)


def application_draft(round: Round, *, slug: str = "hackney", **fields: Any) -> Application:
    """A draft application led by ``slug``, started by creator@<slug>.gov.uk."""
    lead = SignatoryFactory.create(slug=slug, name=f"{slug.title()} Council")
    return ApplicationFactory.create(
        round=round,
        lead_organisation=lead,
        created_by=person(lead, f"creator@{slug}.gov.uk"),
        title=fields.pop("title", "Joined-up missed bin reports"),
        **fields,
    )


def eoi_draft(round: Round, *, slug: str = "hackney", **fields: Any) -> ExpressionOfInterest:
    """A draft EOI led by ``slug``, started by creator@<slug>.gov.uk."""
    lead = SignatoryFactory.create(slug=slug, name=f"{slug.title()} Council")
    return EoiFactory.create(
        round=round,
        lead_organisation=lead,
        created_by=person(lead, f"creator@{slug}.gov.uk"),
        title=fields.pop("title", "Reporting a missed bin collection online"),
        **fields,
    )


def saved_by(bid: Application | ExpressionOfInterest, user: User | None) -> None:
    """Record that ``user`` saved the bid, as the services' history does."""
    if isinstance(bid, Application):
        ApplicationChange.objects.create(
            application=bid, section="problem", description="Saved the problem", changed_by=user
        )
    else:
        EoiChange.objects.create(eoi=bid, changed_by=user, description="Saved the draft")


def run(now: datetime.datetime, capture) -> int:
    """Run the beat task for ``now``, and the tasks it queues on commit; return how many it
    queued."""
    with capture(execute=True):
        return tasks.send_deadline_reminders(now.isoformat())


def emailed() -> list[tuple[str, str]]:
    """Return (recipient, subject) of every email in the outbox, sorted."""
    return sorted(OutgoingEmail.objects.values_list("recipient", "subject"))


def reminded() -> list[tuple[str, int | None, int | None, int]]:
    """Return (recipient, EOI id, application id, offset) of every reminder record, sorted."""
    return sorted(
        DeadlineReminder.objects.values_list(
            "recipient__email", "eoi_id", "application_id", "offset_days"
        )
    )


def application_subject(days: int, round: Round) -> str:
    plural = "s" if days != 1 else ""
    return f"{days} day{plural} left to submit your application to {round.name}"


def eoi_subject(days: int, round: Round) -> str:
    plural = "s" if days != 1 else ""
    return f"{days} day{plural} left to submit your expression of interest to {round.name}"
