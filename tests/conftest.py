"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg2
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.accounts.models import User
from localdigital.queueing import broker_backoff_reset
from tests.accounts.factories import UserFactory
from tests.support import database_reset, factory_traits

pytest_plugins = ["tests.fixtures.smtp_sink", "tests.fixtures.worker"]

factory_traits.install()

STAFF_GROUPS = ("Fund manager", "Assessor", "Training administrator", "Communications")


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


# Tests that start Celery workers share the broker (REDIS_URL) with each other, so under
# pytest-xdist (``make test`` runs two or more processes) they all run in one process, one
# after another. Everything else, browser tests included, has its own test database and
# live server in each process.
WORKER_FIXTURES = frozenset({"start_worker", "celery_broker", "redis_url"})


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test that commits what migrations put in the database, and keep the tests
    that start Celery workers together in one xdist process.

    Tests that really commit (browser tests, worker tests) run against a database emptied
    after each one, which would take away the staff groups, their permissions and the
    Declaration's first version, all made by migrations. ``serialized_rollback`` loads them
    again before each such test. It must apply to all of them: one emptied without it gets
    its content types made again with new ids, which the next restore then collides with.
    """
    for item in items:
        if WORKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("celery-workers"))
        if not _is_transactional(item):
            continue
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker is not None else {}
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(
            pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop a distributed run whose groups would be ignored.

    pytest-xdist's ``--dist loadgroup`` (``make test``) keeps the tests of one ``xdist_group``
    in one process by marking their node ids with the group's name. When a pytest release
    changes how node ids are kept, the mark is lost without a word, and the tests that share
    one broker or one seeding would run in two processes at once.
    """
    if getattr(session.config.option, "dist", "no") != "loadgroup":
        return
    lost = [
        item.nodeid
        for item in session.items
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
    ]
    if lost:
        raise pytest.UsageError(
            f"pytest-xdist ignored the xdist_group of {len(lost)} tests (first: {lost[0]}); "
            "install the versions in requirements.lock."
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, migrated, with commits that do not wait for the disk, and put back
    as migrations left it after each test that commits by deleting and copying rows rather
    than truncating (see ``tests/support/database_reset.py``)."""
    with django_db_blocker.unblock():
        database_reset.commit_without_waiting_for_the_disk(connection)
        database_reset.install(connection)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Start every test with empty rate-limit counters, and with the broker trusted again
    whatever an earlier test made it fail."""
    cache.clear()
    broker_backoff_reset()


@pytest.fixture
def uncached_public_pages(settings: Any) -> None:
    """Render every public page at every request: for tests that count what rendering costs,
    or change rows behind the services' backs (factories) between two requests."""
    settings.PUBLIC_CACHE_MAX_AGE = 0


@pytest.fixture
def fund_manager(db: None) -> User:
    """A member of staff in the Fund manager group."""
    return UserFactory.create(staff=True, groups=["Fund manager"], full_name="Farah Manager")


def sign_in_staff(client: Client, user: User) -> Client:
    """Sign ``user`` in as if with password and authenticator app (an OTP-verified session)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"confirmed": True}
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def otp_verified_client_for(db: None) -> Callable[[User], Client]:
    """Return a function that signs a user in on a new client, with two factors.

    The admin site needs a session verified by a confirmed TOTP device, which is what
    ``django_otp.login`` records after a correct code. Each call makes its own client, so a
    test can act as several people at once.
    """
    return lambda user: sign_in_staff(Client(), user)


@pytest.fixture
def otp_verified_superuser_client(otp_verified_client_for: Callable[[User], Client]) -> Client:
    """A client signed in to the admin as a superuser, with two factors."""
    return otp_verified_client_for(UserFactory.create(staff=True, is_superuser=True))


@pytest.fixture
def other_session() -> Iterator[Any]:
    """A second database session on the test database, as another worker or beat would have.

    It connects with the test connection's own parameters, so it reaches the same server
    whether that is the embedded one (a socket) or one at DATABASE_URL (TCP).
    """
    session = psycopg2.connect(**connection.get_connection_params())
    yield session
    session.rollback()
    session.close()
