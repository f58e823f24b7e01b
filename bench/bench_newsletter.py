"""How many newsletter emails a second the whole pipeline handles: fan-out plus send.

Makes 20,000 confirmed subscribers and one issue, then times sending it now: the fan-out
task makes deliveries and outbox rows a batch at a time, and the commit of each batch runs
the send tasks of its emails in this process, a chunk of ``MAIL_NEWSLETTER_SEND_CHUNK`` to a
task (the throttle lifted; claim each row, render nothing more, send through Django's locmem
email backend, mark it sent). That is every
step a real send takes but the broker and the provider, so it measures the pipeline's own
capacity, which should beat GOV.UK Notify's default of 50 a second many times over.

Then it sends a second issue to the same subscribers with the send tasks left queued, as a
broker would hold them, and runs them from two worker processes at once (as production's
workers do): ``newsletter_emails_per_second_2_processes``, fan-out and sends timed together.

It runs against a throwaway database, dropped afterwards, and prints one line:
``newsletter_emails_per_second <rate>``. Run it with ``.venv/bin/python
bench/bench_newsletter.py`` (or ``make bench``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

SUBSCRIBERS = 20_000
PROCESSES = 2


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.django_setup import mail_pipeline_setup

    mail_pipeline_setup()

    from django.core import mail
    from django.utils import timezone

    from bench.database import eager_database
    from localdigital.accounts.models import User
    from localdigital.mail.models import EmailStatus, OutgoingEmail
    from newsletter import services
    from newsletter.models import NewsletterIssue, Subscriber, SubscriberStatus

    with eager_database("bench_newsletter"):
        now = timezone.now()
        Subscriber.objects.bulk_create(
            (
                Subscriber(
                    email=f"subscriber{number}@borsetshire.gov.uk",
                    status=SubscriberStatus.CONFIRMED,
                    subscribed_at=now,
                    confirmed_at=now,
                )
                for number in range(SUBSCRIBERS)
            ),
            batch_size=5_000,
        )
        staff = User.objects.create(email="comms@communities.gov.uk", is_staff=True)
        issue = services.newsletter_issue_create(
            subject="Local Digital newsletter",
            body=(
                "## Round 5 of the Local Digital Fund is open\n\n"
                "Councils that have signed the Declaration can send an expression of interest."
                "\n\n- Up to £350,000 for each project\n- At least 3 councils in each bid\n"
            ),
            created_by=staff,
        )
        approve(issue.pk, staff)
        mail.outbox = []
        started = time.perf_counter()
        services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)
        elapsed = time.perf_counter() - started
        sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT).count()
        fanned_out = NewsletterIssue.objects.get(pk=issue.pk).fanout_completed_at is not None
        parallel_elapsed, parallel_sent = send_second_issue(staff)
    if not fanned_out or sent != SUBSCRIBERS or len(mail.outbox) != SUBSCRIBERS:
        print(f"Only {sent} of {SUBSCRIBERS} emails were sent.", file=sys.stderr)
        return 1
    if parallel_sent != SUBSCRIBERS:
        print(f"Only {parallel_sent} of {SUBSCRIBERS} emails went from the processes.")
        return 1
    print(f"newsletter_emails_per_second {SUBSCRIBERS / elapsed:.1f}")
    print(
        f"newsletter_emails_per_second_{PROCESSES}_processes {SUBSCRIBERS / parallel_elapsed:.1f}"
    )
    return 0


def approve(issue_id: int, staff: object) -> None:
    """Ask for the issue's approval as its writer, and approve it as a second person, as
    every issue must be before it is sent."""
    from localdigital.accounts.models import User
    from newsletter import services

    editor, _ = User.objects.get_or_create(
        email="editor@communities.gov.uk", defaults={"is_staff": True, "is_superuser": True}
    )
    services.newsletter_issue_ask_for_approval(issue_id=issue_id, asked_by=staff)  # type: ignore[arg-type]
    services.newsletter_issue_approve(issue_id=issue_id, approved_by=editor)


def send_second_issue(staff: object) -> tuple[float, int]:
    """Fan out a second issue in this process, holding its send tasks as the broker would,
    then run them from the worker processes; return the seconds for both and the emails
    sent."""
    from unittest import mock

    from bench.bench_outbox import send_from_processes
    from localdigital.mail.tasks import send_newsletter_emails
    from newsletter import services

    held: list[int] = []
    issue = services.newsletter_issue_create(
        subject="Local Digital newsletter, again",
        body="## The Local Digital Fund\n\nRound 6 takes applications.\n",
        created_by=staff,  # type: ignore[arg-type]
    )
    approve(issue.pk, staff)
    started = time.perf_counter()
    with mock.patch.object(
        send_newsletter_emails, "apply_async", side_effect=lambda args, **_: held.extend(args[0])
    ):
        services.newsletter_issue_send(issue_id=issue.pk, sent_by=staff)  # type: ignore[arg-type]
    _, sent = send_from_processes(held)
    return time.perf_counter() - started, sent


if __name__ == "__main__":
    sys.exit(main())
