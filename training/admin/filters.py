"""The filters of the training lists that the work queue links to: enrolments whose offer
of a place expires soon, and cohorts with a register to take. Each calls the selector the
work queue counts with (``selectors.work_queue``), so that its counts and the lists agree."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from localdigital.admin_filters import NamedChoicesFilter, Narrowing

from ..selectors import work_queue

EXPIRING = "expiring"
TO_TAKE = "to_take"


class OfferExpiringFilter(NamedChoicesFilter):
    title = "offer of a place"
    parameter_name = "offer"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        hours = int(work_queue.OFFER_EXPIRY_WARNING.total_seconds() // 3600)
        now = timezone.now()
        return {
            EXPIRING: (
                f"Not answered, expires within {hours} hours",
                lambda rows: work_queue.enrolments_with_offer_expiring(rows, now=now),
            )
        }


class RegisterFilter(NamedChoicesFilter):
    title = "register"
    parameter_name = "register"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        now = timezone.now()
        return {
            TO_TAKE: (
                "A session ended without its register taken",
                lambda rows: work_queue.cohorts_with_register_to_take(rows, now=now),
            )
        }
