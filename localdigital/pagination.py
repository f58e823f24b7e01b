"""GOV.UK pagination, filter choices and active-filter tags for the domains' public lists,
which work from the address alone, without JavaScript. The template is
``includes/pagination.html``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

# Page numbers shown either side of the current one before an ellipsis.
PAGINATION_NEIGHBOURS = 1


class CountedPaginator(Paginator):
    """Django's paginator, told how many there are when the list already knows (its total,
    counted with its filters' options), so that it asks the database only for the page."""

    def __init__(
        self, object_list: QuerySet[Any] | Sequence[Any], per_page: int, *, count: int
    ) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@dataclass(frozen=True)
class FilterOption:
    """One choice in a filter: its value in the address, its label and how many it finds."""

    value: str
    label: str
    count: int


def filter_choices(everything: str, options: Sequence[FilterOption]) -> list[tuple[str, str]]:
    """Return a filter's choices: ``everything`` (no filter), then each option with how many
    it finds, "Alpha (12)"."""
    return [("", everything), *((o.value, f"{o.label} ({o.count})") for o in options)]


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, and the address of the same list without it."""

    label: str
    value: str
    remove_url: str


@dataclass(frozen=True)
class PaginationItem:
    """A page number in GOV.UK pagination, or an ellipsis (``number`` is None)."""

    number: int | None
    url: str = ""
    is_current: bool = False


@dataclass(frozen=True)
class Pagination:
    previous_url: str
    next_url: str
    items: list[PaginationItem]


def page_asked_for(paginator: Paginator, asked_for: str) -> tuple[Page, str]:
    """Return the page of ``paginator`` that the address asked for (``asked_for``, its
    ``page``), and a note when there is no such page and another is shown, else ""."""
    page = paginator.get_page(asked_for)
    note = ""
    if asked_for and asked_for != str(page.number):
        note = (
            f"There is no page {asked_for[:20]}. This is page {page.number} "
            f"of {paginator.num_pages}."
        )
    return page, note


def url_with(base: str, query: QueryDict, **changes: str | None) -> str:
    """Return ``base`` with ``query`` changed: a value of None removes the key."""
    query = query.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return base + (f"?{encoded}" if encoded else "")


def pagination(page: Page, *, base: str, query: QueryDict) -> Pagination | None:
    """Return GOV.UK pagination for ``page``: first, last and neighbouring page numbers."""
    last = page.paginator.num_pages
    if last <= 1:
        return None
    shown = {
        1,
        last,
        *range(page.number - PAGINATION_NEIGHBOURS, page.number + PAGINATION_NEIGHBOURS + 1),
    }
    items: list[PaginationItem] = []
    previous = 0
    for number in sorted(n for n in shown if 1 <= n <= last):
        if number - previous > 1:
            items.append(PaginationItem(number=None))
        items.append(
            PaginationItem(
                number=number,
                url=url_with(base, query, page=str(number)),
                is_current=number == page.number,
            )
        )
        previous = number
    return Pagination(
        previous_url=url_with(base, query, page=str(page.number - 1))
        if page.has_previous()
        else "",
        next_url=url_with(base, query, page=str(page.number + 1)) if page.has_next() else "",
        items=items,
    )
