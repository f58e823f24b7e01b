"""Helpers the Fund's tests share."""

from __future__ import annotations

import re

from django.urls import reverse

from funding.errors import RulesNotMet
from funding.models import Application
from tests.funding.factories import ApplicationFactory, ApplicationPartnerFactory


def rules_of(error: RulesNotMet) -> set[str]:
    """Return the codes of the rules that ``error`` says were not met."""
    return {problem.rule for problem in error.problems}


def ready(**kwargs) -> Application:
    """A complete draft with one confirmed partner: everything the round asks."""
    application = ApplicationFactory.create(complete=True, **kwargs)
    ApplicationPartnerFactory(application=application, confirmed=True)
    return application


def signed_in(client, user):
    """Sign ``user`` in on ``client``, and return the client."""
    client.force_login(user)
    return client


def section_url(application, section):
    """Return the address of one section of a full application."""
    return reverse("funding:application-section", args=[application.reference, section])


def task_status(page: str, key: str) -> str:
    """Return the text of a task's status on the task list."""
    match = re.search(rf'id="task-{key}-status">(.*?)</div>', page, re.S)
    assert match, f"no task {key} on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()
