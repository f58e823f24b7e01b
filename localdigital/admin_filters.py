"""List filters that the admin's lists share. This module knows no domain."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

ALL = "all"


class WaitingStatusFilter(admin.SimpleListFilter):
    """A list's status filter that shows the rows waiting for staff until they choose another
    status, or "All" (``ALL``): Django's own "All" choice, the list unfiltered, is not offered.

    A subclass's ``lookups`` give the statuses to choose from, ``ALL`` among them, and
    ``waiting``, the status shown when staff have chosen none."""

    title = "status"
    parameter_name = "status"
    waiting: str

    def value(self) -> str:
        value = super().value()
        return value if value in {lookup for lookup, _ in self.lookup_choices} else self.waiting

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == ALL:
            return queryset
        return queryset.filter(status=self.value())


# How one of a filter's choices narrows the list: a condition, or a function of the rows
# (a work queue's selector, so that the list shows what the queue counts).
Narrowing = Q | Callable[[QuerySet], QuerySet]


class NamedChoicesFilter(admin.SimpleListFilter):
    """A list filter of a few named choices, each with its words and how it narrows the list.

    A subclass gives ``title``, ``parameter_name`` and ``named_choices``: value → (words,
    narrowing), worked out at each request, so that a choice may depend on the time. A value
    that is not one of them leaves the list as it is."""

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        raise NotImplementedError(f"{type(self).__name__} must name its choices.")

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, words) for value, (words, _) in self.named_choices().items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        chosen = self.named_choices().get(self.value() or "")
        if chosen is None:
            return queryset
        narrowing = chosen[1]
        return queryset.filter(narrowing) if isinstance(narrowing, Q) else narrowing(queryset)
