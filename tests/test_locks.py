import pytest
from django.db import OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError

from localdigital.locks import advisory_lock, advisory_lock_take, lock_key, lock_register

HELD = lock_register("tests.locks_held")


def other_try(session, name: str) -> bool:
    """Try the lock ``name`` from another session, as a second worker would, and keep it."""
    with session.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)])
        (locked,) = cursor.fetchone()
    return locked


def other_unlock(session, name: str) -> None:
    with session.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])


@pytest.mark.django_db
class TestAdvisoryLock:
    def test_refuses_a_second_session_while_the_transaction_holds_it(self, other_session):
        """Another worker trying the same lock is refused until this transaction ends."""
        with advisory_lock(HELD) as locked:
            assert locked
            assert not other_try(other_session, HELD)
        # The test's own transaction is still open, and the lock lasts as long as it.
        assert not other_try(other_session, HELD)

    def test_yields_false_when_another_session_holds_it(self, other_session):
        """A periodic job finds the lock taken, and learns so without waiting."""
        assert other_try(other_session, HELD)
        ran = False
        with advisory_lock(HELD) as locked:
            ran = True
            assert not locked
        assert ran
        other_unlock(other_session, HELD)
        with advisory_lock(HELD) as locked:
            assert locked

    def test_waits_for_the_other_holder_when_told_to(self, other_session):
        """With wait=True it queues behind the holder rather than giving up."""
        assert other_try(other_session, HELD)
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            with advisory_lock(HELD, wait=True):
                pass
        other_unlock(other_session, HELD)
        with advisory_lock(HELD, wait=True) as locked:
            assert locked
            assert not other_try(other_session, HELD)

    def test_takes_it_part_way_through_an_open_transaction(self, other_session):
        with transaction.atomic():
            assert advisory_lock_take(HELD)
            assert not other_try(other_session, HELD)

    def test_refuses_a_name_that_was_never_registered(self):
        never = advisory_lock("tests.never_registered")
        with pytest.raises(ValueError, match="No lock called"), never:
            pass


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


@pytest.mark.django_db(transaction=True)
def test_refuses_to_take_a_lock_outside_a_transaction():
    """Taken in autocommit, the lock would end with its own statement and guard nothing."""
    with pytest.raises(TransactionManagementError, match="inside one"):
        advisory_lock_take(HELD)
