"""Run every scenario and print, as JSON, each email as the provider would be handed it and
the templates each scenario rendered (see the package's docstring)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from tests.mail.email_catalogue import SCENARIOS, declaration, funding, newsletter, training

# The modules whose scenarios are run: importing them registers their scenarios.
SCENARIO_MODULES = (declaration, funding, newsletter, training)


def _record_templates(rendered: list[str]) -> None:
    """Record the name of every template rendered, includes too, as Django's test client
    does: its test environment sends a signal for each."""
    from django.test.signals import template_rendered
    from django.test.utils import setup_test_environment

    setup_test_environment()

    def record(sender: object, template: Any, **kwargs: object) -> None:
        rendered.append(str(template.name))

    template_rendered.connect(record, weak=False)


def render_every_email() -> list[dict[str, object]]:
    """Run every scenario in one transaction, rolled back; return each one's emails."""
    from django.db import transaction

    from localdigital.mail.delivery import email_message_build
    from localdigital.mail.models import OutgoingEmail

    rendered: list[str] = []
    _record_templates(rendered)
    results: list[dict[str, object]] = []
    with transaction.atomic():
        for run in SCENARIOS:
            rendered.clear()
            before = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
            run()
            emails = OutgoingEmail.objects.filter(pk__gt=before or 0).order_by("pk")
            results.append(
                {
                    "scenario": run.__name__,
                    "templates": sorted(set(rendered)),
                    "emails": [
                        {
                            "subject": email.subject,
                            "message": email_message_build(email=email).message().as_string(),
                        }
                        for email in emails
                    ],
                }
            )
        transaction.set_rollback(True)
    return results


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localdigital.settings.local")
    import django

    django.setup()
    from django.conf import settings

    json.dump(
        {"site_url": settings.SITE_URL, "scenarios": render_every_email()},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
