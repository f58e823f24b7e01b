"""Django set up for a benchmark run as ``python bench/bench_<name>.py``.

Each script puts the checkout on ``sys.path`` and calls :func:`django_setup` before it imports
any of the product's modules; this module imports nothing of Django's until then.
"""

from __future__ import annotations

import os


def django_setup(settings: str = "localdigital.settings.test") -> None:
    """Set Django up with ``settings``."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()


def mail_pipeline_setup() -> None:
    """Set Django up to measure the mail pipeline's own capacity: the local settings, emails
    kept in memory instead of going to GOV.UK Notify, and no newsletter throttle."""
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["GOVUK_NOTIFY_API_KEY"] = ""
    os.environ["MAIL_NEWSLETTER_RATE_PER_MINUTE"] = "0"
    # DEBUG keeps every query in memory, and Celery logs every task at INFO: both would slow
    # the sends measured, and the logging would bury the result.
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    django_setup("localdigital.settings.local")
