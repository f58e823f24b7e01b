from datetime import timedelta

import pytest
from django.utils import timezone

from localdigital.accounts.models import User
from localdigital.accounts.tasks import prune_unverified_users
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestPruneUnverifiedUsers:
    def test_deletes_accounts_never_used_after_7_days(self):
        """An address somebody typed, whose link was never used, is not kept for long."""
        now = timezone.now()
        stale = UserFactory(signed_up=True, date_joined=now - timedelta(days=8))
        recent = UserFactory(signed_up=True, date_joined=now - timedelta(days=6))
        verified = UserFactory(date_joined=now - timedelta(days=400))
        staff = UserFactory(signed_up=True, staff=True, date_joined=now - timedelta(days=30))

        assert prune_unverified_users(run_at=now.isoformat()) == 1

        remaining = set(User.objects.values_list("pk", flat=True))
        assert stale.pk not in remaining
        assert {recent.pk, verified.pk, staff.pk} <= remaining

    def test_gives_the_same_result_when_run_again_for_the_same_time(self):
        now = timezone.now()
        UserFactory(signed_up=True, date_joined=now - timedelta(days=8))
        assert prune_unverified_users(run_at=now.isoformat()) == 1
        assert prune_unverified_users(run_at=now.isoformat()) == 0

    def test_keeps_an_account_that_has_signed_in(self):
        now = timezone.now()
        user = UserFactory(signed_up=True, date_joined=now - timedelta(days=8), last_login=now)
        assert prune_unverified_users(run_at=now.isoformat()) == 0
        assert User.objects.filter(pk=user.pk).exists()

    def test_reads_a_run_time_without_an_offset_as_london_time(self):
        """Beat and tests may pass a plain time; it is read in Europe/London, not UTC."""
        UserFactory(signed_up=True, date_joined=timezone.now() - timedelta(days=8))
        naive = (timezone.localtime() + timedelta(minutes=1)).replace(tzinfo=None)
        assert prune_unverified_users(run_at=naive.isoformat()) == 1
