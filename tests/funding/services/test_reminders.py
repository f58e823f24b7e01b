"""Deadline reminders to the people writing unsubmitted EOIs and applications.

Every run is given its time (``now=`` or the task's ``run_at``) rather than moving the clock.
The round used throughout has its expression of interest (EOI) close in British Summer Time
and its application close in Greenwich Mean Time, each at 5pm London time.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from funding import tasks
from funding.models import (
    Application,
    ApplicationChange,
    ApplicationStatus,
    DeadlineReminder,
    EoiChange,
    ExpressionOfInterest,
    Round,
)
from funding.services import reminders
from funding.services.reminders import (
    APPLICATION,
    EOI,
    DueReminder,
    deadline_reminder_send,
    deadline_reminders_queue,
    is_due,
)
from localdigital.accounts.models import User
from localdigital.audit.models import AuditEvent
from localdigital.celery import app as celery_app
from localdigital.locks import lock_key
from localdigital.mail.models import EmailStatus, OutgoingEmail
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    EoiFactory,
    EoiPartnerFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


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


class TestIsDue:
    """When a reminder may go: from its moment, for a day, and never from the close on."""

    CLOSE = APPLICATIONS_CLOSE

    @pytest.mark.parametrize(
        ("now", "offset", "expected"),
        [
            (CLOSE - 7 * DAY - SECOND, 7, False),
            (CLOSE - 7 * DAY, 7, True),
            (CLOSE - 6 * DAY - SECOND, 7, True),
            (CLOSE - 6 * DAY, 7, False),
            (CLOSE - 3 * DAY, 7, False),
            (CLOSE - DAY - SECOND, 1, False),
            (CLOSE - DAY, 1, True),
            (CLOSE - SECOND, 1, True),
            (CLOSE, 1, False),
            (CLOSE + HOUR, 1, False),
        ],
    )
    def test_due_from_its_moment_for_a_day(self, now, offset, expected):
        assert is_due(closes_at=self.CLOSE, offset_days=offset, now=now) is expected

    def test_never_due_at_or_after_the_close_however_long_the_window(self, settings):
        """With a two-day window, the 1-day reminder still stops at the close."""
        settings.FUNDING_REMINDER_LATEST = 2 * DAY
        assert is_due(closes_at=self.CLOSE, offset_days=1, now=self.CLOSE - SECOND)
        assert not is_due(closes_at=self.CLOSE, offset_days=1, now=self.CLOSE)
        assert not is_due(closes_at=self.CLOSE, offset_days=1, now=self.CLOSE + HOUR)
        # The 7-day reminder, though, is now due for two days.
        assert is_due(closes_at=self.CLOSE, offset_days=7, now=self.CLOSE - 5 * DAY - SECOND)

    def test_window_follows_the_setting(self, settings):
        settings.FUNDING_REMINDER_LATEST = 2 * HOUR
        assert is_due(closes_at=self.CLOSE, offset_days=7, now=self.CLOSE - 7 * DAY + HOUR)
        assert not is_due(closes_at=self.CLOSE, offset_days=7, now=self.CLOSE - 7 * DAY + 2 * HOUR)


@pytest.mark.django_db
class TestDeadlineReminders:
    """The beat job, end to end: which bids are reminded, of what, whom, and how often."""

    def test_emails_the_creator_and_everyone_who_saved_the_application(
        self, django_capture_on_commit_callbacks
    ):
        """Collaborators from the lead and a partner who saved it are emailed; a member who
        never touched it is not, nor is an anonymous change (an account since deleted)."""
        round = make_round()
        application = application_draft(round)
        partner = ApplicationPartnerFactory.create(
            application=application,
            organisation=SignatoryFactory.create(slug="camden", name="Camden Council"),
        ).organisation
        colleague = person(application.lead_organisation, "colleague@hackney.gov.uk")
        partner_editor = person(partner, "editor@camden.gov.uk")
        person(application.lead_organisation, "bystander@hackney.gov.uk")
        person(partner, "bystander@camden.gov.uk")
        saved_by(application, colleague)
        saved_by(application, partner_editor)
        saved_by(application, partner_editor)
        saved_by(application, application.created_by)
        saved_by(application, None)

        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1

        subject = application_subject(7, round)
        assert emailed() == [
            ("colleague@hackney.gov.uk", subject),
            ("creator@hackney.gov.uk", subject),
            ("editor@camden.gov.uk", subject),
        ]
        assert reminded() == [
            ("colleague@hackney.gov.uk", None, application.pk, 7),
            ("creator@hackney.gov.uk", None, application.pk, 7),
            ("editor@camden.gov.uk", None, application.pk, 7),
        ]
        assert sorted(message.to[0] for message in mail.outbox) == [
            "colleague@hackney.gov.uk",
            "creator@hackney.gov.uk",
            "editor@camden.gov.uk",
        ]
        assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}

    def test_the_email_says_what_closes_when_and_links_to_the_bid(
        self, django_capture_on_commit_callbacks
    ):
        round = make_round(name="Local Digital Fund round 7")
        application = application_draft(round, title="Tenants' repairs & damp")

        run(APPLICATIONS_CLOSE - DAY + HOUR, django_capture_on_commit_callbacks)

        email = OutgoingEmail.objects.get()
        assert email.subject == (
            "1 day left to submit your application to Local Digital Fund round 7"
        )
        # A plain-text email: nothing is HTML-escaped.
        assert f"{application.reference}: Tenants' repairs & damp" in email.body_text
        # 5pm GMT: the deadline is said in London time.
        assert "5pm on Tuesday 18 November 2025" in email.body_text
        detail = reverse("funding:application-detail", args=[application.reference])
        assert f"{settings.SITE_URL}{detail}" in email.body_text
        assert "Local Digital Fund round 7" in email.body_text
        assert email.idempotency_key == (
            f"funding.reminder.application.{application.pk}.1.{application.created_by_id}"
        )

    def test_records_an_audit_event_per_bid_and_offset(self, django_capture_on_commit_callbacks):
        round = make_round()
        application = application_draft(round)
        saved_by(application, person(application.lead_organisation, "colleague@hackney.gov.uk"))

        run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks)

        event = AuditEvent.objects.get(verb="funding.application.deadline_reminded")
        assert event.actor is None
        assert event.target_object_id == str(application.pk)
        assert event.data == {"offset_days": 7, "recipients": 2}

    def test_sends_once_when_run_twice(self, django_capture_on_commit_callbacks):
        """The same run time again, and later runs within the day, send nothing more."""
        round = make_round()
        application = application_draft(round)
        saved_by(application, person(application.lead_organisation, "colleague@hackney.gov.uk"))
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR

        assert run(now, django_capture_on_commit_callbacks) == 1
        assert run(now, django_capture_on_commit_callbacks) == 0
        assert run(now + 6 * HOUR, django_capture_on_commit_callbacks) == 0
        assert run(now + 22 * HOUR, django_capture_on_commit_callbacks) == 0

        assert OutgoingEmail.objects.count() == 2
        assert len(mail.outbox) == 2
        assert DeadlineReminder.objects.count() == 2
        assert AuditEvent.objects.filter(verb="funding.application.deadline_reminded").count() == 1

    def test_sends_once_when_the_same_reminder_task_runs_twice(
        self, django_capture_on_commit_callbacks
    ):
        """A task delivered twice (acks_late) finds the first one's records, and sends nothing."""
        application = application_draft(make_round())
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
        with django_capture_on_commit_callbacks(execute=True):
            first = deadline_reminder_send(
                kind=APPLICATION, bid_id=application.pk, offset_days=7, now=now
            )
            second = deadline_reminder_send(
                kind=APPLICATION, bid_id=application.pk, offset_days=7, now=now
            )
            third = tasks.send_deadline_reminder(APPLICATION, application.pk, 7, now.isoformat())
        assert [record.recipient for record in first] == [application.created_by]
        assert second == []
        assert third == 0
        assert OutgoingEmail.objects.count() == 1
        assert len(mail.outbox) == 1

    def test_each_offset_is_sent_once_to_each_recipient(self, django_capture_on_commit_callbacks):
        round = make_round()
        application = application_draft(round)
        saved_by(application, person(application.lead_organisation, "colleague@hackney.gov.uk"))

        for now in (
            APPLICATIONS_CLOSE - 7 * DAY + HOUR,
            APPLICATIONS_CLOSE - 7 * DAY + 2 * HOUR,
            APPLICATIONS_CLOSE - 3 * DAY,  # between the two: nothing due
            APPLICATIONS_CLOSE - DAY,
            APPLICATIONS_CLOSE - DAY + HOUR,
            APPLICATIONS_CLOSE - SECOND,
        ):
            run(now, django_capture_on_commit_callbacks)

        assert emailed() == [
            ("colleague@hackney.gov.uk", application_subject(1, round)),
            ("colleague@hackney.gov.uk", application_subject(7, round)),
            ("creator@hackney.gov.uk", application_subject(1, round)),
            ("creator@hackney.gov.uk", application_subject(7, round)),
        ]
        assert [offset for *_, offset in reminded()] == [1, 7, 1, 7]

    def test_one_email_per_bid_for_someone_writing_two(self, django_capture_on_commit_callbacks):
        """Two drafts by the same person: one email for each, never one merged or doubled."""
        round = make_round()
        first = application_draft(round)
        second = ApplicationFactory.create(
            round=round,
            lead_organisation=first.lead_organisation,
            created_by=first.created_by,
            title="Shared housing repairs",
        )
        saved_by(second, first.created_by)  # the creator also saved it: still one email

        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 2

        assert sorted(DeadlineReminder.objects.values_list("application_id", flat=True)) == sorted(
            [first.pk, second.pk]
        )
        bodies = sorted(OutgoingEmail.objects.values_list("body_text", flat=True))
        assert len(bodies) == 2
        assert sum(first.reference in body for body in bodies) == 1
        assert sum(second.reference in body for body in bodies) == 1

    def test_many_bids_each_get_their_reminder(self, django_capture_on_commit_callbacks):
        round = make_round()
        drafts = [application_draft(round, slug=f"council-{n}") for n in range(5)]
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 5
        assert emailed() == sorted(
            (f"creator@council-{n}.gov.uk", application_subject(7, round)) for n in range(5)
        )
        assert {bid for _, _, bid, _ in reminded()} == {draft.pk for draft in drafts}


