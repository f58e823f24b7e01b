"""How many emails a second the outbox sends, through its real send path.

Queues 2,000 emails in one transaction, as a newsletter issue would, then times their sending:
the commit runs each email's ``send_email`` task in this process (claim the row, send it
through Django's locmem email backend, mark it sent). It runs against a throwaway database,
dropped afterwards, and prints one line: ``outbox_send_emails_per_second <rate>``.

Then it queues as many again and sends them from two worker processes at once, each claiming
and sending its share as a Celery worker process would: ``outbox_send_emails_per_second_2_
processes``. Production runs several such processes, so this is nearer its capacity.

Run it with ``.venv/bin/python bench/bench_outbox.py`` (or ``make bench``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

EMAILS = 2_000
PROCESSES = 2


def send_share(email_ids: list[int], results: object) -> None:
    """In a worker process: run each email's send task, as a worker would, and report how
    many emails the provider took."""
    from django.core import mail
    from django.db import connection

    from localdigital.mail.tasks import send_newsletter_email

    mail.outbox = []
    for email_id in email_ids:
        send_newsletter_email.apply((email_id,))
    connection.close()
    results.put(len(mail.outbox))  # type: ignore[attr-defined]


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.django_setup import mail_pipeline_setup

    mail_pipeline_setup()

    from django.core import mail
    from django.db import transaction

    from bench.database import eager_database
    from localdigital.mail.models import EmailStatus, OutgoingEmail
    from localdigital.mail.services import email_queue

    with eager_database("bench_outbox"):
        mail.outbox = []
        with transaction.atomic():
            for number in range(EMAILS):
                email_queue(
                    to=f"subscriber{number}@borsetshire.gov.uk",
                    subject="Local Digital newsletter",
                    body="News from the Local Digital Declaration and the Local Digital Fund.",
                    html="<p>News from the Local Digital Declaration and the Fund.</p>",
                    headers={"List-Unsubscribe": f"<https://localdigital.gov.uk/u/{number}/>"},
                    idempotency_key=f"bench.newsletter.{number}",
                    stream="newsletter",
                )
            started = time.perf_counter()
        elapsed = time.perf_counter() - started
        sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT).count()
        parallel_elapsed, parallel_sent = send_in_processes()
    if sent != EMAILS or len(mail.outbox) != EMAILS:
        print(f"Only {sent} of {EMAILS} emails were sent.", file=sys.stderr)
        return 1
    if parallel_sent != EMAILS:
        print(f"Only {parallel_sent} of {EMAILS} emails were sent by {PROCESSES} processes.")
        return 1
    print(f"outbox_send_emails_per_second {EMAILS / elapsed:.1f}")
    print(f"outbox_send_emails_per_second_{PROCESSES}_processes {EMAILS / parallel_elapsed:.1f}")
    return 0


def send_in_processes() -> tuple[float, int]:
    """Queue ``EMAILS`` newsletter rows (written directly: queuing is not what is timed) and
    send them from ``PROCESSES`` forked processes; return the seconds taken and how many
    were sent."""
    from localdigital.mail.models import OutgoingEmail, message_id_for

    rows = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            recipient=f"reader{number}@borsetshire.gov.uk",
            subject="Local Digital newsletter",
            body_text="News from the Local Digital Declaration and the Local Digital Fund.",
            body_html="<p>News from the Local Digital Declaration and the Fund.</p>",
            headers={"List-Unsubscribe": f"<https://localdigital.gov.uk/u/{number}/>"},
            stream="newsletter",
            idempotency_key=f"bench.parallel.{number}",
            message_id=message_id_for(f"bench.parallel.{number}"),
        )
        for number in range(EMAILS)
    )
    return send_from_processes([row.pk for row in rows])


def send_from_processes(ids: list[int]) -> tuple[float, int]:
    """Run the send tasks of ``ids`` from ``PROCESSES`` forked processes, a share each;
    return the seconds taken and how many emails the provider took."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # Each forked process opens its own connection.
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=send_share, args=(ids[index::PROCESSES], results))
        for index in range(PROCESSES)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    sent = sum(results.get() for _ in workers)
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, sent


if __name__ == "__main__":
    sys.exit(main())
