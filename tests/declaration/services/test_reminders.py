"""The yearly reminder asking a signatory for an update on its declaration project."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from declaration import tasks
from declaration.models import AnniversaryReminder, Signing
from declaration.services import reminders
from declaration.services.reminders import (
    Anniversary,
    anniversary_latest,
    anniversary_reminder_send,
    anniversary_reminders_queue,
    signing_anniversary_start,
)
from declaration.services.signing_import import signing_import_rows_parse, signings_import
from localdigital.audit.models import AuditEvent
from localdigital.celery import app as celery_app
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.support.audit import audit_break
from tests.support.locks import lock_held
from tests.support.times import london

pytestmark = pytest.mark.django_db


def published_on(day: datetime.date, **fields: object) -> Signing:
    """A signatory published at noon (London) on ``day``, with one organisation admin."""
    fields.setdefault("digital_lead_email", "digital.lead@hackney.gov.uk")
    signing = SigningFactory.create(
        organisation=OrganisationFactory.create(slug=fields.pop("slug", "hackney")),
        published_at=london(day.year, day.month, day.day, 12),
        signed_on=day,
        **fields,
    )
    MembershipFactory.create(
        organisation=signing.organisation,
        user=UserFactory.create(email="admin@hackney.gov.uk"),
        admin=True,
    )
    return signing


def run(run_at: str, capture) -> int:
    """Run the beat task for ``run_at``, and the tasks it queues on commit."""
    with capture(execute=True):
        return tasks.send_anniversary_reminders(run_at)


def recipients() -> list[str]:
    return sorted(OutgoingEmail.objects.values_list("recipient", flat=True))


class TestAnniversaryDates:
    @pytest.mark.parametrize(
        ("start", "today", "expected"),
        [
            ("2024-03-10", "2024-03-10", None),
            ("2024-03-10", "2025-03-09", None),
            ("2024-03-10", "2025-03-10", Anniversary(1, datetime.date(2025, 3, 10))),
            ("2024-03-10", "2026-03-09", Anniversary(1, datetime.date(2025, 3, 10))),
            ("2018-07-04", "2025-07-05", Anniversary(7, datetime.date(2025, 7, 4))),
            # 29 February is remembered on 28 February in years that have no 29th.
            ("2024-02-29", "2025-02-27", None),
            ("2024-02-29", "2025-02-28", Anniversary(1, datetime.date(2025, 2, 28))),
            ("2024-02-29", "2028-02-28", Anniversary(3, datetime.date(2027, 2, 28))),
            ("2024-02-29", "2028-02-29", Anniversary(4, datetime.date(2028, 2, 29))),
        ],
    )
    def test_latest_anniversary(self, start, today, expected):
        assert (
            anniversary_latest(
                start=datetime.date.fromisoformat(start), today=datetime.date.fromisoformat(today)
            )
            == expected
        )

    def test_counts_from_the_london_date_of_publication(self):
        """Published at 00:30 on 1 July in London (23:30 UTC on 30 June): 1 July it is."""
        published_at = datetime.datetime(2023, 6, 30, 23, 30, tzinfo=datetime.UTC)
        assert signing_anniversary_start(
            published_at=published_at, signed_on=datetime.date(2023, 6, 1)
        ) == datetime.date(2023, 7, 1)

    def test_counts_from_the_date_signed_when_imported_without_publication(self):
        assert signing_anniversary_start(
            published_at=None, signed_on=datetime.date(2018, 7, 4)
        ) == datetime.date(2018, 7, 4)


class TestAnniversaryReminders:
    def test_emails_the_admins_and_digital_lead_on_the_first_anniversary(
        self, django_capture_on_commit_callbacks
    ):
        signing = published_on(datetime.date(2024, 3, 10), project_title="Open repairs")
        MembershipFactory.create(organisation=signing.organisation)  # not an admin
        MembershipFactory.create(organisation=signing.organisation, admin=True, pending=True)
        MembershipFactory.create(  # an admin whose account is deactivated
            organisation=signing.organisation, admin=True, user__is_active=False
        )

        assert run("2025-03-10T09:15:00", django_capture_on_commit_callbacks) == 1

        assert recipients() == ["admin@hackney.gov.uk", "digital.lead@hackney.gov.uk"]
        email = OutgoingEmail.objects.first()
        assert email.subject == (
            f"{signing.organisation.name} signed the Local Digital Declaration 1 year ago: "
            "tell us how it is going"
        )
        assert "http://testserver/account/organisations/hackney/updates/new/" in email.body_text
        assert "http://testserver/signatories/hackney/" in email.body_text
        assert "“Open repairs”" in email.body_text
        assert email.idempotency_key.startswith(
            f"declaration.signing.anniversary.{signing.pk}.2025-03-10."
        )
        reminder = AnniversaryReminder.objects.get()
        assert (reminder.signing, reminder.anniversary) == (signing, datetime.date(2025, 3, 10))
        event = AuditEvent.objects.get(verb="declaration.signing.anniversary_reminded")
        assert event.actor is None
        assert event.data == {"anniversary": "2025-03-10", "years": 1, "recipients": 2}

    def test_sends_once_when_run_twice(self, django_capture_on_commit_callbacks):
        published_on(datetime.date(2024, 3, 10))
        run("2025-03-10T09:15:00", django_capture_on_commit_callbacks)
        assert run("2025-03-10T09:15:00", django_capture_on_commit_callbacks) == 0
        assert run("2025-03-12T09:15:00", django_capture_on_commit_callbacks) == 0
        assert OutgoingEmail.objects.count() == 2
        assert AnniversaryReminder.objects.count() == 1

    def test_sends_once_when_the_same_reminder_task_runs_twice(
        self, django_capture_on_commit_callbacks
    ):
        """A task delivered twice (acks_late) finds the record of the first, and sends nothing."""
        signing = published_on(datetime.date(2024, 3, 10))
        now = london(2025, 3, 10, 9, 15)
        with django_capture_on_commit_callbacks(execute=True):
            first = anniversary_reminder_send(
                signing_id=signing.pk, anniversary=datetime.date(2025, 3, 10), now=now
            )
            second = anniversary_reminder_send(
                signing_id=signing.pk, anniversary=datetime.date(2025, 3, 10), now=now
            )
        assert first is not None
        assert second is None
        assert OutgoingEmail.objects.count() == 2

    def test_sends_an_anniversary_that_fell_due_within_the_window(
        self, django_capture_on_commit_callbacks
    ):
        """The beat missed the day itself (the worker was down): six days on, it still goes."""
        published_on(datetime.date(2024, 3, 10))
        assert run("2025-03-16T23:00:00", django_capture_on_commit_callbacks) == 1
        assert AnniversaryReminder.objects.get().anniversary == datetime.date(2025, 3, 10)

    def test_sends_nothing_for_an_anniversary_older_than_the_window(
        self, django_capture_on_commit_callbacks
    ):
        published_on(datetime.date(2024, 3, 10))
        assert run("2025-03-17T00:30:00", django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert not AnniversaryReminder.objects.exists()

    def test_sends_nothing_before_the_first_anniversary(self, django_capture_on_commit_callbacks):
        published_on(datetime.date(2024, 3, 10))
        assert run("2025-03-09T23:59:00", django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()

    def test_window_follows_the_setting(self, django_capture_on_commit_callbacks, settings):
        settings.DECLARATION_REMINDER_WINDOW_DAYS = 1
        published_on(datetime.date(2024, 3, 10))
        assert run("2025-03-11T09:00:00", django_capture_on_commit_callbacks) == 0
        assert run("2025-03-10T09:00:00", django_capture_on_commit_callbacks) == 1

    def test_imported_history_sends_nothing(self, django_capture_on_commit_callbacks):
        """Signatories imported with years-old dates: none of their anniversaries are sent."""
        for year in range(2018, 2024):
            SigningFactory.create(
                signed_on=datetime.date(year, 3, 1), published_at=None, co_publisher=year == 2018
            )
        assert run("2025-03-10T09:15:00", django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()

    def test_imported_signatories_are_reminded_on_the_anniversary_of_signing(
        self, django_capture_on_commit_callbacks
    ):
        signing = SigningFactory.create(
            signed_on=datetime.date(2018, 7, 4),
            published_at=None,
            digital_lead_email="lead@example.gov.uk",
        )
        assert run("2025-07-04T09:15:00", django_capture_on_commit_callbacks) == 1
        assert recipients() == ["lead@example.gov.uk"]
        assert "7 years ago" in OutgoingEmail.objects.get().subject
        assert AnniversaryReminder.objects.get().signing == signing

    def test_imports_are_reminded_on_the_anniversaries_of_signing_not_of_the_import(
        self, django_capture_on_commit_callbacks, monkeypatch
    ):
        """Through the real import: signatories imported on 1 May 2024 that signed on 20 and
        19 November 2019 are reminded in the 7 days after those dates, not on 1 May 2025."""
        for name, code in (("Ambridge Borough Council", "AMB"), ("Loxley Council", "LOX")):
            MembershipFactory.create(
                organisation=OrganisationFactory.create(name=name, register_code=code),
                user=UserFactory.create(email=f"admin@{code.lower()}.gov.uk"),
                admin=True,
            )
        imported_at = london(2024, 5, 1, 10, 30)
        with monkeypatch.context() as frozen:
            frozen.setattr(timezone, "now", lambda: imported_at)
            result = signings_import(
                rows=signing_import_rows_parse(
                    content=(
                        "register code or name,date signed,co-publisher,"
                        "declaration project title\n"
                        "AMB,2019-11-20,no,Open repairs\n"
                        "LOX,2019-11-19,no,Shared bins\n"
                    )
                ),
                imported_by=UserFactory.create(staff=True),
                dry_run=False,
            )
        assert result.imported
        ambridge = Signing.objects.get(organisation__register_code="AMB")
        assert ambridge.published_at == london(2019, 11, 20)
        assert ambridge.created_at == imported_at

        def reminded(run_at: str) -> list[tuple[str, datetime.date]]:
            run(run_at, django_capture_on_commit_callbacks)
            return sorted(
                AnniversaryReminder.objects.values_list(
                    "signing__organisation__register_code", "anniversary"
                )
            )

        assert reminded("2025-05-01T09:15:00") == []  # the import's anniversary
        assert reminded("2025-11-18T09:15:00") == []  # before either anniversary
        # Loxley's anniversary, 19 November, was 7 days ago: past the window. Ambridge's,
        # 20 November, was 6 days ago: within it.
        assert reminded("2025-11-26T09:15:00") == [("AMB", datetime.date(2025, 11, 20))]
        assert reminded("2025-11-27T09:15:00") == [("AMB", datetime.date(2025, 11, 20))]
        email = OutgoingEmail.objects.get()
        assert email.recipient == "admin@amb.gov.uk"
        assert "6 years ago" in email.subject

    def test_sends_each_year(self, django_capture_on_commit_callbacks):
        published_on(datetime.date(2023, 3, 10))
        run("2024-03-10T09:15:00", django_capture_on_commit_callbacks)
        run("2025-03-10T09:15:00", django_capture_on_commit_callbacks)
        assert sorted(AnniversaryReminder.objects.values_list("anniversary", flat=True)) == [
            datetime.date(2024, 3, 10),
            datetime.date(2025, 3, 10),
        ]
        assert OutgoingEmail.objects.count() == 4
        assert OutgoingEmail.objects.filter(subject__contains="2 years ago").count() == 2

    def test_29_february_is_reminded_on_28_february_and_only_once(
        self, django_capture_on_commit_callbacks
    ):
        published_on(datetime.date(2024, 2, 29))
        assert run("2025-02-27T09:15:00", django_capture_on_commit_callbacks) == 0
        assert run("2025-02-28T09:15:00", django_capture_on_commit_callbacks) == 1
        assert run("2025-03-01T09:15:00", django_capture_on_commit_callbacks) == 0
        assert AnniversaryReminder.objects.get().anniversary == datetime.date(2025, 2, 28)
        assert run("2028-02-29T09:15:00", django_capture_on_commit_callbacks) == 1
        assert AnniversaryReminder.objects.count() == 2

    @pytest.mark.parametrize("state", ["withdrawn", "unpublished", "submitted", "rejected"])
    def test_sends_nothing_to_a_signing_that_is_not_published(
        self, django_capture_on_commit_callbacks, state
    ):
        SigningFactory.create(
            published_at=london(2024, 3, 10, 12),
            signed_on=datetime.date(2024, 3, 10),
            **{state: True},
        )
        assert run("2025-03-10T09:15:00", django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()

    def test_sends_nothing_when_unpublished_after_the_task_was_queued(self):
        signing = published_on(datetime.date(2024, 3, 10))
        Signing.objects.filter(pk=signing.pk).update(
            status="unpublished", unpublish_reason="Asked to leave."
        )
        assert (
            anniversary_reminder_send(
                signing_id=signing.pk,
                anniversary=datetime.date(2025, 3, 10),
                now=london(2025, 3, 10, 9),
            )
            is None
        )
        assert not AnniversaryReminder.objects.exists()

    def test_sends_nothing_for_a_date_that_is_not_the_due_anniversary(self):
        signing = published_on(datetime.date(2024, 3, 10))
        for anniversary in (datetime.date(2025, 3, 11), datetime.date(2024, 3, 10)):
            assert (
                anniversary_reminder_send(
                    signing_id=signing.pk, anniversary=anniversary, now=london(2025, 3, 12, 9)
                )
                is None
            )
        assert (
            anniversary_reminder_send(
                signing_id=0, anniversary=datetime.date(2025, 3, 10), now=london(2025, 3, 12, 9)
            )
            is None
        )

    def test_emails_an_admin_who_is_also_the_digital_lead_once(
        self, django_capture_on_commit_callbacks
    ):
        published_on(datetime.date(2024, 3, 10), digital_lead_email="ADMIN@hackney.gov.uk")
        run("2025-03-10T09:15:00", django_capture_on_commit_callbacks)
        assert recipients() == ["admin@hackney.gov.uk"]

    def test_records_the_reminder_with_no_one_to_email(self, django_capture_on_commit_callbacks):
        """No admin and no digital lead: nothing to send, but it is not tried again each day."""
        SigningFactory.create(
            published_at=london(2024, 3, 10, 12),
            signed_on=datetime.date(2024, 3, 10),
            digital_lead_email="",
        )
        assert run("2025-03-10T09:15:00", django_capture_on_commit_callbacks) == 1
        assert run("2025-03-11T09:15:00", django_capture_on_commit_callbacks) == 0
        assert not OutgoingEmail.objects.exists()
        assert AnniversaryReminder.objects.count() == 1

    def test_writes_nothing_when_the_audit_write_fails(self, monkeypatch):
        """The record, the emails and the audit event are one transaction."""
        signing = published_on(datetime.date(2024, 3, 10))

        audit_break(monkeypatch, reminders)
        with pytest.raises(IntegrityError):
            anniversary_reminder_send(
                signing_id=signing.pk,
                anniversary=datetime.date(2025, 3, 10),
                now=london(2025, 3, 10, 9),
            )
        assert not AnniversaryReminder.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_queues_nothing_until_the_transaction_commits(self, django_capture_on_commit_callbacks):
        published_on(datetime.date(2024, 3, 10))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            due = anniversary_reminders_queue(now=london(2025, 3, 10, 9))
        assert [reminder.anniversary for reminder in due] == [datetime.date(2025, 3, 10)]
        assert len(callbacks) == 1
        assert not AnniversaryReminder.objects.exists()

    def test_many_signatories_each_get_their_reminder(self, django_capture_on_commit_callbacks):
        for number in range(5):
            published_on(datetime.date(2024, 3, 6 + number), slug=f"council-{number}")
        assert run("2025-03-10T09:15:00", django_capture_on_commit_callbacks) == 5
        assert AnniversaryReminder.objects.count() == 5


def test_does_nothing_while_another_run_holds_the_advisory_lock(
    other_session, django_capture_on_commit_callbacks
):
    """Two beats never overlap: the second finds the lock taken and queues nothing."""
    published_on(datetime.date(2024, 3, 10))
    with lock_held(other_session, reminders.REMINDER_LOCK):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert anniversary_reminders_queue(now=london(2025, 3, 10, 9)) is None
        assert callbacks == []
    assert run("2025-03-10T09:15:00", django_capture_on_commit_callbacks) == 1


def test_the_beat_runs_the_reminders_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["declaration-anniversary-reminders"]
    assert entry["task"] == "declaration.tasks.send_anniversary_reminders"
    assert entry["task"] in celery_app.tasks
    assert settings.DECLARATION_REMINDER_WINDOW_DAYS == 7