@pytest.mark.django_db
class TestEoiAndApplicationCloses:
    """The same job reminds EOIs of the EOI close and applications of the application close."""

    def test_reminds_an_eoi_of_the_eoi_close(self, django_capture_on_commit_callbacks):
        round = make_round()
        eoi = eoi_draft(round)
        partner = SignatoryFactory.create(slug="camden", name="Camden Council")
        EoiPartnerFactory.create(eoi=eoi, organisation=partner)
        saved_by(eoi, person(partner, "editor@camden.gov.uk"))
        saved_by(eoi, person(eoi.lead_organisation, "colleague@hackney.gov.uk"))

        assert run(EOI_CLOSES - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1

        subject = eoi_subject(7, round)
        assert emailed() == [
            ("colleague@hackney.gov.uk", subject),
            ("creator@hackney.gov.uk", subject),
            ("editor@camden.gov.uk", subject),
        ]
        assert {(eoi_id, application_id) for _, eoi_id, application_id, _ in reminded()} == {
            (eoi.pk, None)
        }
        email = OutgoingEmail.objects.filter(recipient="creator@hackney.gov.uk").get()
        # 5pm British Summer Time, said in London time.
        assert "5pm on Sunday 5 October 2025" in email.body_text
        detail = reverse("funding:eoi-detail", args=[eoi.reference])
        assert f"{settings.SITE_URL}{detail}" in email.body_text
        assert email.idempotency_key == (f"funding.reminder.eoi.{eoi.pk}.7.{eoi.created_by_id}")
        assert AuditEvent.objects.filter(verb="funding.eoi.deadline_reminded").count() == 1

    def test_each_close_reminds_only_its_own_kind(self, django_capture_on_commit_callbacks):
        """At the EOI reminders only the EOI is reminded; at the application reminders only
        the application, though the EOI is still a draft (its close has passed)."""
        round = make_round()
        eoi = eoi_draft(round, slug="hackney")
        application = application_draft(round, slug="camden")

        assert run(EOI_CLOSES - DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert reminded() == [("creator@hackney.gov.uk", eoi.pk, None, 1)]

        assert run(APPLICATIONS_CLOSE - DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert reminded() == [
            ("creator@camden.gov.uk", None, application.pk, 1),
            ("creator@hackney.gov.uk", eoi.pk, None, 1),
        ]
        assert emailed() == [
            ("creator@camden.gov.uk", application_subject(1, round)),
            ("creator@hackney.gov.uk", eoi_subject(1, round)),
        ]

    def test_both_closes_due_in_one_run(self, django_capture_on_commit_callbacks):
        """A round whose EOI and application reminders fall in the same run sends both."""
        round = make_round(
            applications_close_at=EOI_CLOSES + 10 * DAY,
            reminder_offsets_days=[11, 1],
            decisions_announced_at=EOI_CLOSES + 40 * DAY,
            applications_open_at=EOI_CLOSES,
        )
        eoi = eoi_draft(round, slug="hackney")
        application = application_draft(round, slug="camden")
        # The EOI close's 1-day reminder and the application close's 11-day one coincide.
        assert run(EOI_CLOSES - DAY + HOUR, django_capture_on_commit_callbacks) == 2
        assert reminded() == [
            ("creator@camden.gov.uk", None, application.pk, 11),
            ("creator@hackney.gov.uk", eoi.pk, None, 1),
        ]

    def test_a_round_with_no_eoi_stage_reminds_its_applications(
        self, django_capture_on_commit_callbacks
    ):
        round = make_round(eoi_stage=False)
        application = application_draft(round)
        assert run(EOI_CLOSES - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert reminded() == [("creator@hackney.gov.uk", None, application.pk, 7)]

    def test_an_eoi_task_for_a_round_without_an_eoi_stage_sends_nothing(self):
        round = make_round(eoi_stage=False)
        eoi = eoi_draft(round)
        assert (
            deadline_reminder_send(
                kind=EOI, bid_id=eoi.pk, offset_days=7, now=APPLICATIONS_CLOSE - 7 * DAY + HOUR
            )
            == []
        )
        assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
class TestReminderRecipients:
    """Only the creator and those who saved the bid, and only while they are still active
    approved members of an organisation in it."""

    def test_leaves_out_people_no_longer_members(self, django_capture_on_commit_callbacks):
        round = make_round()
        application = application_draft(round)
        lead = application.lead_organisation
        still_here = person(lead, "still.here@hackney.gov.uk")
        left = person(lead, "left@hackney.gov.uk")
        pending = MembershipFactory.create(
            organisation=lead, user__email="pending@hackney.gov.uk", pending=True
        ).user
        deactivated = person(lead, "deactivated@hackney.gov.uk", user__is_active=False)
        outsider = person(
            SignatoryFactory.create(slug="elsewhere"), "outsider@elsewhere.gov.uk"
        )  # saved it, but their organisation is not in the bid
        for user in (still_here, left, pending, deactivated, outsider):
            saved_by(application, user)
        left.memberships.all().delete()
        # The creator has left too: the collaborators are still reminded.
        application.created_by.memberships.all().delete()

        run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks)

        assert emailed() == [("still.here@hackney.gov.uk", application_subject(7, round))]
        assert [email for email, *_ in reminded()] == ["still.here@hackney.gov.uk"]

    def test_a_partner_that_leaves_the_bid_takes_its_people_with_it(
        self, django_capture_on_commit_callbacks
    ):
        round = make_round()
        application = application_draft(round)
        partner = ApplicationPartnerFactory.create(application=application)
        saved_by(application, person(partner.organisation, "editor@partner.gov.uk"))
        partner.delete()

        run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks)

        assert [recipient for recipient, _ in emailed()] == ["creator@hackney.gov.uk"]

    def test_sends_nothing_when_nobody_is_left_to_remind(self, django_capture_on_commit_callbacks):
        application = application_draft(make_round())
        application.created_by.memberships.all().delete()
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
class TestBidsNotReminded:
    """Only drafts of published rounds are reminded."""

    @pytest.mark.parametrize("state", ["submitted", "withdrawn"])
    def test_sends_nothing_for_an_application_that_is_not_a_draft(
        self, django_capture_on_commit_callbacks, state
    ):
        round = make_round()
        application = application_draft(round, **{state: True})
        assert application.status == state
        saved_by(application, application.created_by)
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    @pytest.mark.parametrize("state", ["submitted", "withdrawn", "declined"])
    def test_sends_nothing_for_an_eoi_that_is_not_a_draft(
        self, django_capture_on_commit_callbacks, state
    ):
        round = make_round()
        eoi = eoi_draft(round, **{state: True})
        assert eoi.status == state
        assert run(EOI_CLOSES - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    def test_only_the_drafts_of_a_round_are_reminded(self, django_capture_on_commit_callbacks):
        round = make_round()
        draft = application_draft(round, slug="hackney")
        application_draft(round, slug="camden", submitted=True)
        application_draft(round, slug="leeds", withdrawn=True)
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert reminded() == [("creator@hackney.gov.uk", None, draft.pk, 7)]

    def test_sends_nothing_for_a_draft_submitted_after_its_task_was_queued(
        self, django_capture_on_commit_callbacks
    ):
        application = application_draft(make_round())
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            due = deadline_reminders_queue(now=now)
        assert due == [DueReminder(APPLICATION, application.pk, 7)]
        Application.objects.filter(pk=application.pk).update(
            status=ApplicationStatus.SUBMITTED, submitted_at=now
        )
        with django_capture_on_commit_callbacks(execute=True):
            for callback in callbacks:
                callback()
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    def test_sends_nothing_in_an_unpublished_round(self, django_capture_on_commit_callbacks):
        round = make_round(is_published=False)
        application_draft(round, slug="hackney")
        eoi = eoi_draft(round, slug="camden")
        assert run(EOI_CLOSES - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 0
        # Nor does a task queued before the round was unpublished.
        assert (
            deadline_reminder_send(
                kind=EOI, bid_id=eoi.pk, offset_days=7, now=EOI_CLOSES - 7 * DAY + HOUR
            )
            == []
        )
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()

    def test_sends_nothing_for_a_bid_that_is_gone(self):
        assert (
            deadline_reminder_send(
                kind=APPLICATION, bid_id=0, offset_days=7, now=APPLICATIONS_CLOSE - 7 * DAY
            )
            == []
        )


@pytest.mark.django_db
class TestNeverLateNeverBackfilled:
    """A reminder goes from its moment for a day at most, and never at or after the close."""

    def test_sends_up_to_a_day_after_its_moment(self, django_capture_on_commit_callbacks):
        """The beat was down for most of a day: the reminder still goes, a second short of
        a day late."""
        round = make_round()
        application_draft(round)
        assert run(APPLICATIONS_CLOSE - 7 * DAY - SECOND, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 6 * DAY - SECOND, django_capture_on_commit_callbacks) == 1
        assert emailed() == [("creator@hackney.gov.uk", application_subject(7, round))]

    def test_sends_nothing_once_its_moment_passed_more_than_a_day_ago(
        self, django_capture_on_commit_callbacks
    ):
        """Installed, or back from an outage, 5 days before the close: the 7-day reminder is
        not sent late; the 1-day one goes when it falls due."""
        round = make_round()
        application = application_draft(round)
        assert run(APPLICATIONS_CLOSE - 6 * DAY, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 5 * DAY, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert run(APPLICATIONS_CLOSE - DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert reminded() == [("creator@hackney.gov.uk", None, application.pk, 1)]

    def test_a_late_task_sends_nothing(self):
        """A task queued in time but run more than a day after its moment sends nothing."""
        application = application_draft(make_round())
        assert (
            deadline_reminder_send(
                kind=APPLICATION,
                bid_id=application.pk,
                offset_days=7,
                now=APPLICATIONS_CLOSE - 6 * DAY,
            )
            == []
        )
        assert not DeadlineReminder.objects.exists()

    @pytest.mark.parametrize(
        ("run_at", "expected"),
        [
            # The EOI close is 5pm BST on 5 October, so its 7-day reminder is due from 5pm
            # BST (4pm UTC) on 28 September; a run time without an offset is London time.
            ("2025-09-28T16:59:59", 0),
            ("2025-09-28T17:00:00", 1),
            ("2025-09-28T15:59:59+00:00", 0),
            ("2025-09-28T16:00:00+00:00", 1),
            # The application close is 5pm GMT on 18 November: due from 5pm on the 11th.
            ("2025-11-11T16:59:59", 0),
            ("2025-11-11T17:00:00", 1),
        ],
    )
    def test_falls_due_to_the_second_in_london_time(
        self, django_capture_on_commit_callbacks, run_at, expected
    ):
        round = make_round()
        eoi_draft(round, slug="hackney")
        application_draft(round, slug="camden")
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_deadline_reminders(run_at) == expected
        assert OutgoingEmail.objects.count() == expected

    def test_sends_nothing_at_or_after_the_close(self, django_capture_on_commit_callbacks):
        round = make_round()
        application_draft(round)
        for now in (APPLICATIONS_CLOSE, APPLICATIONS_CLOSE + HOUR, APPLICATIONS_CLOSE + 30 * DAY):
            assert run(now, django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()

    def test_sends_nothing_after_the_close_even_within_the_window(
        self, django_capture_on_commit_callbacks, settings
    ):
        """With a two-day window, the 1-day reminder's window would run past the close."""
        settings.FUNDING_REMINDER_LATEST = 2 * DAY
        round = make_round()
        application = application_draft(round)
        assert run(APPLICATIONS_CLOSE + HOUR, django_capture_on_commit_callbacks) == 0
        # Nor does a task queued before the close and run after it.
        assert (
            deadline_reminder_send(
                kind=APPLICATION, bid_id=application.pk, offset_days=1, now=APPLICATIONS_CLOSE
            )
            == []
        )
        assert not OutgoingEmail.objects.exists()
        assert run(APPLICATIONS_CLOSE - SECOND, django_capture_on_commit_callbacks) == 1

    def test_history_sends_nothing(self, django_capture_on_commit_callbacks):
        """Rounds long closed, with drafts never submitted: installing the service sends none
        of their reminders."""
        for number, year in enumerate((2018, 2019, 2020), start=1):
            old = RoundFactory.create(
                number=number,
                eoi_opens_at=datetime.datetime(year, 9, 24, 9, tzinfo=LONDON),
                eoi_closes_at=datetime.datetime(year, 10, 5, 17, tzinfo=LONDON),
                applications_open_at=datetime.datetime(year, 10, 15, 9, tzinfo=LONDON),
                applications_close_at=datetime.datetime(year, 11, 18, 17, tzinfo=LONDON),
                decisions_announced_at=datetime.datetime(year, 12, 3, 10, tzinfo=LONDON),
            )
            application_draft(old, slug=f"applicant-{year}")
            eoi_draft(old, slug=f"eoi-{year}")
        assert run(london(2025, 3, 10, 9), django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
class TestReminderOffsets:
    """The days before each close come from the round."""

    def test_uses_the_rounds_offsets(self, django_capture_on_commit_callbacks):
        round = make_round(reminder_offsets_days=[14, 3])
        application_draft(round)
        for now in (
            APPLICATIONS_CLOSE - 7 * DAY + HOUR,
            APPLICATIONS_CLOSE - DAY + HOUR,
        ):
            assert run(now, django_capture_on_commit_callbacks) == 0
        assert run(APPLICATIONS_CLOSE - 14 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert run(APPLICATIONS_CLOSE - 3 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert emailed() == [
            ("creator@hackney.gov.uk", application_subject(14, round)),
            ("creator@hackney.gov.uk", application_subject(3, round)),
        ]

    def test_default_offsets_are_7_and_1(self):
        assert RoundFactory.create().reminder_offsets_days == [7, 1]

    def test_no_offsets_no_reminders(self, django_capture_on_commit_callbacks):
        round = make_round(reminder_offsets_days=[])
        application_draft(round)
        for days in (7, 1):
            assert (
                run(APPLICATIONS_CLOSE - days * DAY + HOUR, django_capture_on_commit_callbacks) == 0
            )
        assert not OutgoingEmail.objects.exists()

    def test_a_repeated_offset_is_sent_once(self, django_capture_on_commit_callbacks):
        round = make_round(reminder_offsets_days=[7, 7, 1])
        application_draft(round)
        assert run(APPLICATIONS_CLOSE - 7 * DAY + HOUR, django_capture_on_commit_callbacks) == 1
        assert OutgoingEmail.objects.count() == 1

    def test_an_offset_taken_off_the_round_after_queuing_is_not_sent(self):
        round = make_round()
        application = application_draft(round)
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
        Round.objects.filter(pk=round.pk).update(reminder_offsets_days=[1])
        assert (
            deadline_reminder_send(kind=APPLICATION, bid_id=application.pk, offset_days=7, now=now)
            == []
        )
        assert not DeadlineReminder.objects.exists()

    def test_a_bid_reminded_at_one_offset_is_still_due_the_next(self):
        """Only the reminders at the due offset count: a 7-day record does not hold back the
        1-day reminder."""
        round = make_round()
        application = application_draft(round)
        DeadlineReminder.objects.create(
            application=application, offset_days=7, recipient=application.created_by
        )
        assert deadline_reminders_queue(now=APPLICATIONS_CLOSE - 7 * DAY + HOUR) == []
        assert deadline_reminders_queue(now=APPLICATIONS_CLOSE - DAY + HOUR) == [
            DueReminder(APPLICATION, application.pk, 1)
        ]


@pytest.mark.django_db
class TestDeadlineRemindersQueue:
    """The scan: which bids it finds, and that it queues their tasks only after commit."""

    def test_queues_nothing_until_the_transaction_commits(self, django_capture_on_commit_callbacks):
        round = make_round()
        application = application_draft(round, slug="hackney")
        other = application_draft(make_round(), slug="camden")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            due = deadline_reminders_queue(now=APPLICATIONS_CLOSE - 7 * DAY + HOUR)
        assert sorted(due or [], key=lambda reminder: reminder.bid_id) == [
            DueReminder(APPLICATION, application.pk, 7),
            DueReminder(APPLICATION, other.pk, 7),
        ]
        assert len(callbacks) == 1
        assert not DeadlineReminder.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_nothing_due_queues_no_callback(self, django_capture_on_commit_callbacks):
        application_draft(make_round())
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert deadline_reminders_queue(now=APPLICATIONS_CLOSE - 3 * DAY) == []
        assert callbacks == []

    def test_writes_nothing_when_the_audit_write_fails(self, monkeypatch):
        """The records, the emails and the audit event are one transaction."""
        application = application_draft(make_round())

        def failing_audit(**kwargs: Any) -> None:
            raise RuntimeError("audit log unavailable")

        monkeypatch.setattr(reminders, "audit_record", failing_audit)
        with pytest.raises(RuntimeError):
            deadline_reminder_send(
                kind=APPLICATION,
                bid_id=application.pk,
                offset_days=7,
                now=APPLICATIONS_CLOSE - 7 * DAY + HOUR,
            )
        assert not DeadlineReminder.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_the_beat_runs_the_reminders_every_quarter_hour(self):
        entry = settings.CELERY_BEAT_SCHEDULE["funding-deadline-reminders"]
        assert entry["task"] == "funding.tasks.send_deadline_reminders"
        assert entry["task"] in celery_app.tasks
        assert entry["schedule"] == datetime.timedelta(minutes=15)
        assert settings.FUNDING_REMINDER_LATEST == DAY


@pytest.mark.django_db
class TestDeadlineReminderConstraints:
    """The database itself holds one reminder per bid, offset and recipient."""

    def test_one_reminder_per_application_offset_and_recipient(self):
        application = application_draft(make_round())
        recipient = application.created_by
        DeadlineReminder.objects.create(application=application, offset_days=7, recipient=recipient)
        with (
            pytest.raises(IntegrityError, match="funding_reminder_application_once"),
            transaction.atomic(),
        ):
            DeadlineReminder.objects.create(
                application=application, offset_days=7, recipient=recipient
            )
        # Another offset, or another recipient, is another reminder.
        DeadlineReminder.objects.create(application=application, offset_days=1, recipient=recipient)
        DeadlineReminder.objects.create(
            application=application,
            offset_days=7,
            recipient=person(application.lead_organisation, "colleague@hackney.gov.uk"),
        )
        assert DeadlineReminder.objects.count() == 3

    def test_one_reminder_per_eoi_offset_and_recipient(self):
        eoi = eoi_draft(make_round())
        recipient = eoi.created_by
        DeadlineReminder.objects.create(eoi=eoi, offset_days=7, recipient=recipient)
        with pytest.raises(IntegrityError, match="funding_reminder_eoi_once"), transaction.atomic():
            DeadlineReminder.objects.bulk_create(
                [DeadlineReminder(eoi=eoi, offset_days=7, recipient=recipient)]
            )
        DeadlineReminder.objects.create(eoi=eoi, offset_days=1, recipient=recipient)
        assert DeadlineReminder.objects.count() == 2

    def test_an_eoi_and_an_application_with_the_same_id_are_apart(self):
        """The two unique constraints are partial: an EOI's reminders never collide with an
        application's."""
        round = make_round()
        eoi = eoi_draft(round, slug="hackney")
        application = application_draft(round, slug="camden")
        recipient = eoi.created_by
        DeadlineReminder.objects.create(eoi=eoi, offset_days=7, recipient=recipient)
        DeadlineReminder.objects.create(application=application, offset_days=7, recipient=recipient)
        assert DeadlineReminder.objects.count() == 2

    @pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
    def test_a_reminder_is_for_exactly_one_bid(self, both):
        round = make_round()
        eoi = eoi_draft(round, slug="hackney")
        application = application_draft(round, slug="camden")
        with pytest.raises(IntegrityError, match="funding_reminder_one_bid"), transaction.atomic():
            DeadlineReminder.objects.create(
                eoi=eoi if both else None,
                application=application if both else None,
                offset_days=7,
                recipient=eoi.created_by,
            )
        assert not DeadlineReminder.objects.exists()


@pytest.mark.django_db
def test_does_nothing_while_another_run_holds_the_advisory_lock(
    other_session, django_capture_on_commit_callbacks
):
    """Two beats never overlap: the second finds the lock taken and queues nothing."""
    application_draft(make_round())
    now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
    with other_session.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key(reminders.REMINDER_LOCK)])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert deadline_reminders_queue(now=now) is None
        assert tasks.send_deadline_reminders(now.isoformat()) == 0
    assert callbacks == []
    with other_session.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(reminders.REMINDER_LOCK)])
    assert run(now, django_capture_on_commit_callbacks) == 1
    assert OutgoingEmail.objects.count() == 1


# Two beats, or two deliveries of one task, at once: each side in a thread of its own, so on
# its own database connection, against a database that really commits.

HOLD_TIMEOUT = 10


class InThread:
    """Run a function in a thread, so on a database connection of its own."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._function = function
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.result = self._function()
        except BaseException as error:  # handed to the test by join()
            self.error = error
        finally:
            connection.close()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def join(self) -> Any:
        self._thread.join(timeout=HOLD_TIMEOUT * 2)
        assert not self._thread.is_alive(), "the thread did not finish"
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def hold_first() -> Iterator[Callable[[Callable[..., Any]], HoldFirst]]:
    """Return a function that wraps another in a ``HoldFirst``; every hold is released when
    the test ends, so a failing test never leaves a thread waiting."""
    made: list[HoldFirst] = []

    def wrap(function: Callable[..., Any]) -> HoldFirst:
        made.append(HoldFirst(function))
        return made[-1]

    yield wrap
    for hold in made:
        hold.released.set()


class HoldFirst:
    """Wraps a function so that its first caller waits, part-way through its transaction,
    until released; later callers go straight through."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()
        self._function = function
        self._lock = threading.Lock()
        self._held = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            first, self._held = not self._held, True
        if first:
            self.reached.set()
            assert self.released.wait(HOLD_TIMEOUT), "never released"
        return self._function(*args, **kwargs)


def wait_until(condition: Callable[[], bool], timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def sessions_waiting_for_a_lock() -> int:
    """Return how many sessions on the test database wait for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (count,) = cursor.fetchone()
    return count


@pytest.mark.django_db(transaction=True)
class TestTwoAtOnce:
    """A second beat, or a task delivered twice, running at the same moment sends nothing
    twice."""

    def test_a_second_beat_while_the_first_holds_the_lock_sends_nothing(
        self, monkeypatch, mailoutbox, hold_first
    ):
        round = make_round()
        application = application_draft(round)
        saved_by(application, person(application.lead_organisation, "colleague@hackney.gov.uk"))
        run_at = (APPLICATIONS_CLOSE - 7 * DAY + HOUR).isoformat()
        held = hold_first(reminders.due_offsets)
        monkeypatch.setattr(reminders, "due_offsets", held)

        first = InThread(lambda: tasks.send_deadline_reminders(run_at))
        assert held.reached.wait(HOLD_TIMEOUT)
        # The first beat holds the advisory lock, part-way through its scan.
        second = InThread(lambda: tasks.send_deadline_reminders(run_at))
        assert second.join() == 0
        assert not OutgoingEmail.objects.exists()
        held.released.set()
        assert first.join() == 1

        assert emailed() == [
            ("colleague@hackney.gov.uk", application_subject(7, round)),
            ("creator@hackney.gov.uk", application_subject(7, round)),
        ]
        assert len(mailoutbox) == 2
        # A third beat, once both are done, finds the records and sends nothing.
        assert tasks.send_deadline_reminders(run_at) == 0
        assert len(mailoutbox) == 2

    def test_two_beats_started_together_send_each_reminder_once(self, mailoutbox):
        round = make_round()
        drafts = [application_draft(round, slug=f"council-{n}") for n in range(4)]
        eoi_round = make_round(
            eoi_opens_at=APPLICATIONS_CLOSE - 30 * DAY,
            eoi_closes_at=APPLICATIONS_CLOSE,
            applications_open_at=APPLICATIONS_CLOSE,
            applications_close_at=APPLICATIONS_CLOSE + 30 * DAY,
            decisions_announced_at=APPLICATIONS_CLOSE + 60 * DAY,
        )
        eoi = eoi_draft(eoi_round, slug="eoi-writer")
        run_at = (APPLICATIONS_CLOSE - 7 * DAY + HOUR).isoformat()
        start = threading.Barrier(2, timeout=HOLD_TIMEOUT)

        def beat() -> int:
            start.wait()
            return tasks.send_deadline_reminders(run_at)

        beats = [InThread(beat), InThread(beat)]
        queued = [each.join() for each in beats]

        # However they interleave, at least one beat queued every bid...
        assert max(queued) == 5, queued
        # ...and each person was emailed once about each bid.
        expected = sorted(
            [(f"creator@council-{n}.gov.uk", application_subject(7, round)) for n in range(4)]
            + [("creator@eoi-writer.gov.uk", eoi_subject(7, eoi_round))]
        )
        assert emailed() == expected
        assert len(mailoutbox) == 5
        assert sorted(
            DeadlineReminder.objects.values_list("application_id", "eoi_id"), key=str
        ) == sorted([(draft.pk, None) for draft in drafts] + [(None, eoi.pk)], key=str)

    def test_a_task_delivered_twice_at_once_sends_once(self, monkeypatch, mailoutbox, hold_first):
        """The second delivery waits for the first's lock on the bid, then finds its records."""
        round = make_round()
        application = application_draft(round)
        saved_by(application, person(application.lead_organisation, "colleague@hackney.gov.uk"))
        now = APPLICATIONS_CLOSE - 7 * DAY + HOUR
        held = hold_first(reminders._recipients)
        monkeypatch.setattr(reminders, "_recipients", held)

        def send() -> list[DeadlineReminder]:
            return deadline_reminder_send(
                kind=APPLICATION, bid_id=application.pk, offset_days=7, now=now
            )

        first = InThread(send)
        assert held.reached.wait(HOLD_TIMEOUT)
        second = InThread(send)
        waited = wait_until(lambda: sessions_waiting_for_a_lock() >= 1) and second.is_alive()
        held.released.set()
        sent_first, sent_second = first.join(), second.join()
        assert waited, "the second delivery did not wait for the first's lock on the bid"

        assert sorted(record.recipient.email for record in sent_first) == [
            "colleague@hackney.gov.uk",
            "creator@hackney.gov.uk",
        ]
        assert sent_second == []
        assert OutgoingEmail.objects.count() == 2
        assert len(mailoutbox) == 2
        assert DeadlineReminder.objects.count() == 2
