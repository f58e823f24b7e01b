import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.urls import reverse

from localdigital.locks import (
    LockTimeoutMiddleware,
    advisory_lock,
    advisory_lock_take,
    lock_key,
    lock_register,
    web_lock_timeout_install,
)
from newsletter.models import SubscriberStatus
from newsletter.selectors import newsletter as selectors
from tests.newsletter.factories import SubscriberFactory
from tests.support.locks import lock_release, lock_try

HELD = lock_register("tests.locks_held")


@pytest.mark.django_db
class TestAdvisoryLock:
    def test_refuses_a_second_session_while_the_transaction_holds_it(self, other_session):
        """Another worker trying the same lock is refused until this transaction ends."""
        with advisory_lock(HELD) as locked:
            assert locked
            assert not lock_try(other_session, HELD)
        # The test's own transaction is still open, and the lock lasts as long as it.
        assert not lock_try(other_session, HELD)

    def test_yields_false_when_another_session_holds_it(self, other_session):
        """A periodic job finds the lock taken, and learns so without waiting."""
        assert lock_try(other_session, HELD)
        ran = False
        with advisory_lock(HELD) as locked:
            ran = True
            assert not locked
        assert ran
        lock_release(other_session, HELD)
        with advisory_lock(HELD) as locked:
            assert locked

    def test_waits_for_the_other_holder_when_told_to(self, other_session):
        """With wait=True it queues behind the holder rather than giving up."""
        assert lock_try(other_session, HELD)
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            with advisory_lock(HELD, wait=True):
                pass
        lock_release(other_session, HELD)
        with advisory_lock(HELD, wait=True) as locked:
            assert locked
            assert not lock_try(other_session, HELD)

    def test_takes_it_part_way_through_an_open_transaction(self, other_session):
        with transaction.atomic():
            assert advisory_lock_take(HELD)
            assert not lock_try(other_session, HELD)

    def test_refuses_a_name_that_was_never_registered(self):
        never = advisory_lock("tests.never_registered")
        with pytest.raises(ValueError, match="No lock called"), never:
            pass

    def test_one_name_locks_each_object_on_its_own(self, other_session):
        """A lock per (round, organisation): another session holding one pair does not hold
        up another pair, nor the lock without ids, but holds up the same pair."""
        assert lock_try(other_session, HELD, 7, 12)
        with transaction.atomic():
            assert advisory_lock_take(HELD, 7, 13)
            assert advisory_lock_take(HELD, 12, 7)
            assert advisory_lock_take(HELD)
            assert not advisory_lock_take(HELD, 7, 12)
        with advisory_lock(HELD, 7, 12) as locked:
            assert not locked

    def test_refuses_an_object_named_by_anything_but_whole_numbers(self):
        with pytest.raises(TypeError, match="whole numbers"):
            lock_key(HELD, "7")
        with pytest.raises(TypeError, match="whole numbers"):
            lock_key(HELD, True)


class TestLockRegister:
    def test_refuses_a_name_registered_twice(self):
        """Two modules cannot end up sharing a lock by choosing the same name."""
        with pytest.raises(ValueError, match="already registered"):
            lock_register(HELD)

    @pytest.mark.parametrize("name", ["nodots", "Tests.Upper", "tests.", "tests..twice"])
    def test_refuses_a_name_that_is_not_dotted_words(self, name):
        with pytest.raises(ValueError, match="dotted lower-case words"):
            lock_register(name)

    def test_gives_every_process_the_same_signed_64_bit_key(self):
        key = lock_key("declaration.register_import")
        assert key == lock_key("declaration.register_import")
        assert -(2**63) <= key < 2**63
        assert key != lock_key("declaration.signing_import")
        assert lock_key("funding.lead_bids", 3, 41) == lock_key("funding.lead_bids", 3, 41)
        assert lock_key("funding.lead_bids", 3, 41) != lock_key("funding.lead_bids", 34, 1)
        assert lock_key("funding.lead_bids", 3, 41) != lock_key("funding.lead_bids")


@pytest.mark.django_db(transaction=True)
def test_refuses_to_take_a_lock_outside_a_transaction():
    """Taken in autocommit, the lock would end with its own statement and guard nothing."""
    with pytest.raises(TransactionManagementError, match="inside one"):
        advisory_lock_take(HELD)


@pytest.fixture
def web_lock_timeout():
    """Give the test's database sessions the web's lock timeout, and take it away after.

    The timeout is a connection option, so the connection is closed either side for the next
    query to open one with the options in force.
    """
    options = dict(settings.DATABASES["default"].get("OPTIONS", {}))
    connection.close()
    web_lock_timeout_install(300)
    yield 300
    settings.DATABASES["default"]["OPTIONS"] = options
    connection.settings_dict["OPTIONS"] = options
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_request_waiting_on_a_locked_row_gets_the_busy_page(
    client, other_session, web_lock_timeout
):
    """Another session holds the subscriber's row: unsubscribing gives up within the timeout
    with a "busy, try again" page, not a 500, and changes nothing."""
    subscriber = SubscriberFactory(email="clerk@stockport.gov.uk")
    url = reverse(
        "newsletter:unsubscribe",
        kwargs={"token": selectors.subscriber_unsubscribe_token(subscriber=subscriber)},
    )
    with other_session.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM declaration_subscriber WHERE id = %s FOR UPDATE", [subscriber.pk]
        )
    started = time.monotonic()
    response = client.post(url)
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    content = response.content.decode()
    assert "Sorry, the service is busy" in content
    assert "Wait a few seconds and try again." in content
    other_session.rollback()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    # Once the row is free the same request goes through.
    assert client.post(url).status_code == 302


def test_leaves_other_database_errors_to_the_500_page(rf):
    middleware = LockTimeoutMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/"), OperationalError("server closed")) is None


def test_install_replaces_a_timeout_already_set_and_zero_removes_it(monkeypatch):
    options = {"options": "-c lock_timeout=9 -c search_path=x"}
    monkeypatch.setattr(settings, "DATABASES", {"default": {"OPTIONS": options}})
    web_lock_timeout_install(250)
    assert settings.DATABASES["default"]["OPTIONS"]["options"] == (
        "-c search_path=x -c lock_timeout=250"
    )
    web_lock_timeout_install(0)
    assert settings.DATABASES["default"]["OPTIONS"]["options"] == "-c search_path=x"


# The startup options a new session of that process would send (the busy-page test above shows
# what Postgres does with them).
SHOW_LOCK_TIMEOUT = (
    "import django; {entry}; from django.db import connection; "
    "print(connection.get_connection_params().get('options', 'none'))"
)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("import localdigital.wsgi", "-c lock_timeout=4000"),
        ("import localdigital.asgi", "-c lock_timeout=4000"),
        ("django.setup(); import localdigital.celery", "none"),
    ],
    ids=["web (wsgi)", "web (asgi)", "worker"],
)
def test_only_the_web_entry_points_give_up_on_a_lock(entry, expected):
    """gunicorn and runserver load wsgi.py; a Celery worker or migrate never does."""
    result = subprocess.run(
        [sys.executable, "-c", SHOW_LOCK_TIMEOUT.format(entry=entry)],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "localdigital.settings.test",
            "DATABASE_LOCK_TIMEOUT_MS": "4000",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == expected
