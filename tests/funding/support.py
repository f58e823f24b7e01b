"""Helpers the Fund's tests share."""

from __future__ import annotations

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
