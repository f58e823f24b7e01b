"""Deadline reminders to the people writing unsubmitted EOIs and applications.

Every run is given its time (``now=`` or the task's ``run_at``) rather than moving the clock.
The round used throughout (tests/funding/reminder_bids.py) has its expression of interest (EOI)
close in British Summer Time and its application close in Greenwich Mean Time, each at 5pm
London time.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from funding import tasks
from funding.models import DeadlineReminder
from funding.services.reminders import APPLICATION, EOI, deadline_reminder_send, is_due
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import EmailStatus, OutgoingEmail
from tests.declaration.factories import MembershipFactory
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    EoiPartnerFactory,
    SignatoryFactory,
)
from tests.funding.reminder_bids import (
    APPLICATIONS_CLOSE,
    DAY,
    EOI_CLOSES,
    HOUR,
    SECOND,
    application_draft,
    application_subject,
    emailed,
    eoi_draft,
    eoi_subject,
    make_round,
    person,
    reminded,
    run,
    saved_by,
)


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
