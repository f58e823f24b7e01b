"""List filters that the admin's lists share. This module knows no domain."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
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
