"""The filters of the training lists that the work queue links to: enrolments whose offer
of a place expires soon, and cohorts with a register to take. Each calls the selector the
work queue counts with (``selectors.work_queue``), so that its counts and the lists agree."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ..selectors import work_queue

EXPIRING = "expiring"
TO_TAKE = "to_take"


class OfferExpiringFilter(admin.SimpleListFilter):
    title = "offer of a place"
    parameter_name = "offer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        hours = int(work_queue.OFFER_EXPIRY_WARNING.total_seconds() // 3600)
        return [(EXPIRING, f"Not answered, expires within {hours} hours")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == EXPIRING:
            return work_queue.enrolments_with_offer_expiring(queryset, now=timezone.now())
        return queryset


class RegisterFilter(admin.SimpleListFilter):
    title = "register"
    parameter_name = "register"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(TO_TAKE, "A session ended without its register taken")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == TO_TAKE:
            return work_queue.cohorts_with_register_to_take(queryset, now=timezone.now())
        return queryset
