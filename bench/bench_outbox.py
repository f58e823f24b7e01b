"""How many emails a second the outbox sends, through its real send path.

Queues 2,000 emails in one transaction, as a newsletter issue would, then times their sending:
the commit runs each email's ``send_email`` task in this process (claim the row, send it
through Django's locmem email backend, mark it sent). It runs against a throwaway database,
dropped afterwards, and prints one line: ``outbox_send_emails_per_second <rate>``.

Run it with ``.venv/bin/python bench/bench_outbox.py`` (or ``make bench``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

EMAILS = 2_000


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "localdigital.settings.local"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["GOVUK_NOTIFY_API_KEY"] = ""
    # DEBUG keeps every query in memory, and Celery logs every task at INFO: both would slow
    # the sends measured here, and the logging would bury the result.
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    # The pipeline's own capacity: no newsletter throttle.
    os.environ["MAIL_NEWSLETTER_RATE_PER_MINUTE"] = "0"

    import django

    django.setup()

    from django.core import mail
    from django.db import connection, transaction

    from localdigital.celery import app
    from localdigital.mail.models import EmailStatus, OutgoingEmail
    from localdigital.mail.services import email_queue

    database_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_outbox_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    # Tasks run in this process, as the commit queues them, instead of going to the broker.
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
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
    finally:
        connection.creation.destroy_test_db(database_name, verbosity=0)
    if sent != EMAILS or len(mail.outbox) != EMAILS:
        print(f"Only {sent} of {EMAILS} emails were sent.", file=sys.stderr)
        return 1
    print(f"outbox_send_emails_per_second {EMAILS / elapsed:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
