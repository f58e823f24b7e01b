"""The demo seed's environment, and the seedings that a class of tests reads."""

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import override_settings

from demo import funding as demo_funding
from tests.demo.support import (
    REGISTER_CSV,
    seed_demo,
)


@pytest.fixture(autouse=True)
def demo_environment(monkeypatch, settings):
    """A development machine (DEBUG on), serving on the default address, with the built-in
    organisations whatever `make` exported."""
    monkeypatch.delenv("LOCAL_AUTHORITIES_CSV", raising=False)
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def without_the_fund(monkeypatch):
    """Leave the Fund's demo out, for checks of the register, staff and signatories: it takes
    seconds to seed, and TestSeedDemoFund and the run-twice test check it."""
    monkeypatch.setattr(demo_funding, "seed", lambda **kwargs: [])


@contextmanager
def _one_seeding(django_db_blocker, *, whole: bool):
    """Seed the demo in a transaction that is rolled back when the class is done: ``whole``,
    with the whole register and the Fund, as `make run` loads it; else the built-in
    organisations, without the Fund. Each test runs in a savepoint inside this transaction,
    so it sees the seeded rows and what it changes is undone before the next test."""
    environment = override_settings(DEBUG=True, SITE_URL="http://127.0.0.1:8000")
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch, environment:
        if whole:
            patch.setenv("LOCAL_AUTHORITIES_CSV", str(REGISTER_CSV))
        else:
            patch.delenv("LOCAL_AUTHORITIES_CSV", raising=False)
            patch.setattr(demo_funding, "seed", lambda **kwargs: [])
        with transaction.atomic():
            yield seed_demo()
            transaction.set_rollback(True)


@pytest.fixture(scope="class")
def seeded_without_the_fund(django_db_setup, django_db_blocker):
    """One seeding of the built-in organisations, staff, signatories and newsletter, without
    the Fund, for a class of tests that read it."""
    with _one_seeding(django_db_blocker, whole=False) as output:
        yield output


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One seeding of the whole demo, with the whole register as `make run` loads it, for a
    class of tests."""
    with _one_seeding(django_db_blocker, whole=True) as output:
        yield output
