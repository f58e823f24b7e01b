"""Every kind of email the service sends, each made by the service that sends it: one module
of scenarios a domain (``declaration``, ``newsletter``, ``funding``, ``training``).

``tests/mail/test_email_links.py`` runs this package as a program (``python -m
tests.mail.email_catalogue``, its ``__main__``) in a process configured as ``make run``
configures its web server, Celery worker and beat, so that each email is rendered as that
process renders it. Each scenario sets up what its email needs with the test factories and
calls the service, all in one transaction that is rolled back at the end: nothing is left in
the database, and no task is queued (tasks are queued only once a transaction commits).

The program prints, as JSON, each email as the provider would be handed it (its whole MIME
message: headers, text and HTML) and the templates each scenario rendered, so that the test
can check that every email template of the service is covered.

A new kind of email needs a scenario here: the test fails on an email template that no
scenario renders.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

# The links on external sites that emails may hold, because the scenarios put them there.
FEEDBACK_SURVEY_URL = "https://surveys.example.org/local-digital/feedback"
EXTERNAL_LINKS = frozenset({FEEDBACK_SURVEY_URL})

Scenario = Callable[[], None]
SCENARIOS: list[Scenario] = []


def scenario(function: Scenario) -> Scenario:
    SCENARIOS.append(function)
    return function


def the_time() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def staff_in(*groups: str):
    """Return a member of staff in ``groups``, with no password: hashing one takes a second
    with the settings of ``make run``, and no scenario signs in."""
    from tests.accounts.factories import UserFactory

    return UserFactory.create(is_staff=True, groups=list(groups))


def last_email_to(address: str):
    from localdigital.mail.models import OutgoingEmail

    return OutgoingEmail.objects.filter(recipient=address).order_by("-pk").first()


# A link in the text of an email: up to whitespace or a closing bracket or quote.
LINK = re.compile(r"https?://[^\s<>\"')\]]+")
